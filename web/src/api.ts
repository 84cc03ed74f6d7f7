import { webConfig } from './config';
import { loadSession } from './session';

/** An API answer that was not 2xx: its problem+json title, detail and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { field: string; reason: string }[] },
  ) {
    super([problem.detail ?? problem.title ?? `HTTP ${status}`, ...(problem.errors ?? []).map((e) => `${e.field}: ${e.reason}`)].join('; '));
  }
}

const key = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));

/** Call the API with the session's token; POSTs carry an Idempotency-Key so a double tap files once. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const session = loadSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = key();
  const response = await fetch(`${webConfig().apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiError(response.status, (json ?? {}) as ApiError['problem']);
  return json as T;
}

/** GET, or undefined on 404 (a thing not there yet, e.g. an optional API). */
export async function apiMaybe<T = any>(path: string): Promise<T | undefined> {
  try {
    return await api<T>('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Every item of a paginated list (`items` and `nextCursor`), up to `max`. */
export async function all<T = any>(path: string, max = 500): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ items: T[]; nextCursor?: string }>('GET', cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** Money is integer fen; shown in yuan with two decimals. */
export const yuan = (fen: number): string => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Areas are integer hundredths of m². */
export const m2 = (hundredths: number): string => `${(hundredths / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} m²`;
export const date = (iso?: string): string => (iso ? new Date(iso).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }) : '—');
