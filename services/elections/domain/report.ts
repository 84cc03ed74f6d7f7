import { needsNewElection } from './committee';
import { officersOverdue } from './deadlines';
import type { PoolAttributes } from './pool';

/**
 * City reports from aggregates: each compound keeps one committee summary (refreshed whenever its
 * committee, its members' pool records or its party branch change), each street one pool summary;
 * a report reads the summaries in its scope and adds them up. Nothing here reads a committee.
 */
export interface CommitteeMemberView {
  personId: string;
  role: 'chair' | 'vice_chair' | 'member';
  disqualified?: unknown;
}

export interface CommitteeView {
  kind: 'committee' | 'temporary_committee';
  committeeId: string;
  seats: number;
  members: readonly CommitteeMemberView[];
  termStart: string;
  termEnd: string;
  officersDueBy?: string;
}

export interface CompoundSummary {
  compoundId: string;
  name?: string;
  districtId: string;
  streetId: string;
  communityId: string;
  kind: 'committee' | 'temporary_committee' | 'none';
  committeeId?: string;
  seats: number;
  members: number;
  membersInPool: number;
  partyMembers: number;
  partyMajority: boolean;
  chairIsBranchSecretary: boolean;
  communityCommitteeMembers: number;
  disqualifiedMembers: number;
  needsNewElection: boolean;
  partyBranch: boolean;
  termStart?: string;
  termEnd?: string;
  officersDueBy?: string;
  officersSet: boolean;
  /** A committee whose term ended with no successor: the compound has none in office. */
  lastCommittee?: { kind: 'committee' | 'temporary_committee'; termEnd: string; endedAt: string };
}

export function summarizeCompound(
  location: { compoundId: string; name?: string; districtId: string; streetId: string; communityId: string },
  committee: CommitteeView | undefined,
  poolAttributes: ReadonlyMap<string, PoolAttributes>,
  partyBranch: boolean,
): CompoundSummary {
  const base = { compoundId: location.compoundId, name: location.name, districtId: location.districtId, streetId: location.streetId, communityId: location.communityId, partyBranch };
  if (!committee) {
    return {
      ...base,
      kind: 'none',
      seats: 0,
      members: 0,
      membersInPool: 0,
      partyMembers: 0,
      partyMajority: false,
      chairIsBranchSecretary: false,
      communityCommitteeMembers: 0,
      disqualifiedMembers: 0,
      needsNewElection: false,
      officersSet: false,
    };
  }
  const attrs = (p: string) => poolAttributes.get(p);
  const members = committee.members;
  const partyMembers = members.filter((m) => attrs(m.personId)?.partyMember).length;
  return {
    ...base,
    kind: committee.kind,
    committeeId: committee.committeeId,
    seats: committee.seats,
    members: members.length,
    membersInPool: members.filter((m) => attrs(m.personId)).length,
    partyMembers,
    // Quanzhou's "red committee": more than half of the members are party members.
    partyMajority: partyMembers * 2 > members.length,
    chairIsBranchSecretary: members.some((m) => m.role === 'chair' && attrs(m.personId)?.partyBranchSecretary),
    communityCommitteeMembers: members.filter((m) => attrs(m.personId)?.communityCommitteeMember).length,
    disqualifiedMembers: members.filter((m) => m.disqualified).length,
    needsNewElection: committee.kind === 'committee' && needsNewElection(members.length, committee.seats),
    termStart: committee.termStart,
    termEnd: committee.termEnd,
    officersDueBy: committee.officersDueBy,
    officersSet: members.some((m) => m.role === 'chair'),
  };
}

export interface PoolSummary {
  districtId: string;
  streetId: string;
  total: number;
  available: number;
  serving: number;
  suspended: number;
  partyMembers: number;
  partyBranchSecretaries: number;
  communityCommitteeMembers: number;
  nonOwnerExceptions: number;
}

export function summarizePool(districtId: string, streetId: string, people: readonly { status: string; attributes: Partial<PoolAttributes>; nonOwnerException?: string }[]): PoolSummary {
  const count = (f: (p: (typeof people)[number]) => boolean) => people.filter(f).length;
  return {
    districtId,
    streetId,
    total: people.length,
    available: count((p) => p.status === 'available'),
    serving: count((p) => p.status === 'serving'),
    suspended: count((p) => p.status === 'suspended'),
    partyMembers: count((p) => !!p.attributes.partyMember),
    partyBranchSecretaries: count((p) => !!p.attributes.partyBranchSecretary),
    communityCommitteeMembers: count((p) => !!p.attributes.communityCommitteeMember),
    nonOwnerExceptions: count((p) => !!p.nonOwnerException),
  };
}

