import type { AreaScope } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { invalid } from '../../../libs/errors';
import { DEFAULT_TIME_ZONE, previousQuarter } from '../domain/calendar';
import { FUNDS, type Fund } from '../domain/ledger';
import { addFigures, NO_LEVY, type LevyFigures } from '../domain/levy';
import { addQuarterFigures, NO_QUARTER_FIGURES, reportQuarters, type QuarterFigures } from '../domain/quarters';
import { compoundQuartersIn } from '../store/street-quarters';
import { compoundPartsIn } from '../store/street-totals';

export interface FundTotals {
  cashFen: number;
  availableFen: number;
  /** Money received (income by every source, levy payments); a levy charged and unpaid is not in it. */
  collectedFen: number;
  costsFen: number;
  spentFen: number;
}

export interface FundsReport {
  scope: AreaScope;
  compounds: number;
  publicRevenueHeldFen: number;
  funds: Record<Fund, FundTotals>;
  /** The small-maintenance levy: charged, paid, owed (by units; advance payments apart), arrears. */
  levy: LevyFigures & { chargedFen: number; paidFen: number };
  repairsPaid: number;
  repairsPaidFen: number;
}

/**
 * Public revenue held, money collected, the levy charged, paid and owed, repairs paid — per street,
 * district or city, from the street items of the funds read model (store/street-totals.ts: one
 * item per street holding its compounds' figures, kept by the writes): a city report reads one item
 * per street, a street report one item; the journals and the compounds' items are never read here.
 */
export async function fundsReport(scope: AreaScope, consumed?: { units: number }): Promise<FundsReport> {
  const compounds = await compoundPartsIn(scope, consumed);
  const funds = Object.fromEntries(FUNDS.map((f) => [f, { cashFen: 0, availableFen: 0, collectedFen: 0, costsFen: 0, spentFen: 0 }])) as Record<Fund, FundTotals>;
  let levy: LevyFigures = { ...NO_LEVY };
  let levyCharged = 0;
  let levyPaid = 0;
  let repairsPaid = 0;
  for (const c of compounds) {
    for (const fund of FUNDS) {
      const figures = c.funds[fund];
      if (!figures) continue;
      const t = funds[fund];
      t.cashFen += figures.cashFen;
      t.availableFen += figures.availableFen;
      t.collectedFen += figures.collectedFen;
      t.costsFen += figures.costsFen;
      t.spentFen += figures.spentFen;
      repairsPaid += figures.projectsPaid;
      if (fund === 'small_maintenance') {
        levyCharged += figures.levyChargedFen;
        levyPaid += figures.levyPaidFen;
      }
    }
    for (const bucket of c.buckets) levy = addFigures(levy, bucket);
  }
  return {
    scope,
    compounds: compounds.length,
    publicRevenueHeldFen: funds.public_revenue.cashFen,
    funds,
    // Charged and paid as the journals say them; owed, in advance and in arrears from the units' accounts.
    levy: { ...levy, chargedFen: levyCharged, paidFen: levyPaid },
    repairsPaid,
    repairsPaidFen: FUNDS.reduce((s, f) => s + funds[f].spentFen, 0),
  };
}

export interface QuarterTotals extends QuarterFigures {
  /** "2027-Q1" */
  quarter: string;
  /** Compounds of the area that disclosed the quarter (a compound with no journal yet discloses nothing). */
  compounds: number;
}

export interface FundsByQuarter {
  scope: AreaScope;
  from: string;
  to: string;
  quarters: QuarterTotals[];
}

/**
 * The funds of an area quarter by quarter, oldest first, from the quarterly disclosures (each
 * compound's figures put on its street's item of the quarter when it disclosed it): one read per
 * quarter (a street's item, or one query over the quarter's street items), the quarters read at
 * once. Quarters are Beijing's; the last one is the last ended by the service's clock.
 */
export async function fundsByQuarter(scope: AreaScope, asked: { from?: string; to?: string }, consumed?: { units: number }): Promise<FundsByQuarter> {
  const range = reportQuarters(asked, previousQuarter(clock.nowIso(), DEFAULT_TIME_ZONE).label);
  if ('errors' in range) throw invalid('the quarters asked for cannot be reported', range.errors);
  const quarters = await Promise.all(
    range.quarters.map(async (quarter): Promise<QuarterTotals> => {
      const compounds = await compoundQuartersIn(scope, quarter, consumed);
      return { quarter, compounds: compounds.length, ...compounds.reduce((total, c) => addQuarterFigures(total, c.figures), NO_QUARTER_FIGURES) };
    }),
  );
  return { scope, from: range.quarters[0]!, to: range.quarters.at(-1)!, quarters };
}
