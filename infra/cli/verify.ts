import { readFileSync } from 'node:fs';
import { verifyVoteLog, type PublishedVoteLog } from '../../services/elections/domain/verify';
import { verifyLedger, type Entry } from '../../services/funds/domain/ledger';
import { expectLedgerPage, expectVoteLog, NotThisDocument, parseJson } from './verify-input';

/**
 * npm run verify -- vote <file or URL> [--token T]     a published ballot log: chain and tally
 *   (a URL is followed page by page; …/log is the public view, …/log/weighted the inspectors'),
 *   every channel (online, paper, by proxy) and the ballots upheld objections struck
 * npm run verify -- ledger <file or URL> [--token T]   a fund's export: chain and balances
 * A ledger export comes in pages (each under Lambda's 6 MB): given the URL, every page is fetched
 * (following nextCursor); given files, give every page's file, in order.
 * Exit 0 if it holds, 1 if not, 2 on bad use (among it a file that is not the kind named: the error
 * says what was expected and what the file holds).
 */
async function load(source: string, token?: string): Promise<unknown> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }
  return parseJson(source, readFileSync(source, 'utf8'));
}

interface LedgerPage {
  compoundId: string;
  fund: string;
  entries: Entry[];
  nextCursor?: string;
}

/** Every page of a ledger export: from a URL by following nextCursor, or from the files given. */
async function loadLedger(sources: string[], token?: string): Promise<{ compoundId: string; fund: string; entries: Entry[]; pages: number; complete: boolean }> {
  const pages: LedgerPage[] = [];
  if (sources.length === 1 && /^https?:\/\//.test(sources[0]!)) {
    const url = new URL(sources[0]!);
    for (;;) {
      const value = await load(url.toString(), token);
      expectLedgerPage(url.toString(), value);
      const page = value as LedgerPage;
      pages.push(page);
      if (!page.nextCursor) break;
      url.searchParams.set('cursor', page.nextCursor);
    }
  } else {
    for (const file of sources) {
      const value = await load(file, token);
      expectLedgerPage(file, value);
      pages.push(value as LedgerPage);
    }
  }
  const first = pages[0]!;
  return { compoundId: first.compoundId, fund: first.fund, entries: pages.flatMap((p) => p.entries), pages: pages.length, complete: !pages.at(-1)!.nextCursor };
}

/** A published vote log: a file holding every entry, or the API's pages followed to the last. */
async function loadVoteLog(source: string, token?: string): Promise<PublishedVoteLog> {
  const value = await load(source, token);
  expectVoteLog(source, value);
  const first = value as PublishedVoteLog & { nextCursor?: string };
  const entries = [...first.entries];
  for (let cursor = first.nextCursor; cursor; ) {
    const url = new URL(source);
    url.searchParams.set('cursor', cursor);
    const next = await load(url.toString(), token);
    expectVoteLog(url.toString(), next);
    const page = next as PublishedVoteLog & { nextCursor?: string };
    if (page.head !== first.head) throw new Error('the log changed while it was read (another head)');
    entries.push(...page.entries);
    cursor = page.nextCursor;
  }
  return { vote: first.vote, head: first.head, view: first.view, result: first.result, channels: first.channels, stage: first.stage, entries };
}

const [kind, source, ...rest] = process.argv.slice(2);
const tokenFlag = rest.indexOf('--token');
const token = tokenFlag >= 0 ? rest[tokenFlag + 1] : process.env.TOKEN;
if ((kind !== 'vote' && kind !== 'ledger') || !source) {
  console.error('usage: npm run verify -- vote|ledger <file or URL> [--token T]');
  process.exit(2);
}
try {
  if (kind === 'ledger') {
    const pageFiles = rest.filter((_, i) => tokenFlag < 0 || (i !== tokenFlag && i !== tokenFlag + 1));
    const doc = await loadLedger([source, ...pageFiles], token);
    const check = verifyLedger(doc.entries);
    console.log(`ledger ${doc.compoundId}/${doc.fund}: ${check.entries} entries in ${doc.pages} page(s), head ${check.head}`);
    console.log(`recomputed balances (fen): ${JSON.stringify(check.balances)}`);
    if (check.firstBad) console.log(`PROBLEM: entry ${check.firstBad.seq}: ${check.firstBad.reason}`);
    if (!doc.complete) console.log('PROBLEM: the last page has a nextCursor: pages are missing (give the URL, or every page)');
    const ok = check.ok && doc.complete;
    console.log(ok ? 'OK: the chain and the balances hold' : 'FAILED');
    process.exit(ok ? 0 : 1);
  }
  const doc = await loadVoteLog(source, token);
  const report = verifyVoteLog(doc);
  const struck = report.removed ? `, ${report.removed} struck by upheld objections` : '';
  console.log(`vote ${doc.vote.compoundId}/${doc.vote.voteId}: ${report.counted} ballots (${report.view} log)${struck}, head ${doc.head}`);
  const h = report.headcounts;
  const f = doc.result.figures;
  if (doc.channels) {
    const c = doc.channels;
    const checked = report.channels ? 'recomputed from the entries' : 'as published; the weighted log recomputes them';
    console.log(`channels: ${c.online.ballots} online, ${c.paper.ballots} on paper, ${c.byProxy.ballots} by proxy (${checked})`);
  }
  if (report.recomputed) {
    const r = report.recomputed.figures;
    console.log(
      `recomputed: participating ${r.participatingArea} of ${r.totalArea} (area, 1/100 m²), ${r.participatingHeadcount} of ${r.totalHeadcount} (headcount); outcome ${JSON.stringify(report.recomputed.outcome)}`,
    );
  } else {
    console.log(
      `recomputed: participating ${h.participating ?? 0} of ${f.totalHeadcount} (headcount), per choice ${JSON.stringify(Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'participating')))}`,
    );
    console.log(
      `areas are committed, not published in this view: the published figures (participating ${f.participatingArea} of ${f.totalArea}, 1/100 m²) give outcome ${JSON.stringify(report.outcomeFromFigures)}; the weighted log recomputes them`,
    );
  }
  if (doc.stage?.outcome) {
    const dropped = doc.stage.dropped?.length ? ` (lost their seat at the final check: ${doc.stage.dropped.join(', ')})` : '';
    console.log(`${doc.stage.status}: outcome ${JSON.stringify(doc.stage.outcome)}${dropped}`);
  }
  for (const p of report.problems) console.log(`PROBLEM: ${p}`);
  console.log(report.ok ? 'OK: the log and the result hold' : 'FAILED');
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  console.error(`verify: ${(error as Error).message}`);
  if (error instanceof NotThisDocument) console.error('usage: npm run verify -- vote|ledger <file or URL> [--token T]');
  process.exit(2);
}
