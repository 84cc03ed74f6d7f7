import { buildLog, firstBrokenEntry, headOf, type LogEntry } from './ballot-log';
import { tallyElection, tallyResolution, type ElectionResult, type ResolutionResult } from './tally';
import type { Matter } from './thresholds';

/** What GET …/log publishes and `npm run verify -- vote` checks. */
export interface PublishedVoteLog {
  vote: {
    compoundId: string;
    voteId: string;
    kind: 'resolution' | 'election';
    matter: Matter;
    seats?: number;
    candidates?: string[];
    totalArea: number;
    totalHeadcount: number;
  };
  head: string;
  entries: LogEntry[];
  result: ResolutionResult | ElectionResult;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  problems: string[];
  recomputed?: ResolutionResult | ElectionResult;
}

/** Recompute the chain, the head and the tally from a published log; say what does not hold. */
export function verifyVoteLog(doc: PublishedVoteLog): VerifyReport {
  const problems: string[] = [];
  const broken = firstBrokenEntry(doc.entries);
  if (broken) problems.push(`entry ${broken.seq}: ${broken.reason}`);
  if (headOf(doc.entries) !== doc.head) problems.push(`the chain ends in ${headOf(doc.entries)}, not the published head ${doc.head}`);
  const rebuilt = buildLog(doc.entries);
  if (!broken && headOf(rebuilt) !== doc.head) problems.push('rebuilding the log from its entries gives another head');
  let recomputed: ResolutionResult | ElectionResult | undefined;
  try {
    const totals = { totalArea: doc.vote.totalArea, totalHeadcount: doc.vote.totalHeadcount };
    recomputed =
      doc.vote.kind === 'resolution'
        ? tallyResolution(doc.vote.matter, totals, doc.entries)
        : tallyElection(doc.vote.seats ?? 0, doc.vote.candidates ?? [], totals, doc.entries);
    if (JSON.stringify(recomputed.figures) !== JSON.stringify(doc.result.figures)) problems.push('the recomputed figures differ from the published result');
    if (JSON.stringify(recomputed.outcome) !== JSON.stringify(doc.result.outcome)) problems.push('the recomputed outcome differs from the published result');
    if (recomputed.kind === 'election' && doc.result.kind === 'election') {
      const names = (r: ElectionResult) => JSON.stringify([r.allocation.elected, r.allocation.alternates].map((l) => l.map((c) => c.candidateId)));
      if (names(recomputed) !== names(doc.result)) problems.push('the recomputed seats or alternates differ from the published result');
    }
  } catch (error) {
    problems.push(`the ballots cannot be tallied: ${(error as Error).message}`);
  }
  return { ok: problems.length === 0, entries: doc.entries.length, problems, recomputed };
}
