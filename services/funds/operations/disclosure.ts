import { DisclosurePublished } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { nextQuarterLabel, previousQuarter, quarter, quarterOf, timeZoneOf } from '../domain/calendar';
import { fundDisclosure, type DisclosedPayment, type FundDisclosure } from '../domain/disclosure';
import { eventId } from '../domain/ids';
import { FUNDS, type Entry, type Fund } from '../domain/ledger';
import { quarterFigures } from '../domain/quarters';
import * as disclosures from '../store/disclosures';
import * as expenses from '../store/expenses';
import * as ledger from '../store/ledger';
import * as streetQuarters from '../store/street-quarters';
import * as summaries from '../store/summaries';
import { registry } from '../store/table';
import { eventContext } from './context';

/**
 * The disclosure clock's unit of work for one compound: publish every quarter that has ended and is
 * not yet disclosed (a late or failed run catches up, each quarter once), oldest first. A quarter's
 * entries are those after the previous disclosure's last entry, up to the first entry made after
 * the quarter's end: each quarter reads only its own entries.
 *
 * Each quarter's figures also go onto the compound's street item of that quarter (the officials'
 * funds by quarter), from the disclosure as stored: a run after a crash between the two writes
 * finds the disclosure already published (the quarter is not yet marked disclosed) and writes the
 * street's part from it, so the two never disagree.
 */
export async function discloseCompound(compoundId: string): Promise<{ published: string[] }> {
  await summaries.copyToStreet(compoundId);
  const summary = await summaries.getSummary(compoundId);
  if (!summary?.firstEntryAt) return { published: [] };
  const compound = await registry.getCompound(compoundId);
  const timeZone = timeZoneOf(compound);
  const lastEnded = previousQuarter(clock.nowIso(), timeZone).label;
  let next = summary.disclosedThrough ? nextQuarterLabel(summary.disclosedThrough) : quarterOf(summary.firstEntryAt, timeZone).label;
  const street = summary.districtId && summary.streetId ? { districtId: summary.districtId, streetId: summary.streetId } : undefined;
  const published: string[] = [];
  for (; next <= lastEnded; next = nextQuarterLabel(next)) {
    const funds = await publishQuarter(compoundId, next, timeZone, summary.levy);
    if (street) await streetQuarters.recordQuarter(street, compoundId, next, quarterFigures(funds));
    published.push(next);
    await summaries.recordDisclosed(compoundId, next, quarter(nextQuarterLabel(next), timeZone).to);
  }
  if (published.length === 0) await summaries.setDisclosureDue(compoundId, quarter(next, timeZone).to);
  return { published };
}

/** The fund's entries of a quarter, and the last entry before its end. */
async function quarterEntries(compoundId: string, fund: Fund, afterSeq: number, to: string): Promise<{ inPeriod: Entry[]; last: Entry | undefined }> {
  const inPeriod: Entry[] = [];
  let after = afterSeq;
  for (;;) {
    const { entries, more } = await ledger.entriesAfter(compoundId, fund, after, { maxEntries: 500 });
    const cut = entries.findIndex((e) => e.at >= to);
    inPeriod.push(...(cut < 0 ? entries : entries.slice(0, cut)));
    if (cut >= 0 || !more || entries.length === 0) break;
    after = entries.at(-1)!.seq;
  }
  const last = inPeriod.at(-1) ?? (afterSeq > 0 ? await ledger.getEntry(compoundId, fund, afterSeq) : undefined);
  return { inPeriod, last };
}

async function paymentsOf(compoundId: string, entries: readonly Entry[]): Promise<DisclosedPayment[]> {
  const out: DisclosedPayment[] = [];
  for (const e of entries.filter((x) => x.kind === 'payment' && x.detail?.projectId && x.detail.expenseId)) {
    const expense = await expenses.getExpense(compoundId, e.detail!.projectId!, e.detail!.expenseId!);
    if (!expense) continue;
    out.push({
      projectId: expense.projectId,
      expenseId: expense.expenseId,
      payee: expense.payee,
      amountFen: expense.amountFen,
      purpose: expense.purpose,
      approvals: expense.approvals,
      paidAt: e.at,
      entrySeq: e.seq,
    });
  }
  return out;
}

/** The quarter's disclosure, published now or found published by an earlier run. */
async function publishQuarter(compoundId: string, label: string, timeZone: string, levy: summaries.FundsSummary['levy']): Promise<FundDisclosure[]> {
  const existing = await disclosures.getDisclosure(compoundId, label);
  if (existing) return existing.funds as FundDisclosure[];
  const { from, to } = quarter(label, timeZone);
  const previous = await disclosures.getDisclosure(compoundId, previousLabel(label));
  const previousSeq = (fund: Fund) => ((previous?.funds as FundDisclosure[] | undefined) ?? []).find((f) => f.fund === fund)?.entries ?? 0;
  const funds: FundDisclosure[] = [];
  for (const fund of FUNDS) {
    const { inPeriod, last } = await quarterEntries(compoundId, fund, previousSeq(fund), to);
    if (!last) continue;
    const arrears = fund === 'small_maintenance' ? { unitsInArrears: levy.unitsInArrears, arrearsFen: levy.arrearsFen, asOf: clock.nowIso() } : undefined;
    funds.push(fundDisclosure(fund, inPeriod, last, await paymentsOf(compoundId, inPeriod), arrears));
  }
  const event = DisclosurePublished.create(
    { compoundId, period: label, funds: funds.map((f) => ({ fund: f.fund, headHash: f.headHash, cashFen: f.cashFen })) },
    eventContext(compoundId, 'schedule:disclosure-clock', eventId('DisclosurePublished', compoundId, label)),
  );
  if (!(await disclosures.putDisclosure(compoundId, label, { compoundId, period: label, from, to, timeZone, funds, publishedAt: clock.nowIso() }, event))) {
    // Published meanwhile by a concurrent run: its figures are the ones on record.
    return (await disclosures.getDisclosure(compoundId, label))!.funds as FundDisclosure[];
  }
  return funds;
}

function previousLabel(label: string): string {
  const [y, q] = label.split('-Q').map(Number) as [number, number];
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}
