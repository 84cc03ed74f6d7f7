import { tableName } from '../../../libs/config';
import type { Key } from '../../../libs/db';

/**
 * The notifications table (one per service, libs/table.ts):
 *   COMPOUND#c / META, ROLL#…                     the registry copy (services/registry/kit/read-model.ts)
 *   COMPOUND#c / HOLD#v#B#b#U#u                   who holds unit u of building b in roll v (from the chunks)
 *   COMPOUND#c / HOLD#v#B#b#X#u                   a later holder change of that unit
 *   COMPOUND#c / BUILDINGS#v                      the buildings of roll v (a string set)
 *   COMPOUND#c / GRID#b#role#person               the grid: who answers for which building
 *   COMPOUND#c / VOTE#v, EXPENSE#x, COMPLAINT#k, FINDING#f   facts later events do not repeat
 *   BCAST#id / META                               a broadcast: one rule's notice for one event (gsi1 BCASTS#c, time#id)
 *   INBOX#audience / time#broadcast               a notice, one per broadcast and audience (gsi1 BCAST#id#building, audience)
 *   LOG#noticeId / channel#subject                one delivery: status, attempts, error (due index while deferred)
 *   AUD#audience / USERS                          who receives this audience's notices on which channels: one attribute per person
 *   PREFS#subject / PREFS                         a person's preferences and the audiences they registered
 *   READ#subject / time#broadcast, MARK           what a person has read, and "read everything before"
 *   DIGEST#subject / PENDING, ENTRY#time#notice#channel   the next digest (due index) and what it holds
 *   CONSUMED#consumer / eventId                   idempotent consumption (libs/consume.ts)
 */
export const table = (): string => tableName('notifications');

const pad = (n: number) => String(n).padStart(6, '0');

export const keys = {
  compound: (c: string): Key => ({ pk: `COMPOUND#${c}`, sk: 'META' }),
  holdingsPrefix: (rollVersion: number, buildingId: string) => `HOLD#${pad(rollVersion)}#B#${buildingId}#`,
  holding: (c: string, rollVersion: number, buildingId: string, unitId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `HOLD#${pad(rollVersion)}#B#${buildingId}#U#${unitId}` }),
  holdingChange: (c: string, rollVersion: number, buildingId: string, unitId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `HOLD#${pad(rollVersion)}#B#${buildingId}#X#${unitId}` }),
  buildings: (c: string, rollVersion: number): Key => ({ pk: `COMPOUND#${c}`, sk: `BUILDINGS#${pad(rollVersion)}` }),
  gridPrefix: 'GRID#',
  grid: (c: string, buildingId: string | undefined, role: string, personId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `GRID#${buildingId ?? '-'}#${role}#${personId}` }),
  vote: (c: string, voteId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `VOTE#${voteId}` }),
  expense: (c: string, expenseId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `EXPENSE#${expenseId}` }),
  complaint: (c: string, complaintId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `COMPLAINT#${complaintId}` }),
  finding: (c: string, findingId: string): Key => ({ pk: `COMPOUND#${c}`, sk: `FINDING#${findingId}` }),
  broadcast: (broadcastId: string): Key => ({ pk: `BCAST#${broadcastId}`, sk: 'META' }),
  broadcastsOf: (c: string) => `BCASTS#${c}`,
  noticesOf: (broadcastId: string, buildingId: string | undefined) => `BCAST#${broadcastId}#${buildingId ?? '-'}`,
  inbox: (audience: string) => `INBOX#${audience}`,
  log: (noticeId: string) => `LOG#${noticeId}`,
  audience: (audience: string): Key => ({ pk: `AUD#${audience}`, sk: 'USERS' }),
  prefs: (subject: string): Key => ({ pk: `PREFS#${subject}`, sk: 'PREFS' }),
  reads: (subject: string) => `READ#${subject}`,
  readMark: (subject: string): Key => ({ pk: `READ#${subject}`, sk: 'MARK' }),
  digest: (subject: string): Key => ({ pk: `DIGEST#${subject}`, sk: 'PENDING' }),
  digestEntries: (subject: string) => `DIGEST#${subject}`,
};

/** The attribute of an AUD#… item that holds one person's registration. */
export const userAttribute = (subject: string) => `USER#${subject}`;

/**
 * A notice's id names where it is: its audience and its sort key, so reading or marking it takes
 * one GetItem. Whoever asks must hold the audience, so a forged id finds nothing of anyone else's.
 */
export function noticeId(audience: string, sk: string): string {
  return Buffer.from(`${audience}|${sk}`).toString('base64url');
}

export function parseNoticeId(id: string): { audience: string; sk: string } | undefined {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar <= 0 || Buffer.from(text).toString('base64url') !== id) return undefined;
  return { audience: text.slice(0, bar), sk: text.slice(bar + 1) };
}

export const noticeSk = (createdAt: string, broadcastId: string) => `${createdAt}#${broadcastId}`;
