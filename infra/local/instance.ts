import { readFileSync, unlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * One `npm start` per data folder, and a plain sentence instead of a stack trace when the folder
 * or the port is taken. The folder is claimed with a pid file created exclusively (O_EXCL), so of
 * two starts at the same moment exactly one wins; a file left by a killed process (its pid gone,
 * or reused by something that is not node) is taken over. LevelDB's own lock stays the last word:
 * `startupFailure` turns its error into the same sentence.
 */

export const PID_FILE = 'gongzhi.pid';

export interface Running {
  pid: number;
  port?: number;
  url?: string;
  startedAt?: string;
}

/** A one-line message for the user; the process exits with status 1. */
export class StartRefused extends Error {}

const alive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // On Linux, a pid reused by another program after a kill -9 is not us.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
};

function readRunning(file: string): Running | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Running;
  } catch {
    return undefined;
  }
}

export function alreadyRunning(dataDir: string, running: Partial<Running> = {}): string {
  const pid = running.pid && running.pid !== process.pid ? running.pid : undefined;
  const details = [pid ? `pid ${pid}` : '', pid && running.port ? `port ${running.port}` : ''].filter(Boolean).join(', ');
  const where = dataDir === '.data' ? 'from this folder' : `with its data in ${dataDir}`;
  return `gongzhi is already running ${where}${details ? ` (${details})` : ''}; stop it or use GONGZHI_DATA_DIR=<another folder>`;
}

export const portInUse = (port: number) => `port ${port} is in use; set PORT=<another port> (PORT=0 picks a free one)`;

/** Claims `dataDir` for this process, or refuses when a live gongzhi holds it. */
export function claimDataDir(dataDir: string): { update(running: Omit<Running, 'pid'>): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, PID_FILE);
  const mine = (extra: Omit<Running, 'pid'> = {}) => `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ...extra })}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, mine(), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw error;
      const running = readRunning(file);
      // A file being written this very moment by another start reads as empty: that start is alive.
      if (running === undefined && existsSync(file) && attempt < 3) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        continue;
      }
      if (running && alive(running.pid)) throw new StartRefused(alreadyRunning(dataDir, running));
      try {
        unlinkSync(file); // left by a process that is gone
      } catch {
        // another start removed it first; the next attempt decides
      }
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readRunning(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone (npm run reset)
      }
    }
  };
  process.once('exit', release);
  return {
    update: (running) => {
      if (readRunning(file)?.pid === process.pid) writeFileSync(file, mine(running));
    },
    release,
  };
}

/** Refuses early when nothing could listen on `port` (0 always works). */
export async function checkPort(port: number, host = '127.0.0.1'): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartRefused(`PORT must be a number from 0 to 65535, not ${JSON.stringify(process.env.PORT)}`);
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartRefused(portInUse(port)));
      else if (error.code === 'EACCES') reject(new StartRefused(`port ${port} needs privileges this user does not have; set PORT=<a port above 1023>`));
      else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** The message for an error that escaped while starting, if it is one of ours to explain. */
export function explainStartupError(error: unknown, dataDir: string, port: number): string | undefined {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (e instanceof StartRefused) return e.message;
    if (e.code === 'LEVEL_LOCKED') return alreadyRunning(dataDir, readRunning(join(dataDir, PID_FILE)));
    if (e.code === 'EADDRINUSE') return portInUse(port);
  }
  return undefined;
}
