import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { routeKey, type RouteDecl } from '../../libs/topology';

/**
 * What each successful change through the API set in motion, so that the test suite can hold every
 * mutating route to "a state change leaves an audit record": the events it put on the bus (the audit
 * service records every gongzhi.* event) and the units of work it queued (whose workers publish).
 * Counted per request through async context, so concurrent requests do not mix.
 */
export interface MutationRecord {
  /** `POST /compounds/{compoundId}/votes`, as declared. */
  route: string;
  status: number;
  events: number;
  units: number;
  /** The path called, to find the call in a test. */
  path: string;
}

interface Caused {
  events: number;
  units: number;
}

const causing = new AsyncLocalStorage<Caused>();

/** Runs one request's work and says what it caused. */
export async function traceCauses<T>(work: () => Promise<T>): Promise<{ result: T; events: number; units: number }> {
  const caused: Caused = { events: 0, units: 0 };
  const result = await causing.run(caused, work);
  return { result, ...caused };
}

export function notePublished(events: number): void {
  const caused = causing.getStore();
  if (caused) caused.events += events;
}

export function noteQueued(units: number): void {
  const caused = causing.getStore();
  if (caused) caused.units += units;
}

/**
 * Where the records of one run go, when the test suite asks for them (GONGZHI_MUTATION_LOG names a
 * folder; test/summary-reporter.cjs reads it at the end): one JSON line per change, one file per process.
 */
export function mutationLogWriter(routes: readonly RouteDecl[]): ((record: MutationRecord) => void) | undefined {
  const folder = process.env.GONGZHI_MUTATION_LOG;
  if (!folder) return undefined;
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${process.pid}.jsonl`);
  // What is declared, so the reader can tell which routes were never exercised and which may be silent.
  const declared = routes.filter((r) => r.method !== 'GET').map((r) => ({ route: routeKey(r), unaudited: r.unaudited ?? null }));
  appendFileSync(file, `${JSON.stringify({ declared })}\n`);
  return (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
}
