import type { FieldError } from '../../../libs/errors';
import type { FundDisclosure } from './disclosure';

/**
 * A compound's funds over a quarter, in the words of the officials' report, taken from the
 * quarter's disclosure (the funds' official periodic figures, §6 of docs/funds.md) and summed over
 * its funds: money received in the quarter, costs deducted from it, money paid out for repairs and
 * expenses, the small-maintenance levy charged and paid in the quarter and owed at its end, and the
 * money held at the end. Integer fen throughout.
 */
export interface QuarterFigures {
  /** Received: income by every source, gross, and levy payments (a levy charged is not money received). */
  collectedFen: number;
  /** Reasonable costs deducted from public revenue. */
  costsFen: number;
  /** Paid out for projects (each disclosed payment). */
  paidFen: number;
  levyChargedFen: number;
  levyPaidFen: number;
  /** Owed at the quarter's end, net of advance payments. */
  levyOwedFen: number;
  /** Held by the compound's funds at the quarter's end. */
  cashFen: number;
}

export const NO_QUARTER_FIGURES: QuarterFigures = Object.freeze({ collectedFen: 0, costsFen: 0, paidFen: 0, levyChargedFen: 0, levyPaidFen: 0, levyOwedFen: 0, cashFen: 0 });

const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** What a compound's disclosure of a quarter says, over all its funds. */
export function quarterFigures(funds: readonly FundDisclosure[]): QuarterFigures {
  const out = { ...NO_QUARTER_FIGURES };
  for (const f of funds) {
    out.collectedFen += sum(Object.values(f.incomeBySource)) + (f.levy?.paidFen ?? 0);
    out.costsFen += sum(Object.values(f.costsByKind));
    out.paidFen += sum(f.payments.map((p) => p.amountFen));
    out.levyChargedFen += f.levy?.chargedFen ?? 0;
    out.levyPaidFen += f.levy?.paidFen ?? 0;
    out.levyOwedFen += f.levy?.owedFen ?? 0;
    out.cashFen += f.cashFen;
  }
  return out;
}

export function addQuarterFigures(a: QuarterFigures, b: Partial<QuarterFigures>): QuarterFigures {
  return Object.fromEntries((Object.keys(NO_QUARTER_FIGURES) as (keyof QuarterFigures)[]).map((k) => [k, a[k] + (b[k] ?? 0)])) as unknown as QuarterFigures;
}

/* Quarters as labels ("2027-Q1"), compared and counted as integers (year × 4 + quarter − 1). */
const QUARTER_LABEL = /^(\d{4})-Q([1-4])$/;

export function quarterIndex(label: string): number {
  const m = QUARTER_LABEL.exec(label);
  if (!m) throw new Error(`not a quarter: ${label}`);
  return Number(m[1]) * 4 + Number(m[2]) - 1;
}

export const quarterLabel = (index: number): string => `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;

/** At most this many quarters in one report (one query each). */
export const MAX_REPORT_QUARTERS = 12;
/** Without a range, the report covers the last this many ended quarters. */
export const DEFAULT_REPORT_QUARTERS = 8;

/**
 * The quarters a report covers, oldest first: `from` … `to` as asked, `to` by default the last
 * quarter ended, `from` by default `DEFAULT_REPORT_QUARTERS` quarters up to `to`. A range that runs
 * backwards, past the last quarter ended (nothing is disclosed yet) or over `MAX_REPORT_QUARTERS`
 * is refused with a reason per field. Labels are assumed well-formed (the route's schema checks them).
 */
export function reportQuarters(asked: { from?: string; to?: string }, lastEnded: string): { quarters: string[] } | { errors: FieldError[] } {
  const last = quarterIndex(lastEnded);
  const to = asked.to === undefined ? last : quarterIndex(asked.to);
  const from = asked.from === undefined ? Math.min(to, last) - (DEFAULT_REPORT_QUARTERS - 1) : quarterIndex(asked.from);
  const errors: FieldError[] = [];
  if (to > last) errors.push({ field: 'query.to', reason: `${quarterLabel(to)} has not ended: the last quarter ended is ${lastEnded}` });
  if (from > to) errors.push({ field: 'query.from', reason: `${quarterLabel(from)} is after ${quarterLabel(to)}` });
  else if (to - from + 1 > MAX_REPORT_QUARTERS)
    errors.push({ field: 'query.from', reason: `at most ${MAX_REPORT_QUARTERS} quarters at a time (${quarterLabel(from)} to ${quarterLabel(to)} is ${to - from + 1})` });
  if (errors.length > 0) return { errors };
  return { quarters: Array.from({ length: to - from + 1 }, (_, i) => quarterLabel(from + i)) };
}
