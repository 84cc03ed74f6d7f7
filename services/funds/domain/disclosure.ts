import { yuan } from '../../../libs/csv';
import { available, type Entry, type Fund } from './ledger';

/**
 * A fund's quarterly disclosure (公示), computed from the journal entries of the quarter: income by
 * source, costs by kind, the levy charged, paid and owed (kept apart: a levy charged is not money
 * received), each payment with its approvals and the reviewers' reasons, the balances at the end and
 * the chain head that lets anyone check them against the published journal.
 */
export interface DisclosedPayment {
  projectId: string;
  expenseId: string;
  payee: string;
  amountFen: number;
  purpose: string;
  approvals: { step: string; by: string; at: string; reason?: string }[];
  paidAt: string;
  entrySeq: number;
}

export interface LevyDisclosure {
  /** Charged in the quarter. */
  chargedFen: number;
  /** Received in the quarter (receipts, less reversed receipts). */
  paidFen: number;
  /** Owed at the end of the quarter, net of what units paid in advance. */
  owedFen: number;
  /** Units in arrears and what they owe, when the disclosure was published. */
  unitsInArrears: number;
  arrearsFen: number;
  arrearsAsOf: string;
}

export interface FundDisclosure {
  fund: Fund;
  incomeBySource: Record<string, number>;
  costsByKind: Record<string, number>;
  levy?: LevyDisclosure;
  payments: DisclosedPayment[];
  balances: Record<string, number>;
  cashFen: number;
  surplusFen: number;
  headHash: string;
  /** Entries in the journal at the end of the quarter. */
  entries: number;
}

export interface PeriodFigures {
  incomeBySource: Record<string, number>;
  costsByKind: Record<string, number>;
  levyChargedFen: number;
  levyPaidFen: number;
}

/** What the entries of a period add up to. Income is money received (the levy is reported apart). */
export function periodFigures(entries: readonly Entry[]): PeriodFigures {
  const incomeBySource: Record<string, number> = {};
  const costsByKind: Record<string, number> = {};
  let levyChargedFen = 0;
  let levyPaidFen = 0;
  for (const e of entries) {
    const isLevyPayment = e.postings.some((p) => p.account === 'levy_receivable') && !e.postings.some((p) => p.account === 'income:levy');
    for (const p of e.postings) {
      if (p.account === 'income:levy') levyChargedFen -= p.amountFen;
      else if (p.account.startsWith('income:')) incomeBySource[p.account.slice(7)] = (incomeBySource[p.account.slice(7)] ?? 0) - p.amountFen;
      else if (p.account.startsWith('costs:')) costsByKind[p.account.slice(6)] = (costsByKind[p.account.slice(6)] ?? 0) + p.amountFen;
      else if (p.account === 'levy_receivable' && isLevyPayment) levyPaidFen -= p.amountFen;
    }
  }
  return { incomeBySource, costsByKind, levyChargedFen, levyPaidFen };
}

export function fundDisclosure(
  fund: Fund,
  inPeriod: readonly Entry[],
  last: Entry | undefined,
  payments: DisclosedPayment[],
  arrears?: { unitsInArrears: number; arrearsFen: number; asOf: string },
): FundDisclosure {
  const figures = periodFigures(inPeriod);
  const balances = last?.balances ?? {};
  const levy =
    fund === 'small_maintenance'
      ? {
          chargedFen: figures.levyChargedFen,
          paidFen: figures.levyPaidFen,
          owedFen: balances.levy_receivable ?? 0,
          unitsInArrears: arrears?.unitsInArrears ?? 0,
          arrearsFen: arrears?.arrearsFen ?? 0,
          arrearsAsOf: arrears?.asOf ?? '',
        }
      : undefined;
  return {
    fund,
    incomeBySource: figures.incomeBySource,
    costsByKind: figures.costsByKind,
    ...(levy ? { levy } : {}),
    payments,
    balances,
    cashFen: balances.cash ?? 0,
    surplusFen: available(balances),
    headHash: last?.hash ?? '0'.repeat(64),
    entries: last?.seq ?? 0,
  };
}

/** The rows of the CSV a notice board prints: fund, line, item, yuan, detail. */
export function disclosureRows(funds: readonly FundDisclosure[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const f of funds) {
    for (const [source, fen] of Object.entries(f.incomeBySource)) rows.push([f.fund, 'income', source, yuan(fen), '']);
    for (const [kind, fen] of Object.entries(f.costsByKind)) rows.push([f.fund, 'cost', kind, yuan(fen), '']);
    if (f.levy) {
      rows.push(
        [f.fund, 'levy', 'charged', yuan(f.levy.chargedFen), 'charged to units this quarter'],
        [f.fund, 'levy', 'paid', yuan(f.levy.paidFen), 'received this quarter'],
        [f.fund, 'levy', 'owed at the end', yuan(f.levy.owedFen), 'net of advance payments'],
        [f.fund, 'levy', 'units in arrears', f.levy.unitsInArrears, `owing ${yuan(f.levy.arrearsFen)} yuan as of ${f.levy.arrearsAsOf}`],
      );
    }
    for (const p of f.payments) {
      rows.push([
        f.fund,
        'payment',
        `${p.projectId}/${p.expenseId} to ${p.payee}: ${p.purpose}`,
        yuan(p.amountFen),
        p.approvals.map((a) => `${a.step} by ${a.by} at ${a.at}${a.reason ? `: ${a.reason}` : ''}`).join('; '),
      ]);
    }
    rows.push([f.fund, 'balance', 'cash', yuan(f.cashFen), ''], [f.fund, 'balance', 'surplus (available)', yuan(f.surplusFen), ''], [f.fund, 'chain head', `${f.entries} entries`, '', f.headHash]);
  }
  return rows;
}
