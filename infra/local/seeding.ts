import type { RuntimeStore } from './runtime-store';

/**
 * Seeding that a crash cannot break: a list of steps, each run through the public API and recorded
 * as done in the runtime's table, so that a start after an interrupted seed runs only what is left.
 *
 * A step must be idempotent: run again after an interruption, it completes what is missing. The
 * `call` it is given helps: every call of a step is journaled (request before it is sent, answer
 * after), so a resumed step gets the recorded answers of the calls it already made (the same ids,
 * hashes, keys) and re-sends the call that was in flight, with the same body and Idempotency-Key, so
 * that the API answers it with its stored response if it completed. One case remains: a call whose
 * write landed but whose Idempotency-Key was not yet completed when the process died is executed
 * again, and may then be refused (a state already left) or repeat a creation. A step that fails
 * after such a re-sent call is started once more from its beginning, with fresh keys: the demo may
 * then hold a duplicate (a second complaint of the same text), never a hole.
 */
export type SeedMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Call the API with a token for `grants` (and `subject`); a string body is sent as `contentType`. */
export type SeedCall = (method: SeedMethod, path: string, grants: readonly string[], body?: unknown, subject?: string, contentType?: string) => Promise<{ status: number; json: any }>;

export interface SeedContext {
  call: SeedCall;
  /** For a step that makes its own requests (not journaled: it must be idempotent by itself). */
  target: { url: string; token(grants: readonly string[], subject?: string): Promise<string> };
  log(message: string): void;
}

export interface SeedStep {
  /** Names it in the progress record and in `/_local/ready`: never rename a step once shipped. */
  name: string;
  /** Wait before it until the events of the steps before it have been delivered (read models it relies on). */
  after?: 'settled';
  run(context: SeedContext): Promise<void>;
}

export type SeedState = 'off' | 'running' | 'done' | 'failed' | 'stopped';

export interface SeedStatus {
  state: SeedState;
  done: string[];
  left: string[];
  /** Steps an earlier start had done (all of them: nothing to seed; some: a resumed seed). */
  doneBefore: string[];
  error?: string;
}

/** What the seed needs of the running system. */
export interface SeedHost {
  url: string;
  store: RuntimeStore;
  token(grants: readonly string[], subject: string): Promise<string>;
  /** Resolves when every delivery and message pending now is done. */
  settle(): Promise<void>;
}

interface StepRecord {
  state: 'running' | 'done';
  generation: number;
  at: string;
}

interface Journaled {
  request: { method: SeedMethod; path: string; grants: readonly string[]; body?: unknown; subject: string; contentType: string };
  response?: { status: number; json: unknown };
}

class Stopped extends Error {}
class Diverged extends Error {}

const stepKey = (name: string) => `seedstep:${name}`;
const callPrefix = (name: string, generation: number) => `seedcall:${name}:g${generation}:`;
/** Answers worth waiting out: a function past its timeout, or the same key still being processed. */
const transient = (status: number, json: unknown) => status === 503 || (status === 409 && /still being processed/.test(JSON.stringify(json ?? '')));

/** A seed as the runtime holds it (a real one, or `seedingOff`). */
export interface SeedRun {
  readonly status: SeedStatus;
  readonly finished: Promise<SeedStatus>;
  start(): void;
  stop(): void;
}

export function seedingOff(): SeedRun {
  const status: SeedStatus = { state: 'off', done: [], left: [], doneBefore: [] };
  return { status, finished: Promise.resolve(status), start: () => undefined, stop: () => undefined };
}

export class Seeding implements SeedRun {
  private stopped = false;
  readonly finished: Promise<SeedStatus>;
  private finish!: (status: SeedStatus) => void;
  status: SeedStatus;

  private constructor(
    private readonly host: SeedHost,
    private readonly steps: readonly SeedStep[],
    private readonly records: Map<string, StepRecord>,
    private readonly log: (message: string) => void,
  ) {
    const done = steps.filter((s) => records.get(s.name)?.state === 'done').map((s) => s.name);
    this.status = { state: done.length === steps.length ? 'done' : 'running', done, left: steps.map((s) => s.name).filter((n) => !done.includes(n)), doneBefore: [...done] };
    this.finished = new Promise((resolve) => (this.finish = resolve));
    if (this.status.state === 'done') this.finish(this.status);
  }

  /** Reads what earlier starts did; `start` then runs what is left. */
  static async prepare(host: SeedHost, steps: readonly SeedStep[], log: (message: string) => void = () => undefined): Promise<Seeding> {
    const names = new Set<string>();
    for (const step of steps) {
      if (names.has(step.name)) throw new Error(`two seed steps are named ${step.name}`);
      names.add(step.name);
    }
    const records = await host.store.statesStartingWith<StepRecord>('seedstep:');
    return new Seeding(host, steps, new Map([...records].map(([key, record]) => [key.slice('seedstep:'.length), record])), log);
  }

