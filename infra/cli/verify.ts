import { readFileSync } from 'node:fs';
import { verifyVoteLog, type PublishedVoteLog } from '../../services/elections/domain/verify';

/**
 * npm run verify -- vote <file or URL> [--token T]
 * Recomputes a published ballot log's hash chain and tally; exit 0 if it holds, 1 if not, 2 on bad use.
 */
async function load(source: string, token?: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }
  return JSON.parse(readFileSync(source, 'utf8'));
}

const [kind, source, ...rest] = process.argv.slice(2);
const tokenFlag = rest.indexOf('--token');
const token = tokenFlag >= 0 ? rest[tokenFlag + 1] : process.env.TOKEN;
if (kind !== 'vote' || !source) {
  console.error('usage: npm run verify -- vote <file or URL> [--token T]');
  process.exit(2);
}
try {
  const doc = (await load(source, token)) as PublishedVoteLog;
  const report = verifyVoteLog(doc);
  console.log(`vote ${doc.vote.compoundId}/${doc.vote.voteId}: ${report.entries} ballots, head ${doc.head}`);
  if (report.recomputed) {
    const f = report.recomputed.figures;
    console.log(`recomputed: participating ${f.participatingArea} of ${f.totalArea} (area, 1/100 m²), ${f.participatingHeadcount} of ${f.totalHeadcount} (headcount); outcome ${JSON.stringify(report.recomputed.outcome)}`);
  }
  for (const p of report.problems) console.log(`PROBLEM: ${p}`);
  console.log(report.ok ? 'OK: the log and the result hold' : 'FAILED');
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  console.error(`verify: ${(error as Error).message}`);
  process.exit(2);
}
