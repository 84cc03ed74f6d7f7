import { allocateSeats, finalSeats, formCommittee, type Formation } from './committee';
import { countedEntries, firstBrokenEntry, headOf, isRemoval, isWeighted, type AnyLogEntry, type LogEntry } from './ballot-log';
import { channelsOf, type Channels } from './channels';
import { electionOutcome, tallyElection, tallyResolution, type ElectionResult, type ResolutionResult, type VoteResult } from './tally';
import { decide, type Matter, type Outcome } from './thresholds';

/** What GET …/log publishes (page by page) and `npm run verify -- vote` checks (all pages joined). */
export interface PublishedVoteLog {
  vote: {
    compoundId: string;
    voteId: string;
    /** `removal` is a for/against resolution on matter 3 (removing committee members). */
    kind: 'resolution' | 'election' | 'removal';
    matter: Matter;
    seats?: number;
    purpose?: 'committee' | 'by_election';
    households?: number;
    candidates?: { candidateId: string; name?: string }[];
    totalArea: number;
    totalHeadcount: number;
  };
  head: string;
  /** `public`: each entry commits to its area, channel and proxy flag; `weighted`: every entry opened. */
  view: 'public' | 'weighted';
  /** The ballots counted at the close in receipt order, then any removals (upheld objections). */
  entries: AnyLogEntry[];
  /** The count: what the ballots that still count decide (recounted after each upheld objection). */
  result: VoteResult;
  /** Ballots per channel and by proxy, of the ballots that still count. */
  channels?: Channels;
  /** Where the vote stands; once final, the outcome after the final negative-list check (elections: who lost a seat to it). */
  stage?: { status: string; outcome?: Outcome; committee?: Formation; dropped?: string[] };
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  view: 'public' | 'weighted';
  problems: string[];
  /** Ballots that still count (ballot entries not removed), and removals. */
  counted: number;
  removed: number;
  /** Recomputed from the entries: headcounts always; areas, channels and the outcome from a weighted log. */
  headcounts: Record<string, number>;
  channels?: Channels;
  recomputed?: VoteResult;
  /** The outcome that follows from the published figures (a public log cannot recompute areas). */
  outcomeFromFigures?: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Headcount per choice (resolutions) or per candidate (elections), and who took part. */
export function headcountTally(kind: PublishedVoteLog['vote']['kind'], entries: readonly Pick<LogEntry, 'choice' | 'headcount'>[]): Record<string, number> {
  const counts: Record<string, number> = { participating: 0 };
  for (const e of entries) {
    counts.participating! += e.headcount;
    for (const key of kind === 'election' ? (Array.isArray(e.choice) ? e.choice : []) : [String(e.choice)]) counts[key] = (counts[key] ?? 0) + e.headcount;
  }
  return counts;
}

/** Recompute the chain, the head and the tally from a published log; say what does not hold. */
export function verifyVoteLog(doc: PublishedVoteLog): VerifyReport {
  const problems: string[] = [];
  const broken = firstBrokenEntry(doc.entries);
  if (broken) problems.push(`entry ${broken.seq}: ${broken.reason}`);
  if (headOf(doc.entries) !== doc.head) problems.push(`the chain ends in ${headOf(doc.entries)}, not the published head ${doc.head}`);
  const ballots = doc.entries.filter((e) => !isRemoval(e));
  const counted = countedEntries(doc.entries);
  const weighted = ballots.length > 0 && ballots.every(isWeighted);
  if (doc.view === 'weighted' && ballots.length > 0 && !weighted) problems.push('a weighted log must open every entry with its area, channel, proxy flag and salt');

  const headcounts = headcountTally(doc.vote.kind, counted);
  let channels: Channels | undefined;
  if (doc.channels) {
    const { online, paper, byProxy } = doc.channels;
    if (online.ballots + paper.ballots !== counted.length) problems.push(`the published channels give ${online.ballots} online and ${paper.ballots} paper ballots; ${counted.length} count in the log`);
    if (byProxy.ballots > counted.length) problems.push('more ballots by proxy than ballots');
    if (weighted) {
      channels = channelsOf(counted.filter(isWeighted));
      if (!same(channels, doc.channels)) problems.push('the recomputed ballots per channel and by proxy differ from the published ones');
    }
  }
  const r = doc.result;
  const published: Record<string, number> =
    r.kind === 'resolution'
      ? { participating: r.figures.participatingHeadcount, for: r.figures.forHeadcount, against: r.againstHeadcount, abstain: r.abstainHeadcount }
      : { participating: r.figures.participatingHeadcount, ...Object.fromEntries(r.candidates.map((c) => [c.candidateId, c.forHeadcount])) };
  for (const [key, value] of Object.entries(published)) {
    if ((headcounts[key] ?? 0) !== value) problems.push(`headcount ${key}: the log gives ${headcounts[key] ?? 0}, the result ${value}`);
  }
  for (const key of Object.keys(headcounts)) if (!(key in published)) problems.push(`the log has ballots for ${key}, which the result does not list`);

  let recomputed: VoteResult | undefined;
  let outcomeFromFigures: unknown;
  try {
    if (r.kind === 'resolution') {
      outcomeFromFigures = decide(doc.vote.matter, r.figures);
      if (!same(outcomeFromFigures, r.outcome)) problems.push('the published outcome does not follow from the published figures');
    } else {
      const allocation = allocateSeats(r.seats, r.figures, r.candidates);
      const committee = formCommittee(
        r.purpose,
        r.households,
        allocation.elected.map((c) => c.candidateId),
        allocation.alternates.map((c) => c.candidateId),
      );
      outcomeFromFigures = electionOutcome(allocation.quorum, allocation.elected.length, committee);
      if (!same(outcomeFromFigures, r.outcome)) problems.push('the published outcome does not follow from the published figures');
      if (!same(committee, r.committee)) problems.push('the published committee does not follow from the published figures');
    }
    if (weighted || ballots.length === 0) {
      const totals = { totalArea: doc.vote.totalArea, totalHeadcount: doc.vote.totalHeadcount };
      const cast = counted.map((e) => ({ choice: e.choice, headcount: e.headcount, area: isWeighted(e) ? e.area : 0 }));
      recomputed =
        doc.vote.kind === 'election'
          ? tallyElection(doc.vote.seats ?? 0, doc.vote.candidates ?? [], totals, cast, { purpose: doc.vote.purpose ?? 'committee', households: doc.vote.households ?? 0 })
          : tallyResolution(doc.vote.matter, totals, cast);
      compareResults(recomputed, r, problems);
    }
    checkFinal(doc, problems);
  } catch (error) {
    problems.push(`the ballots cannot be tallied: ${(error as Error).message}`);
  }
  return {
    ok: problems.length === 0,
    entries: doc.entries.length,
    counted: counted.length,
    removed: doc.entries.length - ballots.length,
    view: weighted ? 'weighted' : 'public',
    problems,
    headcounts,
    channels,
    recomputed,
    outcomeFromFigures,
  };
}

function compareResults(recomputed: VoteResult, published: VoteResult, problems: string[]): void {
  if (!same(recomputed.figures, published.figures)) problems.push('the recomputed figures differ from the published result');
  if (!same(recomputed.outcome, published.outcome)) problems.push('the recomputed outcome differs from the published result');
  if (recomputed.kind === 'resolution' && published.kind === 'resolution') {
    const split = (x: ResolutionResult) => [x.againstArea, x.againstHeadcount, x.abstainArea, x.abstainHeadcount];
    if (!same(split(recomputed), split(published))) problems.push('the recomputed against/abstain figures differ from the published result');
  }
  if (recomputed.kind === 'election' && published.kind === 'election') {
    const areas = (x: ElectionResult) => Object.fromEntries(x.candidates.map((c) => [c.candidateId, c.forArea]));
    if (!same(areas(recomputed), areas(published))) problems.push('the recomputed candidate areas differ from the published result');
    const names = (x: ElectionResult) => JSON.stringify([x.allocation.elected, x.allocation.alternates].map((l) => l.map((c) => c.candidateId)));
    if (names(recomputed) !== names(published)) problems.push('the recomputed seats or alternates differ from the published result');
    if (!same(recomputed.committee, published.committee)) problems.push('the recomputed committee differs from the published result');
  }
}

/**
 * A final result follows from the count: for a resolution it is the count's outcome; for an
 * election, the count's seats after the people named as dropped at the final negative-list check
 * (their seats go to the alternates in order), by the committee rules.
 */
function checkFinal(doc: PublishedVoteLog, problems: string[]): void {
  const stage = doc.stage;
  if (!stage || stage.status !== 'final' || !stage.outcome) return;
  const r = doc.result;
  if (r.kind === 'resolution') {
    if (!same(stage.outcome, r.outcome)) problems.push('the final outcome differs from the count');
    return;
  }
  const dropped = new Set(stage.dropped ?? []);
  const { formation } = finalSeats(r.purpose, r.households, r.allocation, (p) => dropped.has(p));
  if (stage.committee && !same(formation, stage.committee)) problems.push('the final committee does not follow from the count and the people dropped at the final check');
  if (!same(electionOutcome(r.allocation.quorum, r.allocation.elected.length, formation), stage.outcome))
    problems.push('the final outcome does not follow from the count and the people dropped at the final check');
}