  start(): void {
    if (this.status.state !== 'running') return;
    void this.run().then(
      () => this.settle({ state: 'done' }),
      (error: unknown) => this.settle(error instanceof Stopped || this.stopped ? { state: 'stopped' } : { state: 'failed', error: (error as Error)?.message ?? String(error) }),
    );
  }

  /** Stop at the next call (the process is shutting down); the next start resumes. */
  stop(): void {
    this.stopped = true;
  }

  private settle(change: Partial<SeedStatus>): void {
    this.status = { ...this.status, ...change };
    this.finish(this.status);
  }

  private async run(): Promise<void> {
    for (const [i, step] of this.steps.entries()) {
      if (this.records.get(step.name)?.state === 'done') continue;
      if (this.stopped) throw new Stopped();
      if (i > 0 && step.after === 'settled') await this.host.settle();
      await this.runStep(step);
      const record: StepRecord = { state: 'done', generation: this.records.get(step.name)?.generation ?? 0, at: new Date().toISOString() };
      await this.host.store.setState(stepKey(step.name), record);
      this.records.set(step.name, record);
      this.status = { ...this.status, done: [...this.status.done, step.name], left: this.status.left.filter((n) => n !== step.name) };
      await this.forgetCalls(step.name, record.generation);
    }
    // Done means the read models know it too.
    await this.host.settle();
  }

  private async runStep(step: SeedStep): Promise<void> {
    for (let restarts = 0; ; restarts++) {
      const generation = this.records.get(step.name)?.generation ?? 0;
      const journal = await this.host.store.statesStartingWith<Journaled>(callPrefix(step.name, generation));
      const state = { n: 0, resent: false };
      const context: SeedContext = {
        call: (...args) => this.call(step.name, generation, journal, state, ...args),
        target: { url: this.host.url, token: (grants, subject) => this.host.token(grants, subject ?? `seed-${step.name}`) },
        log: this.log,
      };
      try {
        await step.run(context);
        return;
      } catch (error) {
        if (error instanceof Stopped || this.stopped) throw new Stopped();
        if (!(state.resent || error instanceof Diverged) || restarts >= 2) throw new Error(`seed step ${step.name}: ${(error as Error).message}`);
        this.log(`seed step ${step.name}: the call in flight when the last run stopped cannot be completed (${(error as Error).message}); running the step again from its start`);
        const next: StepRecord = { state: 'running', generation: generation + 1, at: new Date().toISOString() };
        await this.host.store.setState(stepKey(step.name), next);
        this.records.set(step.name, next);
        await this.forgetCalls(step.name, generation);
      }
    }
  }

  private async forgetCalls(step: string, generation: number): Promise<void> {
    const names = [...(await this.host.store.statesStartingWith(callPrefix(step, generation))).keys()];
    await this.host.store.deleteStates(names);
  }

  private async call(
    step: string,
    generation: number,
    journal: Map<string, Journaled>,
    state: { n: number; resent: boolean },
    method: SeedMethod,
    path: string,
    grants: readonly string[],
    body?: unknown,
    subject?: string,
    contentType = 'application/json',
  ): Promise<{ status: number; json: any }> {
    if (this.stopped) throw new Stopped();
    const n = state.n++;
    const name = `${callPrefix(step, generation)}${String(n).padStart(5, '0')}`;
    const recorded = journal.get(name);
    if (recorded && (recorded.request.method !== method || recorded.request.path !== path)) {
      throw new Diverged(`call ${n} was ${recorded.request.method} ${recorded.request.path}, now ${method} ${path}`);
    }
    if (recorded?.response) return recorded.response as { status: number; json: any };
    // The request as first sent (a re-sent call must carry the same body for its Idempotency-Key).
    const request = recorded?.request ?? { method, path, grants, body, subject: subject ?? `seed-${grants.join('-').replace(/[^\w-]/g, '_')}`, contentType };
    if (recorded) state.resent = true;
    else await this.host.store.setState(name, { request } satisfies Journaled);
    const response = await this.send(request, `seed-${step}-g${generation}-${n}`);
    await this.host.store.setState(name, { request, response } satisfies Journaled);
    return response;
  }

  private async send(request: Journaled['request'], idempotencyKey: string): Promise<{ status: number; json: any }> {
    const token = await this.host.token(request.grants, request.subject);
    const text = request.body === undefined ? undefined : typeof request.body === 'string' && request.contentType !== 'application/json' ? request.body : JSON.stringify(request.body);
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new Stopped();
      let status: number;
      let json: unknown;
      try {
        const response = await fetch(`${this.host.url}${request.path}`, {
          method: request.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': request.contentType, ...(request.method === 'POST' ? { 'idempotency-key': idempotencyKey } : {}) },
          body: text,
        });
        status = response.status;
        const raw = await response.text();
        try {
          json = raw ? JSON.parse(raw) : undefined;
        } catch {
          json = raw;
        }
      } catch (error) {
        if (this.stopped) throw new Stopped();
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        continue;
      }
      if (!transient(status, json) || attempt >= 12) return { status, json };
      await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
    }
  }
}
