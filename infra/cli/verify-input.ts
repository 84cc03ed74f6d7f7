/**
 * What `npm run verify` was given, checked before anything is verified: a file that is not a ballot
 * log or a ledger export (another export, an error page saved by mistake, the other kind of log) is
 * refused with what was expected and what came, instead of failing somewhere inside the check.
 */
export class NotThisDocument extends Error {}

const VOTE_LOG = 'a ballot log: a JSON object with "vote", "head", "view", "result" and an "entries" array (what GET /compounds/{id}/votes/{voteId}/log or …/log/weighted answers)';
const LEDGER = 'a ledger export: a JSON object with "compoundId", "fund" and an "entries" array (what GET /compounds/{id}/funds/{fund}/export answers)';

/** A short description of a parsed JSON value, for the error. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a JSON array of ${value.length} item(s)`;
  if (typeof value !== 'object') return `a JSON ${typeof value}`;
  const keys = Object.keys(value);
  if (keys.length === 0) return 'an empty JSON object';
  const shown = keys.slice(0, 8).map((k) => `"${k}"`);
  const more = keys.length > 8 ? ` and ${keys.length - 8} more` : '';
  const entries = (value as { entries?: unknown }).entries;
  const entriesNote = 'entries' in value && !Array.isArray(entries) ? ` ("entries" is ${describe(entries)}, not an array)` : '';
  return `a JSON object with ${shown.join(', ')}${more}${entriesNote}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const looksLikeVoteLog = (value: unknown) => isObject(value) && Array.isArray(value.entries) && isObject(value.vote) && typeof value.head === 'string' && isObject(value.result);
const looksLikeLedger = (value: unknown) => isObject(value) && Array.isArray(value.entries) && typeof value.compoundId === 'string' && typeof value.fund === 'string';

/** Parse a file's text as JSON, saying which file is not JSON. */
export function parseJson(source: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    throw new NotThisDocument(`${source} is not JSON (${(error as Error).message}); it begins ${JSON.stringify(start)}`);
  }
}

export function expectVoteLog(source: string, value: unknown): void {
  if (looksLikeVoteLog(value)) return;
  const hint = looksLikeLedger(value) ? ' It looks like a ledger export: npm run verify -- ledger <file>.' : '';
  throw new NotThisDocument(`${source} is not a ballot log. Expected ${VOTE_LOG}; got ${describe(value)}.${hint}`);
}

export function expectLedgerPage(source: string, value: unknown): void {
  if (looksLikeLedger(value)) return;
  const hint = looksLikeVoteLog(value) ? ' It looks like a ballot log: npm run verify -- vote <file>.' : '';
  throw new NotThisDocument(`${source} is not a ledger export. Expected ${LEDGER}; got ${describe(value)}.${hint}`);
}
