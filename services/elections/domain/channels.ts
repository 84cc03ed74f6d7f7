import type { Channel } from './ballot-log';

/**
 * Ballots come by two channels, online (the owner's or their proxy's own token) and paper (a
 * written ballot entered by the committee's vote-counting staff, or collected door to door by the
 * building head), and either may be cast by a proxy. An owner has one ballot whatever the channel.
 */

export interface ChannelFigures {
  ballots: number;
  area: number;
  headcount: number;
}

/** Ballots per channel and by proxy (a proxy's ballot is also online or paper). */
export interface Channels {
  online: ChannelFigures;
  paper: ChannelFigures;
  byProxy: ChannelFigures;
}

export const noChannels = (): Channels => ({ online: zero(), paper: zero(), byProxy: zero() });
const zero = (): ChannelFigures => ({ ballots: 0, area: 0, headcount: 0 });

export interface ChannelledBallot {
  channel: Channel;
  byProxy: boolean;
  area: number;
  headcount: number;
}

export function channelsOf(ballots: Iterable<ChannelledBallot>): Channels {
  const c = noChannels();
  for (const b of ballots) {
    add(c[b.channel], b, 1);
    if (b.byProxy) add(c.byProxy, b, 1);
  }
  return c;
}

/** The figures without one ballot (an upheld objection removed it). */
export function channelsWithout(c: Channels, b: ChannelledBallot): Channels {
  const next = structuredClone(c);
  add(next[b.channel], b, -1);
  if (b.byProxy) add(next.byProxy, b, -1);
  return next;
}

function add(f: ChannelFigures, b: ChannelledBallot, sign: 1 | -1) {
  f.ballots += sign;
  f.area += sign * b.area;
  f.headcount += sign * b.headcount;
}

// ---- paper ballots ------------------------------------------------------------------------------

export interface PaperEntry {
  /** Who enters the ballot: the caller's user id, and their owner id in the compound if they have one. */
  enterer: readonly string[];
  witnessId: string;
  voterId: string;
  proxyHolderId?: string;
  /** Who may not enter or witness: the candidates of an election, the members a removal names. */
  stakeholders: ReadonlySet<string>;
}

export type EntryProblem = { field: string; reason: string; detail: string };

/**
 * A paper ballot is entered by one person and witnessed by another (the sheet carries both
 * signatures, and the scan is kept); neither may have a stake in the vote: a candidate of an
 * election, or a member a removal names. The voter and their proxy do not witness their own ballot.
 */
export function paperEntryProblem(e: PaperEntry): EntryProblem | undefined {
  if (e.enterer.includes(e.witnessId)) return { field: 'body.witness.personId', reason: 'same person as the enterer', detail: 'the witness must be another person than the one who enters the ballot' };
  if (e.stakeholders.has(e.witnessId)) return { field: 'body.witness.personId', reason: 'a candidate', detail: `${e.witnessId} stands in this vote and may not witness ballots` };
  const staked = e.enterer.find((p) => e.stakeholders.has(p));
  if (staked) return { field: 'principal', reason: 'a candidate', detail: `${staked} stands in this vote and may not enter ballots` };
  if (e.witnessId === e.voterId || e.witnessId === e.proxyHolderId)
    return { field: 'body.witness.personId', reason: 'the voter', detail: 'the voter (or their proxy) may not witness their own ballot' };
  return undefined;
}

// ---- one ballot per owner -----------------------------------------------------------------------

export interface BallotAttempt {
  channel: Channel;
  /** Who submitted it: the caller's user id. */
  castBy: string;
  proxyHolderId?: string;
  paperNumber?: string;
}

export interface StoredBallot extends BallotAttempt {
  castAt: string;
}

/**
 * Why a ballot was refused, and whether the refusal is a conflict the committee must see. The same
 * person sending the same ballot again (a retry, a double click, a sheet entered twice) is not; any
 * other second ballot is: the owner and their proxy both voting, an online ballot and a paper one,
 * two different sheets for one owner.
 */
export function refusal(voterId: string, existing: StoredBallot, attempt: BallotAttempt): { detail: string; conflict: boolean } {
  const how = `${existing.channel === 'paper' ? `a paper ballot${existing.paperNumber ? ` (no. ${existing.paperNumber})` : ''}` : 'an online ballot'}${existing.proxyHolderId ? ` cast by the proxy ${existing.proxyHolderId}` : ''} at ${existing.castAt}`;
  const repeat =
    existing.channel === attempt.channel &&
    (attempt.channel === 'paper' ? existing.paperNumber === attempt.paperNumber : existing.castBy === attempt.castBy && existing.proxyHolderId === attempt.proxyHolderId);
  if (repeat) return { detail: `${voterId} has already voted: ${how}; a ballot cannot be changed`, conflict: false };
  return {
    detail: `${voterId} has already voted: ${how}. An owner has one ballot whatever the channel; the first that lands counts. This attempt is recorded as a conflict for the committee`,
    conflict: true,
  };
}

/** A refused attempt's key among the owner's conflicts: the same attempt again is recorded once. */
export const attemptKey = (a: BallotAttempt): string => (a.channel === 'paper' ? `paper-${a.paperNumber}` : `online-${a.castBy}`);
