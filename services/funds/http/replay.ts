/**
 * A domain-level replay (the same client reference and content again) answers 200 with the first
 * result and changes nothing; it says so as an Idempotency-Key replay does, so that clients and the
 * audit check can tell it from a change.
 */
export const replayHeaders = (replayed: boolean): Record<string, string> => (replayed ? { 'idempotent-replayed': 'true' } : {});