export interface Flag {
  compoundId: string;
  flag: string;
}

/** The flags of one compound at `now`: what the city must act on. */
export function flagsOf(s: CompoundSummary, now: string): string[] {
  const flags: string[] = [];
  if (s.kind === 'none') {
    if (s.lastCommittee) flags.push(s.lastCommittee.kind === 'temporary_committee' ? 'temporary committee past its 2-year limit' : 'term ended without a new committee: an election is due');
    return flags;
  }
  if (s.needsNewElection) flags.push('below half its seats or below 5 members: a new election is required');
  if (s.termEnd && s.termEnd <= now) flags.push(s.kind === 'temporary_committee' ? 'temporary committee past its 2-year limit' : 'term ended');
  if (s.disqualifiedMembers > 0) flags.push(`${s.disqualifiedMembers} sitting member(s) on the negative list`);
  if (officersOverdue({ kind: s.kind, officersDueBy: s.officersDueBy, members: s.officersSet ? [{ role: 'chair' }] : [] }, now)) flags.push('no chair recorded within 7 days of the election');
  return flags;
}

const percent = (part: number, whole: number): string => {
  if (whole <= 0) return '0.00';
  const bp = Math.floor((part * 10_000) / whole);
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
};

export interface Period {
  from: string;
  to: string;
}

/** The report over a scope: counts as of `now`, elections and temporary committees started in the period, pool, flags. */
export function aggregate(summaries: readonly CompoundSummary[], pools: readonly PoolSummary[], now: string, period: Period) {
  const formal = summaries.filter((s) => s.kind === 'committee');
  const temporary = summaries.filter((s) => s.kind === 'temporary_committee');
  const sum = (list: readonly CompoundSummary[], f: (s: CompoundSummary) => number) => list.reduce((n, s) => n + f(s), 0);
  const governed = [...formal, ...temporary];
  const inPeriod = (s: CompoundSummary) => s.termStart !== undefined && s.termStart >= period.from && s.termStart < period.to;
  const flags: Flag[] = summaries.flatMap((s) => flagsOf(s, now).map((flag) => ({ compoundId: s.compoundId, flag })));
  const pool = pools.reduce(
    (t, p) => ({
      total: t.total + p.total,
      available: t.available + p.available,
      serving: t.serving + p.serving,
      suspended: t.suspended + p.suspended,
      partyMembers: t.partyMembers + p.partyMembers,
      partyBranchSecretaries: t.partyBranchSecretaries + p.partyBranchSecretaries,
      communityCommitteeMembers: t.communityCommitteeMembers + p.communityCommitteeMembers,
      nonOwnerExceptions: t.nonOwnerExceptions + p.nonOwnerExceptions,
    }),
    { total: 0, available: 0, serving: 0, suspended: 0, partyMembers: 0, partyBranchSecretaries: 0, communityCommitteeMembers: 0, nonOwnerExceptions: 0 },
  );
  const committeesWithPartyMajority = formal.filter((s) => s.partyMajority).length;
  return {
    compounds: summaries.length,
    formalCommittees: formal.length,
    temporaryCommittees: temporary.length,
    withoutCommittee: summaries.length - governed.length,
    members: sum(governed, (s) => s.members),
    membersInPool: sum(governed, (s) => s.membersInPool),
    partyMembers: sum(governed, (s) => s.partyMembers),
    // Quanzhou's figure (988 of 1,504): formal owners' committees only. Temporary committees are chaired by the street office.
    committeesWithPartyMajority,
    partyMajorityPercent: percent(committeesWithPartyMajority, formal.length),
    chairsWhoAreBranchSecretaries: formal.filter((s) => s.chairIsBranchSecretary).length,
    communityCommitteeMembersOnCommittees: sum(formal, (s) => s.communityCommitteeMembers),
    partyBranches: summaries.filter((s) => s.partyBranch).length,
    disqualifiedMembers: sum(governed, (s) => s.disqualifiedMembers),
    period: { ...period, committeesElected: formal.filter(inPeriod).length, temporaryCommitteesFormed: temporary.filter(inPeriod).length },
    pool,
    flags,
  };
}
