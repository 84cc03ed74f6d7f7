import { atLeast, hasQuorum, moreThanHalf, type Figures } from './thresholds';

/** Per-city configuration (DOMAIN.md defaults). */
export interface CommitteeRules {
  minSeats: number;
  maxSeats: number;
  /** Where a compound has at most this many households, `smallMinSeats` seats are allowed. */
  smallCompoundHouseholds: number;
  smallMinSeats: number;
  termYears: number;
  temporaryTermYears: number;
  /** Months before the end of a term when the street office is reminded. */
  reminderMonths: number;
}

export const DEFAULT_COMMITTEE_RULES: CommitteeRules = {
  minSeats: 5,
  maxSeats: 11,
  smallCompoundHouseholds: 100,
  smallMinSeats: 3,
  termYears: 5,
  temporaryTermYears: 2,
  reminderMonths: 3,
};

/** 5 to 11 seats, odd; 3 allowed where the compound has at most 100 households. */
export function seatsAllowed(seats: number, households: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): string | undefined {
  if (!Number.isInteger(seats)) return 'seats must be a whole number';
  if (seats % 2 === 0) return 'a committee has an odd number of seats';
  const min = households <= rules.smallCompoundHouseholds ? rules.smallMinSeats : rules.minSeats;
  if (seats < min) return `at least ${min} seats for a compound of ${households} households`;
  if (seats > rules.maxSeats) return `at most ${rules.maxSeats} seats`;
  return undefined;
}

export interface CandidateTally {
  candidateId: string;
  forArea: number;
  forHeadcount: number;
}

export interface SeatAllocation {
  quorum: boolean;
  /** In seat order. */
  elected: CandidateTally[];
  /** Losing candidates with at least half the votes, in vote order. */
  alternates: CandidateTally[];
  rejected: CandidateTally[];
}

/** Vote order: headcount, then area, then candidate id (a stable, published tie-break). */
export const byVotes = (a: CandidateTally, b: CandidateTally): number =>
  b.forHeadcount - a.forHeadcount || b.forArea - a.forArea || (a.candidateId < b.candidateId ? -1 : 1);

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
    else if (half) alternates.push(c);
    else rejected.push(c);
  }
  return { quorum, elected, alternates, rejected };
}

/** A new election is required when membership falls below half the seats or below the minimum. */
export function needsNewElection(members: number, seats: number, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): boolean {
  return members * 2 < seats || members < Math.min(rules.minSeats, seats);
}
