import { performance } from 'node:perf_hooks';
import { checkPort, claimDataDir, explainStartupError, StartRefused } from './instance';

const started = performance.now();
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.GONGZHI_DATA_DIR ?? '.data';

// A taken folder or port is a sentence, not a stack trace, and is found before anything loads.
const refuse = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};
let instance: ReturnType<typeof claimDataDir>;
try {
  instance = claimDataDir(dataDir);
  await checkPort(port);
} catch (error) {
  if (error instanceof StartRefused) refuse(error.message);
  throw error;
}
// Should another process take the folder (LevelDB's lock) or the port between the checks and the
// start, the error escapes from a server's 'error' event: explain it the same way.
const startupFailure = (error: unknown) => {
  const message = explainStartupError(error, dataDir, port);
  if (message) refuse(message);
  console.error(error);
  process.exit(1);
};
process.on('uncaughtException', startupFailure);
const [{ startLocal }, { DEMO, seedDemo }] = await Promise.all([import('./runtime'), import('./seed')]);
const system = await startLocal({ port, dataDir, autoTick: true }).catch((error: unknown) => startupFailure(error) as never);
process.off('uncaughtException', startupFailure);
instance.update({ port: Number(new URL(system.url).port), url: system.url });
const readyMs = Math.round(performance.now() - started);

const routes = system.routes
  .map((r) => `  ${r.method.padEnd(6)} ${r.path.padEnd(48)} ${r.allow === 'public' ? 'public' : r.allow.join(',')}`)
  .join('\n');
console.log(`gongzhi is running at ${system.url} (ready in ${readyMs} ms)

Routes (method, path, who may call):
${routes}

Get a token (prints it alone), then call the API:
  TOKEN=$(npm run --silent token -- --role bureau)
  curl -H "authorization: Bearer $TOKEN" ${system.url}/compounds/${DEMO.compoundId}
  npm run --silent token -- --role owner --compound ${DEMO.compoundId} --owner O2

Local-only admin (never deployed): GET /_local/schedules, POST /_local/schedules/{service}/{name}/fire,
  POST /_local/clock/advance {"days":7}, GET /_local/dead-letters, GET /_local/events, POST /_local/bus/idle
OpenAPI: ${system.url}/openapi.json    Data: ${dataDir}/ (npm run reset wipes it)`);

if (process.env.GONGZHI_SEED !== 'off') {
  void seedDemo(system)
    .then((seeded) => seeded && console.log(`Seeded the demo compound ${DEMO.compoundId} (27 buildings, ${DEMO.buildings * DEMO.unitsPerBuilding} units).`))
    .catch((error) => console.error('seeding failed:', error));
}

const stop = async () => {
  await system.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
