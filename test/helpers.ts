process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR'; // handlers' warnings (retries, failed units) are part of what tests provoke

import { startLocal, type LocalOptions, type LocalSystem } from '../infra/local/runtime';
import { clock } from '../libs/clock';
import { services } from '../services/index';

export interface Call {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** A small client for the local runtime: real HTTP, real tokens. */
export function client(system: LocalSystem) {
  return async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; type?: string; headers?: Record<string, string> } = {}): Promise<Call> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.type ?? 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.type ?? 'application/json';
    }
    const response = await fetch(`${system.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };
}

/**
 * Every service but notifications unless a test names its services: notifications fans every vote
 * event out to every owner, which multiplies the work of files that test something else (its own
 * e2e file starts it with the services it listens to).
 */
export async function startSystem(options: LocalOptions = {}) {
  const system = await startLocal({ busRetryDelayMs: 5, services: services.filter((s) => s.name !== 'notifications'), ...options });
  await registerAreas(system);
  return { system, call: client(system) };
}

/**
 * The areas tests place compounds in: district D1, its street S1 and community K1 (compoundBody's),
 * registered as the bureau would (POST /districts, /streets, /communities). Skipped when the
 * system runs without the registry; already registered is fine (409).
 */
export async function registerAreas(system: LocalSystem, areas: readonly { districtId: string; streetId: string; communityId: string }[] = [{ districtId: 'D1', streetId: 'S1', communityId: 'K1' }]) {
  if (!system.routes.some((r) => r.path === '/districts')) return;
  const call = client(system);
  const token = await system.token(['bureau'], 'test-areas');
  for (const { districtId, streetId, communityId } of areas) {
    for (const [path, body] of [
      ['/districts', { districtId, name: `District ${districtId}` }],
      ['/streets', { streetId, districtId, name: `Street ${streetId}` }],
      ['/communities', { communityId, streetId, name: `Community ${communityId}` }],
    ] as const) {
      const { status, text } = await call('POST', path, { token, body });
      if (status !== 201 && status !== 409) throw new Error(`POST ${path}: ${status} ${text}`);
    }
  }
}

/** A compound in community K1 (street S1, district D1); `over` may name another registered community. */
export const compoundBody = (compoundId: string, over: Record<string, unknown> = {}) => ({
  compoundId,
  name: `Compound ${compoundId}`,
  address: '1 Test Road',
  communityId: 'K1',
  governance: 'committee',
  developerId: 'DEV',
  ...over,
});

/** A roll of `count` units over buildings of 100, a few unsold, owner O1 holding several. */
export function rollCsv(count: number): string {
  const lines = ['building,unit,area,area_source,holding,owner_id,owner_name,registered'];
  for (let n = 1; n <= count; n++) {
    const building = `B${String(Math.ceil(n / 100)).padStart(2, '0')}`;
    const unit = String(((n - 1) % 100) + 1).padStart(3, '0');
    const area = `${60 + (n % 90)}.${String(n % 100).padStart(2, '0')}`;
    if (n % 40 === 0) lines.push(`${building},${unit},${area},contract,unsold,,,no`);
    else lines.push(`${building},${unit},${area},register,owned,${n % 500 === 1 ? 'O1' : `O${n}`},Owner ${n},yes`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Moves the runtime's clock just past an instant an API gave (a vote's opening or close, the end of
 * its objections): five minutes past, so that the 5-minute schedules act on it (and the count, a
 * minute after the close, may start), then waits for what follows. Deadlines are counted in local
 * calendar days, so tests move to them rather than by a number of days.
 */
export async function advancePast(system: LocalSystem, iso: string, pastMs = 5 * 60_000): Promise<void> {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) throw new Error(`not an instant: ${iso}`);
  await system.scheduler.advance(Math.max(at - clock.now().getTime(), 0) + pastMs);
  await system.idle();
}
