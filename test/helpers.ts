process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR'; // handlers' warnings (retries, failed units) are part of what tests provoke

import { startLocal, type LocalOptions, type LocalSystem } from '../infra/local/runtime';

export interface Call {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** A small client for the local runtime: real HTTP, real tokens. */
export function client(system: LocalSystem) {
  return async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; type?: string; headers?: Record<string, string> } = {},
  ): Promise<Call> {
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

export async function startSystem(options: LocalOptions = {}) {
  const system = await startLocal({ busRetryDelayMs: 5, ...options });
  return { system, call: client(system) };
}

export const compoundBody = (compoundId: string, over: Record<string, unknown> = {}) => ({
  compoundId,
  name: `Compound ${compoundId}`,
  address: '1 Test Road',
  districtId: 'D1',
  streetId: 'S1',
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
