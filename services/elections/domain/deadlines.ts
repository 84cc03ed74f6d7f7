import { addDaysToDate, addMonthsToDate, daysPeriodEnd, DEFAULT_ZONE, localDate, monthsPeriodEnd, startOfDate, WEEKDAYS_ONLY, type WorkingCalendar } from '../../../libs/calendar';

/**
 * Deadlines are computed from the rules, never typed in. Instants are UTC; the periods are counted
 * in calendar days of the compound's time zone as the Civil Code counts them (arts. 200-204, with
 * libs/calendar.ts): docs/elections.md ("Periods") states each rule and why.
 */
export const DAY_MS = 86_400_000;

export interface VoteRules {
  /** An owners' meeting is announced to all owners at least this many days before it is held (Property Management Regulations art. 14). */
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

/** An exact number of 24-hour days: for reminders, never for a legal period. */
export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

/** Calendar months on the zone's calendar at the same wall time, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number, zone: string = DEFAULT_ZONE): string {
  const date = localDate(iso, zone);
  const offsetInDay = Date.parse(iso) - Date.parse(startOfDate(date, zone));
  return new Date(Date.parse(startOfDate(addMonthsToDate(date, months), zone)) + offsetInDay).toISOString();
}

/**
 * The notice period (Regulations art. 14; Civil Code arts. 201, 203): notice given on local day D,
 * whatever the hour, does not count D; the `noticeDays` days are D+1 … D+noticeDays and end at 24:00
 * of D+noticeDays; the meeting is held, i.e. voting opens, no earlier than 00:00 of D+noticeDays+1.
 * A last day on a rest day does not move it: the owners had the whole period to read the notice.
 */
export const earliestOpening = (noticeAt: string, noticeDays: number, zone: string = DEFAULT_ZONE): string => startOfDate(addDaysToDate(localDate(noticeAt, zone), noticeDays + 1), zone);

/**
 * The voting period of `votingDays` days ends at 24:00 local of its last day (Civil Code art. 203).
 * Opening at 00:00 local, the opening day counts, so voting from 00:00 of day S for N days ends at
 * 00:00 of S+N; opening later in day S, S does not count and voting ends at 00:00 of S+N+1. The close
 * is not a period the Code counts by default (art. 201 would not count day S): it is the announced time
 * of the meeting, fixed as the rules of procedure (议事规则) provide, which art. 204 lets the owners' own
 * rules set (a law or the parties' agreement may provide otherwise). For the same reason it is not moved
 * off a Saturday or Sunday: owners vote at weekends, and a close that moved would not be the one announced.
 */
export const votingCloses = (opensAt: string, votingDays: number, zone: string = DEFAULT_ZONE): string => daysPeriodEnd(opensAt, votingDays, zone, { startDay: 'midnight-counts', restDays: false });

/**
 * The objection period of `objectionDays` days after the preliminary result (Civil Code arts. 201,
 * 203): the day of the result does not count; it ends at 24:00 local of the `objectionDays`-th day
 * after, or, when that day is a statutory rest day (法定休假日: a Saturday or Sunday, or a public holiday
 * of the bureau's calendar), at 24:00 of the first working day after it; a make-up working Saturday
 * (调休) is a working day. Without a calendar for the year, Saturdays and Sundays only.
 */
export const objectionPeriodEnd = (resultAt: string, objectionDays: number, zone: string = DEFAULT_ZONE, calendar: WorkingCalendar = WEEKDAYS_ONLY): string =>
  daysPeriodEnd(resultAt, objectionDays, zone, { restDays: calendar });

/**
 * A committee's term of `years` (Civil Code arts. 201, 202), from `termStart`, the instant the result
 * became final: the committee is elected when its election's result is final (after the objection period
 * and every objection decided), not at the count. That day does not count (art. 201); the term runs to
 * 24:00 local of the day of the last year corresponding to it (28 Feb when that year has no 29 Feb). A
 * term is an office held, not an act to do by a day: a last day on a rest day does not lengthen it.
 */
export const termEndOf = (termStart: string, years: number, zone: string = DEFAULT_ZONE): string => monthsPeriodEnd(termStart, years * 12, zone, { restDays: false });

export interface VoteSchedule {
  noticeAt: string;
  opensAt: string;
  closesAt: string;
}

/** Opening no earlier than the end of the notice period (`earliestOpening`); closing at the end of the voting period (`votingCloses`). */
export function scheduleVote(
  noticeAt: string,
  requestedOpensAt: string | undefined,
  votingDays: number,
  rules: VoteRules = DEFAULT_VOTE_RULES,
  zone: string = DEFAULT_ZONE,
): VoteSchedule | { error: string } {
  const earliest = earliestOpening(noticeAt, rules.noticeDays, zone);
  const opensAt = requestedOpensAt ? new Date(requestedOpensAt).toISOString() : earliest;
  if (Date.parse(opensAt) < Date.parse(earliest)) {
    return { error: `voting may open at the earliest ${earliest}: 00:00 ${zone} after ${rules.noticeDays} whole days of notice (the notice day, ${localDate(noticeAt, zone)}, does not count)` };
  }
  if (!Number.isInteger(votingDays) || votingDays < 1 || votingDays > rules.maxVotingDays) {
    return { error: `voting lasts 1 to ${rules.maxVotingDays} days` };
  }
  return { noticeAt, opensAt, closesAt: votingCloses(opensAt, votingDays, zone) };
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
 * The chair and vice chair are chosen from the members (Regulations art. 16) within `officersDays`
 * of the election: "自选举之日起7日内" (Guiding rules for owners' meetings and committees, 业主大会和业主委员会
 * 指导规则, art. 32 para. 2). Counted as the Civil Code counts days (arts. 201, 203): overdue from
 * 24:00 of the last day (moved past Saturdays, Sundays and the calendar's public holidays; a make-up
 * working Saturday is a working day) when no chair is on record.
 */
export const officersDueBy = (termStart: string, officersDays: number, zone: string = DEFAULT_ZONE, calendar: WorkingCalendar = WEEKDAYS_ONLY): string =>
  daysPeriodEnd(termStart, officersDays, zone, { restDays: calendar });
export const officersOverdue = (committee: { kind: string; officersDueBy?: string; members: readonly { role: string }[] }, now: string): boolean =>
  committee.kind === 'committee' && committee.officersDueBy !== undefined && now >= committee.officersDueBy && !committee.members.some((m) => m.role === 'chair');
