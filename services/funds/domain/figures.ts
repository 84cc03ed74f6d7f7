import { available, type Fund } from './ledger';

/**
 * What a fund's running balances say, in the words of a report: money held, money received, and
 * for the levy what was charged, what was paid and what is owed, kept apart (a levy charged is not
 * money collected). Balances are debit-positive (see ledger.ts).
 */
export interface FundFigures {
  fund: Fund;
  /** Money the fund holds. */
  cashFen: number;
  /** Held and not set aside for approved projects. */
  availableFen: number;
  /** Set aside for approved projects and not yet paid. */
  reservedFen: number;
  /** Money actually received: income by every source (gross, before costs) and levy payments. */
  collectedFen: number;
  /** Reasonable costs deducted from public revenue. */
  costsFen: number;
  /** Paid out for projects (repairs). */
  spentFen: number;
  /** Projects with something paid. */
  projectsPaid: number;
  /** The levy: charged, paid (in cash), and what is owed net of advance payments. */
  levyChargedFen: number;
  levyPaidFen: number;
  levyNetOwedFen: number;
}

export function fundFigures(fund: Fund, balances: Readonly<Record<string, number>>): FundFigures {
  let incomeExceptLevy = 0;
  let costsFen = 0;
  let spentFen = 0;
  let projectsPaid = 0;
  let reservedFen = 0;
  for (const [account, balance] of Object.entries(balances)) {
    if (account.startsWith('income:') && account !== 'income:levy') incomeExceptLevy -= balance;
    else if (account.startsWith('costs:')) costsFen += balance;
    else if (account.startsWith('spent:')) {
      spentFen += balance;
      if (balance > 0) projectsPaid++;
    } else if (account.startsWith('reserved:')) reservedFen -= balance;
  }
  const levyChargedFen = -(balances['income:levy'] ?? 0);
  const levyNetOwedFen = balances.levy_receivable ?? 0;
  const levyPaidFen = levyChargedFen - levyNetOwedFen;
  return {
    fund,
    cashFen: balances.cash ?? 0,
    availableFen: available(balances),
    reservedFen,
    collectedFen: incomeExceptLevy + levyPaidFen,
    costsFen,
    spentFen,
    projectsPaid,
    levyChargedFen,
    levyPaidFen,
    levyNetOwedFen,
  };
}
