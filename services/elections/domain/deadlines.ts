/** Deadlines are computed from the rules, never typed in. All times are UTC. */
export const DAY_MS = 86_400_000;

export interface VoteRules {
  /** An owners' meeting is announced at least this many days ahead (Property Management Regulations art. 13). */
  noticeDays: number;
  /** Days for objections after the preliminary result (city practice; configurable). */
  objectionDays: number;
  maxVotingDays: number;
}

/**
 * A vote is tallied this long after its closing time, so that a ballot accepted just before the
 * close (a request takes at most the API's 29-second timeout) has landed before the count.
 */
export const CLOSE_GRACE_MS = 60_000;

export const DEFAULT_VOTE_RULES: VoteRules = { noticeDays: 15, objectionDays: 7, maxVotingDays: 60 };

/**
 * Objections a vote holds. Each filed objection and its decision live in the vote item (one
 * conditional write files it, one decides it, and the final step is conditional on them), and an
 * item holds at most 400 KB: 200 objections with decisions of up to 500 characters stay far below.
 * Beyond that the street office takes objections in writing (docs/elections.md).
 */
export const MAX_OBJECTIONS_PER_VOTE = 200;

export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

/** Calendar months in UTC, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString();
}

export const addYears = (iso: string, years: number): string => addMonths(iso, years * 12);

export interface VoteSchedule {
  noticeAt: string;
  opensAt: string;
  closesAt: string;
}

/** Opening no earlier than notice + noticeDays; closing `votingDays` later. */
export function scheduleVote(noticeAt: string, requestedOpensAt: string | undefined, votingDays: number, rules: VoteRules = DEFAULT_VOTE_RULES): VoteSchedule | { error: string } {
  const earliest = addDays(noticeAt, rules.noticeDays);
  const opensAt = requestedOpensAt ? new Date(requestedOpensAt).toISOString() : earliest;
  if (Date.parse(opensAt) < Date.parse(earliest)) {
    return { error: `voting may open at the earliest ${earliest}, ${rules.noticeDays} days after notice` };
  }
  if (!Number.isInteger(votingDays) || votingDays < 1 || votingDays > rules.maxVotingDays) {
    return { error: `voting lasts 1 to ${rules.maxVotingDays} days` };
  }
  return { noticeAt, opensAt, closesAt: addDays(opensAt, votingDays) };
}

/** Objections are taken while the result is preliminary and its objection period runs. */
export const objectionOpen = (vote: { status: string; objectionEndsAt?: string }, now: string): boolean =>
  vote.status === 'preliminary' && vote.objectionEndsAt !== undefined && now < vote.objectionEndsAt;

/** Whether a ballot cast now is on time: the vote is open and the clock is within its voting period. */
export const votingOpen = (vote: { status: string; opensAt: string; closesAt: string }, now: string): boolean => vote.status === 'open' && now >= vote.opensAt && now < vote.closesAt;

/** When the count may start: the closing time plus the grace for ballots in flight. */
export const countFrom = (closesAt: string): string => new Date(Date.parse(closesAt) + CLOSE_GRACE_MS).toISOString();

/** Owners who have not voted are reminded this long before the close, by building, through the building head. */
export const REMINDER_BEFORE_CLOSE_DAYS = 2;
export const reminderAt = (closesAt: string): string => addDays(closesAt, -REMINDER_BEFORE_CLOSE_DAYS);

/** A reminder is due once per vote, unless the voting period is too short to have one (it would fall before the opening). */
export const reminderPending = (vote: { opensAt: string; closesAt: string; reminderSentAt?: string }): boolean => vote.reminderSentAt === undefined && reminderAt(vote.closesAt) > vote.opensAt;

/**
 * The chair and vice chair are chosen within `officersDays` of the election (law: Guiding rules;
 * Regulations art. 16): overdue when the deadline has passed and no chair is on record.
 */
export const officersDueBy = (termStart: string, officersDays: number): string => addDays(termStart, officersDays);
export const officersOverdue = (committee: { kind: string; officersDueBy?: string; members: readonly { role: string }[] }, now: string): boolean =>
  committee.kind === 'committee' && committee.officersDueBy !== undefined && now > committee.officersDueBy && !committee.members.some((m) => m.role === 'chair');
