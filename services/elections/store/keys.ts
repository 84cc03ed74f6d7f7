import type { Key } from '../../../libs/db';
import { tableName } from '../../../libs/config';

/**
 * The elections table (pk / sk), besides the registry read model (services/registry/kit/read-model.ts:
 * COMPOUND#c / META and ROLL#…). Every item is written with one conditional write; events ride in the
 * written item's outbox.
 *
 *   COMPOUND#c / VOTE#v               a vote (due index: DUE#vote-step / <next step's time>#c#v)
 *   COMPOUND#c / COMMITTEE            the committee in office (due index: DUE#term / <reminder or end>#c)
 *   COMPOUND#c / SUMMARY              the compound's committee summary for reports (gsi1: SUMMARIES / d#s#k#c)
 *   COMPOUND#c / PROFILE              compound attributes recorded here (party branch)
 *   COMPOUND#c / VOTESETTINGS         the compound's vote settings from its rules of procedure (proxy limit)
 *   COMPOUND#c / PROXY#p              a written proxy (one vote or a period), with its events
 *   VOTE#c#v   / VOTER#<electorate>#o the frozen electorate (weights, buildings, the proxy frozen for o)
 *   VOTE#c#v   / BALLOT#o             a ballot, online or paper, own or by proxy: one conditional put per owner
 *   VOTE#c#v   / CONFLICT#o#<attempt> a refused second ballot for o (another channel, the proxy, another sheet)
 *   VOTE#c#v   / REMINDER#b#<part>    the not-voted owners of building b two days before the close (VoteReminderDue in its outbox)
 *   VOTE#c#v   / CANDIDATE#p          a candidate (with the nomination event in its outbox)
 *   VOTE#c#v   / OBJECTION#t          an objection (with its event)
 *   VOTE#c#v   / TURNOUT              the live-turnout snapshot, refreshed at most every TURNOUT_MAX_AGE_MS
 *   VOTE#c#v   / LOG#<head>#<chunk>   the published log's ballot entries, written at the close in chunks of
 *                                     LOG_CHUNK entries (removal entries live in the vote item)
 *   PERSON#p   / DISQ#<sourceRef>     a negative-list record (with its compound's location)
 *   PERSON#p   / SEAT#c               p sits on c's committee (to flag a sitting member who is disqualified)
 *   POOL#p     / META                 a pooled person (gsi1: POOL / d#s#p)
 *   POOLSTATS#s / META                a street's pool summary (gsi1: POOLSTATS / d#s)
 *   POOLIMPORT#i / META               a bulk import: its rows, then done (with PoolImported)
 *   CALENDAR#y / CALENDAR             year y's public holidays and make-up working days (from disputes' WorkingCalendarSet)
 *   CONSUMED#consumer / event id      idempotent consumption (libs/consume.ts)
 */
export const table = () => tableName('elections');

export const voteKey = (compoundId: string, voteId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: `VOTE#${voteId}` });
export const votePk = (compoundId: string, voteId: string) => `VOTE#${compoundId}#${voteId}`;
export const voterKey = (compoundId: string, voteId: string, electorateId: string, voterId: string): Key => ({ pk: votePk(compoundId, voteId), sk: `VOTER#${electorateId}#${voterId}` });
export const ballotKey = (compoundId: string, voteId: string, voterId: string): Key => ({ pk: votePk(compoundId, voteId), sk: `BALLOT#${voterId}` });
export const candidateKey = (compoundId: string, voteId: string, personId: string): Key => ({ pk: votePk(compoundId, voteId), sk: `CANDIDATE#${personId}` });
export const objectionKey = (compoundId: string, voteId: string, objectionId: string): Key => ({ pk: votePk(compoundId, voteId), sk: `OBJECTION#${objectionId}` });
export const conflictKey = (compoundId: string, voteId: string, voterId: string, attempt: string): Key => ({ pk: votePk(compoundId, voteId), sk: `CONFLICT#${voterId}#${attempt}` });
export const reminderKey = (compoundId: string, voteId: string, buildingId: string, part: number): Key => ({
  pk: votePk(compoundId, voteId),
  sk: `REMINDER#${buildingId}#${String(part).padStart(4, '0')}`,
});
export const turnoutKey = (compoundId: string, voteId: string): Key => ({ pk: votePk(compoundId, voteId), sk: 'TURNOUT' });
export const logChunkKey = (compoundId: string, voteId: string, head: string, chunk: number): Key => ({ pk: votePk(compoundId, voteId), sk: `LOG#${head}#${String(chunk).padStart(5, '0')}` });

export const committeeKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'COMMITTEE' });
export const summaryKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'SUMMARY' });
export const profileKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'PROFILE' });
export const voteSettingsKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'VOTESETTINGS' });
export const proxyKey = (compoundId: string, proxyId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: `PROXY#${proxyId}` });

export const personPk = (personId: string) => `PERSON#${personId}`;
export const disqualificationKey = (personId: string, sourceRef: string): Key => ({ pk: personPk(personId), sk: `DISQ#${sourceRef}` });
export const seatKey = (personId: string, compoundId: string): Key => ({ pk: personPk(personId), sk: `SEAT#${compoundId}` });

export const calendarKey = (year: number): Key => ({ pk: `CALENDAR#${year}`, sk: 'CALENDAR' });

export const poolKey = (personId: string): Key => ({ pk: `POOL#${personId}`, sk: 'META' });
export const poolStatsKey = (streetId: string): Key => ({ pk: `POOLSTATS#${streetId}`, sk: 'META' });
export const poolImportKey = (importId: string): Key => ({ pk: `POOLIMPORT#${importId}`, sk: 'META' });

/** gsi1 partitions. */
export const SUMMARIES = 'SUMMARIES';
export const POOL = 'POOL';
export const POOLSTATS = 'POOLSTATS';

/** Due-index kinds (libs/due.ts). */
export const VOTE_STEP = 'vote-step';
export const TERM = 'term-reminder';
