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
const [{ startLocal }, { DEMO, DEMO_SEED, seededMessage }] = await Promise.all([import('./runtime'), import('./seed')]);
const seed = process.env.GONGZHI_SEED === 'off' ? undefined : DEMO_SEED;
const system = await startLocal({ port, dataDir, autoTick: true, seed }).catch((error: unknown) => startupFailure(error) as never);
process.off('uncaughtException', startupFailure);
instance.update({ port: Number(new URL(system.url).port), url: system.url });
const readyMs = Math.round(performance.now() - started);

const routes = system.routes.map((r) => `  ${r.method.padEnd(6)} ${r.path.padEnd(48)} ${r.allow === 'public' ? 'public' : r.allow.join(',')}`).join('\n');
console.log(`gongzhi is running at ${system.url} (ready in ${readyMs} ms)

Routes (method, path, who may call):
${routes}

Get a token (prints it alone), then call the API:
  TOKEN=$(npm run --silent token -- --role bureau)
  curl -H "authorization: Bearer $TOKEN" ${system.url}/compounds/${DEMO.compoundId}
  npm run --silent token -- --role owner --compound ${DEMO.compoundId} --owner O2

Local-only admin (never deployed): GET /_local/schedules, POST /_local/schedules/{service}/{name}/fire,
  POST /_local/clock/advance {"days":7}, GET /_local/dead-letters, GET /_local/events, GET /_local/bus,
  POST /_local/bus/idle, GET /_local/ready (200 once seeded; POST /_local/ready?wait=120 waits for it)
OpenAPI: ${system.url}/openapi.json    Data: ${dataDir}/ (npm run reset wipes it)`);

const seeding = system.seed.status();
if (seeding.state === 'running') {
  const what = seeding.doneBefore.length
    ? `Resuming the demo seed an earlier start left unfinished (done: ${seeding.doneBefore.join(', ')}; left: ${seeding.left.join(', ')})`
    : `Seeding the demo compound ${DEMO.compoundId} in the background`;
  console.log(`${what}; to wait for it: curl -X POST ${system.url}/_local/ready?wait=120`);
  void system.seed.finished.then((status) => {
    if (status.state === 'done') console.log(seededMessage);
    else if (status.state === 'failed') console.error(`Seeding failed: ${status.error}\nThe next start resumes it (npm start); npm run reset starts afresh.`);
  });
}

// Ctrl-C or a TERM: refuse new requests, let running invocations finish (10 s at most), exit. What was
// not delivered yet is in the store and goes on at the next start; a second Ctrl-C stops at once,
// which loses nothing either.
let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  await system.close({ drainMs: 10_000 });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
