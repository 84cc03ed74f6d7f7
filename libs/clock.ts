/**
 * The one clock every handler reads. Deployed it is the system clock; the local runtime can move it
 * forward so that demos and tests reach deadlines (notice periods, objection periods, terms) without waiting.
 */
let offsetMs = 0;

export const clock = {
  now: (): Date => new Date(Date.now() + offsetMs),
  nowIso: (): string => new Date(Date.now() + offsetMs).toISOString(),
  offsetMs: (): number => offsetMs,
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
    offsetMs += ms;
  },
  reset(): void {
    offsetMs = 0;
  },
};
