import { atLeast, hasQuorum, moreThanHalf, type Figures } from './thresholds';

/**
 * The owners' committee (业主委员会) and the temporary property management committee (物管会):
 * sizes, terms and who may sit, per city. docs/elections.md says which values are law and which
 * are defaults.
 */
export interface CommitteeRules {
  /** Law (Guiding rules art. 31): 5 to 11 members, an odd number. */
  minSeats: number;
  maxSeats: number;
  /** Default: where a compound has at most this many households, `smallMinSeats` are allowed. */
  smallCompoundHouseholds: number;
  smallMinSeats: number;
  /** Law (maximum): a term of at most 5 years. */
  termYears: number;
  /** Default: the members choose a chair and a vice chair within this many days of the election. */
  officersDays: number;
  /** Default (2020 national guidance and local rules): a temporary committee of 7 to 11, odd, chair included, owners at least half, for at most 2 years. */
  temporaryMinSeats: number;
  temporaryMaxSeats: number;
  temporaryTermYears: number;
  /** Months before the end of a term when the street office is reminded. */
  reminderMonths: number;
  /**
   * Whether a member must own a unit in the compound. Guiding rules art. 31 says members are owners;
   * Quanzhou lets a vetted community party secretary chair a compound he does not live in (异地担任).
   * `owners_only`: no exception; `with_exception` (default): owners, or pool members vetted with an
   * explicit exception; `anyone`: no ownership check.
   */
  membership: 'owners_only' | 'with_exception' | 'anyone';
}

export const DEFAULT_COMMITTEE_RULES: CommitteeRules = {
  minSeats: 5,
  maxSeats: 11,
  smallCompoundHouseholds: 100,
  smallMinSeats: 3,
  termYears: 5,
  officersDays: 7,
  temporaryMinSeats: 7,
  temporaryMaxSeats: 11,
  temporaryTermYears: 2,
  reminderMonths: 3,
  membership: 'with_exception',
};

/** The smallest committee a compound of this many households may have: 5, or 3 where it has at most 100. */
export const minimumSeats = (households: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): number => (households <= rules.smallCompoundHouseholds ? rules.smallMinSeats : rules.minSeats);

/** Whether a committee of `size` may sit in a compound of `households`: odd, from the minimum to 11. */
export function committeeSizeProblem(size: number, households: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): string | undefined {
  if (!Number.isInteger(size)) return 'seats must be a whole number';
  if (size % 2 === 0) return 'a committee has an odd number of seats';
  const min = minimumSeats(households, rules);
  if (size < min) return `at least ${min} seats for a compound of ${households} households`;
  if (size > rules.maxSeats) return `at most ${rules.maxSeats} seats`;
  return undefined;
}

/** The seats an election may announce: the same rule as the committee's size. */
export const seatsAllowed = committeeSizeProblem;

export interface CandidateTally {
  candidateId: string;
  /** The name the candidate stands under (the roll's name for owners, the pool's for pool members). */
  name?: string;
  forArea: number;
  forHeadcount: number;
}

export interface SeatAllocation {
  quorum: boolean;
  /** Candidates with more than half of the participating area and headcount, in vote order, at most `seats`. */
  elected: CandidateTally[];
  /** Losing candidates with at least half the votes (and majority candidates beyond the seats), in vote order. */
  alternates: CandidateTally[];
  rejected: CandidateTally[];
}

/** Vote order: headcount, then area, then candidate id (a stable, published tie-break). */
export const byVotes = (a: CandidateTally, b: CandidateTally): number => b.forHeadcount - a.forHeadcount || b.forArea - a.forArea || (a.candidateId < b.candidateId ? -1 : 1);

/**
 * Matter 3 of art. 278: with a quorum, a candidate is elected with more than half of the
 * participating area and headcount; seats go in vote order; the others with at least half become
 * alternates in vote order.
 */
export function allocateSeats(
  seats: number,
  figures: Pick<Figures, 'totalArea' | 'totalHeadcount' | 'participatingArea' | 'participatingHeadcount'>,
  candidates: readonly CandidateTally[],
): SeatAllocation {
  const quorum = hasQuorum({ ...figures, forArea: 0, forHeadcount: 0 });
  const ordered = [...candidates].sort(byVotes);
  if (!quorum) return { quorum, elected: [], alternates: [], rejected: ordered };
  const elected: CandidateTally[] = [];
  const alternates: CandidateTally[] = [];
  const rejected: CandidateTally[] = [];
  for (const c of ordered) {
    const majority = moreThanHalf(c.forArea, figures.participatingArea) && moreThanHalf(c.forHeadcount, figures.participatingHeadcount);
    const half = atLeast(c.forArea, figures.participatingArea, 1, 2) && atLeast(c.forHeadcount, figures.participatingHeadcount, 1, 2);
    if (majority && elected.length < seats) elected.push(c);
    else if (majority || half) alternates.push(c);
    else rejected.push(c);
  }
  return { quorum, elected, alternates, rejected };
}

