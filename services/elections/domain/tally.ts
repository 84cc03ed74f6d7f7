import { allocateSeats, type CandidateTally, type SeatAllocation } from './committee';
import { decide, type Figures, type Matter, type Outcome } from './thresholds';

export interface CastBallot {
  choice: string | string[];
  area: number;
  headcount: number;
}

export interface Totals {
  totalArea: number;
  totalHeadcount: number;
}

export interface ResolutionResult {
  kind: 'resolution';
  figures: Figures;
  againstArea: number;
  againstHeadcount: number;
  abstainArea: number;
  abstainHeadcount: number;
  outcome: Outcome;
}

export interface ElectionResult {
  kind: 'election';
  figures: Omit<Figures, 'forArea' | 'forHeadcount'>;
  candidates: CandidateTally[];
  allocation: SeatAllocation;
  outcome: Outcome;
}

/** Everyone who cast a ballot takes part, abstentions included. */
export function tallyResolution(matter: Matter, totals: Totals, ballots: readonly CastBallot[]): ResolutionResult {
  const sum = { for: [0, 0], against: [0, 0], abstain: [0, 0] } as Record<string, [number, number]>;
  for (const b of ballots) {
    const bucket = sum[b.choice as string];
    if (!bucket) throw new Error(`unknown choice ${JSON.stringify(b.choice)}`);
    bucket[0] += b.area;
    bucket[1] += b.headcount;
  }
  const figures: Figures = {
    ...totals,
    participatingArea: sum.for![0] + sum.against![0] + sum.abstain![0],
    participatingHeadcount: sum.for![1] + sum.against![1] + sum.abstain![1],
    forArea: sum.for![0],
    forHeadcount: sum.for![1],
  };
  return {
    kind: 'resolution',
    figures,
    againstArea: sum.against![0],
    againstHeadcount: sum.against![1],
    abstainArea: sum.abstain![0],
    abstainHeadcount: sum.abstain![1],
    outcome: decide(matter, figures),
  };
}

/** Each ballot names up to `seats` candidates; an empty ballot takes part without supporting anyone. */
export function tallyElection(seats: number, candidateIds: readonly string[], totals: Totals, ballots: readonly CastBallot[]): ElectionResult {
  const byCandidate = new Map<string, CandidateTally>(candidateIds.map((candidateId) => [candidateId, { candidateId, forArea: 0, forHeadcount: 0 }]));
  let participatingArea = 0;
  let participatingHeadcount = 0;
  for (const b of ballots) {
    if (!Array.isArray(b.choice)) throw new Error('an election ballot lists candidates');
    if (b.choice.length > seats || new Set(b.choice).size !== b.choice.length) throw new Error('invalid election ballot');
    participatingArea += b.area;
    participatingHeadcount += b.headcount;
    for (const id of b.choice) {
      const c = byCandidate.get(id);
      if (!c) throw new Error(`unknown candidate ${id}`);
      c.forArea += b.area;
      c.forHeadcount += b.headcount;
    }
  }
  const figures = { ...totals, participatingArea, participatingHeadcount };
  const candidates = [...byCandidate.values()];
  const allocation = allocateSeats(seats, figures, candidates);
  const outcome: Outcome = !allocation.quorum
    ? { passed: false, reason: 'no_quorum' }
    : allocation.elected.length > 0
      ? { passed: true }
      : { passed: false, reason: 'not_enough_votes' };
  return { kind: 'election', figures, candidates, allocation, outcome };
}
