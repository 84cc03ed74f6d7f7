import { clock } from '../../libs/clock';

/**
 * A consumer that finds its event claimed by an invocation that may still be running fails with
 * libs/consume.ts `ClaimHeld`, saying until when (`extensions.retryAfter`, on the runtime clock).
 * Deployed, Lambda retries minutes later. Locally the holder runs in this very process (a claim of
 * a previous, dead process is taken over at once: see libs/consume.ts), so it usually finishes within
 * milliseconds: the bus and the queues check again soon, with a growing pause, and at once when the
 * clock is moved, without spending the delivery's few attempts, until the lease has run out.
 */
export const HELD_POLL_MAX_MS = 1_000;

/** The end of the holder's lease (ms on the runtime clock) if `error` is a ClaimHeld whose lease still runs. */
export function claimHeldUntil(error: unknown): number | undefined {
  const e = error as { name?: string; kind?: string; extensions?: { retryAfter?: unknown } } | null;
  if (e?.name !== 'ClaimHeld' || e.kind !== 'busy') return undefined;
  const until = Date.parse(String(e.extensions?.retryAfter ?? ''));
  if (!Number.isFinite(until) || until <= clock.now().getTime()) return undefined;
  return until;
}

/** The pause before the `held`-th check of a held claim (1, 2, …): doubling from `baseMs`, at most a second, never past the lease. */
export function heldPauseMs(held: number, baseMs: number, until: number): number {
  return Math.max(0, Math.min(HELD_POLL_MAX_MS, baseMs * 2 ** Math.min(held - 1, 10), until - clock.now().getTime()));
}