/** What an election forms: a committee (or seats filled in a by-election), or nothing and why. */
export type Formation = { formed: true; members: string[]; alternates: string[]; size: number } | { formed: false; reason: 'too_few_elected'; elected: number; needed: number; alternates: string[] };

/**
 * The committee an election forms from the candidates elected (in seat order, after the final
 * negative-list check) and the alternates (in vote order), by the committee rules:
 * - fewer elected than the compound's minimum (5; 3 for at most 100 households): no committee;
 * - otherwise the committee is the largest odd number of them (law: an odd number); an elected
 *   candidate left over by that (at most one) heads the alternates (default);
 * - a by-election fills vacancies of a sitting committee: every candidate elected takes a seat.
 */
export function formCommittee(
  purpose: 'committee' | 'by_election',
  households: number,
  elected: readonly string[],
  alternates: readonly string[],
  rules: CommitteeRules = DEFAULT_COMMITTEE_RULES,
): Formation {
  if (purpose === 'by_election') {
    return elected.length > 0
      ? { formed: true, members: [...elected], alternates: [...alternates], size: elected.length }
      : { formed: false, reason: 'too_few_elected', elected: 0, needed: 1, alternates: [...alternates] };
  }
  const needed = minimumSeats(households, rules);
  if (elected.length < needed) return { formed: false, reason: 'too_few_elected', elected: elected.length, needed, alternates: [...alternates] };
  const size = Math.min(elected.length % 2 === 1 ? elected.length : elected.length - 1, rules.maxSeats);
  return { formed: true, members: elected.slice(0, size), alternates: [...elected.slice(size), ...alternates], size };
}

/**
 * The final seats: an elected candidate on the negative list when the result becomes final loses
 * the seat to the first eligible alternate (候补递补, default); then the committee rules decide.
 */
export function finalSeats(
  purpose: 'committee' | 'by_election',
  households: number,
  allocation: Pick<SeatAllocation, 'elected' | 'alternates'>,
  isDisqualified: (personId: string) => boolean,
  rules: CommitteeRules = DEFAULT_COMMITTEE_RULES,
): { formation: Formation; dropped: string[] } {
  const dropped: string[] = [];
  const keep = (ids: string[]) =>
    ids.filter((id) => {
      if (!isDisqualified(id)) return true;
      dropped.push(id);
      return false;
    });
  const elected = keep(allocation.elected.map((c) => c.candidateId));
  const alternates = keep(allocation.alternates.map((c) => c.candidateId));
  while (elected.length < allocation.elected.length && alternates.length) elected.push(alternates.shift()!);
  return { formation: formCommittee(purpose, households, elected, alternates, rules), dropped };
}

/** A new election is required when membership falls below half the seats or below the minimum. */
export function needsNewElection(members: number, seats: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): boolean {
  return members * 2 < seats || members < Math.min(rules.minSeats, seats);
}

/**
 * After owners remove members (matter 3, 罢免): the seats go to the first eligible alternates in
 * order, or stay vacant for a by-election.
 */
export function fillVacancies(
  removedCount: number,
  alternates: readonly string[],
  then: 'fill_from_alternates' | 'by_election',
  isDisqualified: (personId: string) => boolean,
): { filledBy: string[]; remainingAlternates: string[]; vacancies: number } {
  if (then === 'by_election') return { filledBy: [], remainingAlternates: [...alternates], vacancies: removedCount };
  const eligible = alternates.filter((a) => !isDisqualified(a));
  const filledBy = eligible.slice(0, removedCount);
  return { filledBy, remainingAlternates: alternates.filter((a) => !filledBy.includes(a)), vacancies: removedCount - filledBy.length };
}

/** A temporary committee: odd, 7 to 11 with the street office's chair, owners at least half. */
export function temporaryCommitteeProblem(size: number, owners: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): { field: string; reason: string; detail: string } | undefined {
  if (size % 2 === 0 || size < rules.temporaryMinSeats || size > rules.temporaryMaxSeats) {
    return { field: 'body.members', reason: `${size} in all`, detail: `a temporary committee has an odd number of ${rules.temporaryMinSeats} to ${rules.temporaryMaxSeats} members, chair included` };
  }
  if (owners * 2 < size) return { field: 'body.members', reason: `${owners} owners of ${size}`, detail: 'owners must be at least half of the temporary committee' };
  return undefined;
}

/** Who may stand: an owner of a unit here, or (by the city's rule) a pool member vetted with an exception. */
export function membershipProblem(ownsUnitHere: boolean, exception: boolean, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): string | undefined {
  if (ownsUnitHere || rules.membership === 'anyone') return undefined;
  if (rules.membership === 'with_exception' && exception) return undefined;
  return rules.membership === 'owners_only'
    ? 'members must own a unit in the compound (this city allows no exception)'
    : 'members must own a unit in the compound, unless the pool records an exception for them (异地担任)';
}
