import { allocateSeats, DEFAULT_COMMITTEE_RULES, formCommittee, type CandidateTally, type CommitteeRules, type Formation, type SeatAllocation } from './committee';
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
  purpose: 'committee' | 'by_election';
  seats: number;
  households: number;
  figures: Omit<Figures, 'forArea' | 'forHeadcount'>;
  candidates: CandidateTally[];
  allocation: SeatAllocation;
  /** What the count forms by the committee rules (before the final negative-list check). */
  committee: Formation;
  outcome: Outcome;
}

export type VoteResult = ResolutionResult | ElectionResult;

/** Everyone who cast a ballot takes part, abstentions included. */
export function tallyResolution(matter: Matter, totals: Totals, ballots: readonly CastBallot[]): ResolutionResult {
  const sum = { for: [0, 0], against: [0, 0], abstain: [0, 0] } as Record<string, [number, number]>;
  for (const b of ballots) {
    const bucket = typeof b.choice === 'string' ? sum[b.choice] : undefined;
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

export interface ElectionContext {
  purpose: 'committee' | 'by_election';
  /** Households of the compound (units on the roll): decides whether 3 seats may form a committee. */
  households: number;
  rules?: CommitteeRules;
}

export type CandidateRef = string | { candidateId: string; name?: string };

/**
 * Each ballot names up to `seats` candidates; an empty ballot takes part without supporting anyone.
 * The outcome follows the committee rules: passed only when the elected form a committee (or, in a
 * by-election, fill at least one seat).
 */
export function tallyElection(seats: number, candidateRefs: readonly CandidateRef[], totals: Totals, ballots: readonly CastBallot[], context: ElectionContext): ElectionResult {
  const byCandidate = new Map<string, CandidateTally>(
    candidateRefs.map((ref) => {
      const { candidateId, name } = typeof ref === 'string' ? { candidateId: ref, name: undefined } : ref;
      return [candidateId, { candidateId, ...(name !== undefined ? { name } : {}), forArea: 0, forHeadcount: 0 }];
    }),
  );
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
  const committee = formCommittee(
    context.purpose,
    context.households,
    allocation.elected.map((c) => c.candidateId),
    allocation.alternates.map((c) => c.candidateId),
    context.rules ?? DEFAULT_COMMITTEE_RULES,
  );
  return {
    kind: 'election',
    purpose: context.purpose,
    seats,
    households: context.households,
    figures,
    candidates,
    allocation,
    committee,
    outcome: electionOutcome(allocation.quorum, allocation.elected.length, committee),
  };
}

/** No quorum; nobody with a majority; a majority for some but no committee by the rules; or passed. */
export function electionOutcome(quorum: boolean, elected: number, formation: Formation): Outcome {
  if (!quorum) return { passed: false, reason: 'no_quorum' };
  if (elected === 0) return { passed: false, reason: 'not_enough_votes' };
  return formation.formed ? { passed: true } : { passed: false, reason: 'too_few_elected' };
}

/**
 * The result without one of its ballots (an upheld objection struck it): the same as counting the
 * other ballots afresh (property-tested), computed from the sums, so a recount reads nothing.
 */
export function withoutBallot(result: VoteResult, matter: Matter, ballot: CastBallot, rules: CommitteeRules = DEFAULT_COMMITTEE_RULES): VoteResult {
  if (result.kind === 'resolution') {
    const bucket = ballot.choice === 'for' ? 'for' : ballot.choice === 'against' ? 'against' : ballot.choice === 'abstain' ? 'abstain' : undefined;
    if (!bucket) throw new Error(`unknown choice ${JSON.stringify(ballot.choice)}`);
    const f = result.figures;
    const figures: Figures = {
      ...f,
      participatingArea: f.participatingArea - ballot.area,
      participatingHeadcount: f.participatingHeadcount - ballot.headcount,
      forArea: f.forArea - (bucket === 'for' ? ballot.area : 0),
      forHeadcount: f.forHeadcount - (bucket === 'for' ? ballot.headcount : 0),
    };
    return {
      kind: 'resolution',
      figures,
      againstArea: result.againstArea - (bucket === 'against' ? ballot.area : 0),
      againstHeadcount: result.againstHeadcount - (bucket === 'against' ? ballot.headcount : 0),
      abstainArea: result.abstainArea - (bucket === 'abstain' ? ballot.area : 0),
      abstainHeadcount: result.abstainHeadcount - (bucket === 'abstain' ? ballot.headcount : 0),
      outcome: decide(matter, figures),
    };
  }
  if (!Array.isArray(ballot.choice)) throw new Error('an election ballot lists candidates');
  const chosen = new Set(ballot.choice);
  const candidates = result.candidates.map((c) => (chosen.has(c.candidateId) ? { ...c, forArea: c.forArea - ballot.area, forHeadcount: c.forHeadcount - ballot.headcount } : { ...c }));
  const figures = { ...result.figures, participatingArea: result.figures.participatingArea - ballot.area, participatingHeadcount: result.figures.participatingHeadcount - ballot.headcount };
  const allocation = allocateSeats(result.seats, figures, candidates);
  const committee = formCommittee(
    result.purpose,
    result.households,
    allocation.elected.map((c) => c.candidateId),
    allocation.alternates.map((c) => c.candidateId),
    rules,
  );
  return { ...result, figures, candidates, allocation, committee, outcome: electionOutcome(allocation.quorum, allocation.elected.length, committee) };
}
