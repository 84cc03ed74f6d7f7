import type { EntryDraft, Fund, Posting } from './ledger';
import type { CostKind } from './income';

/**
 * The postings of each kind of entry, in one place (debit positive, credit negative). Every entry
 * balances; the accounts are described in ledger.ts.
 *
 *   income / deposit / donation   Dr cash (gross − costs), Dr costs:<kind>, Cr income:<source>
 *   reservation                   Dr appropriations, Cr reserved:<project>
 *   payment                       Dr spent:<project>, Cr cash; Dr reserved:<project>, Cr appropriations
 *   levy_charge                   Dr levy_receivable, Cr income:levy            (a month's levy charged)
 *   levy_payment                  Dr cash, Cr levy_receivable                    (receipts; may run ahead: advance payments)
 *   reversal                      every posting of the reversed entry, negated
 */
export const incomeKind = (fund: Fund): EntryDraft['kind'] => (fund === 'neighbours' ? 'donation' : fund === 'maintenance' ? 'deposit' : 'income');

export function incomePostings(input: { source: string; grossFen: number; costsFen: number; costKind?: CostKind }): Posting[] {
  return [
    { account: 'cash', amountFen: input.grossFen - input.costsFen },
    ...(input.costsFen > 0 ? [{ account: `costs:${input.costKind}`, amountFen: input.costsFen }] : []),
    { account: `income:${input.source}`, amountFen: -input.grossFen },
  ];
}

export const reservationPostings = (projectId: string, amountFen: number): Posting[] => [
  { account: 'appropriations', amountFen },
  { account: `reserved:${projectId}`, amountFen: -amountFen },
];

export const paymentPostings = (projectId: string, amountFen: number): Posting[] => [
  { account: `spent:${projectId}`, amountFen },
  { account: 'cash', amountFen: -amountFen },
  { account: `reserved:${projectId}`, amountFen },
  { account: 'appropriations', amountFen: -amountFen },
];

export const levyChargePostings = (totalFen: number): Posting[] => [
  { account: 'levy_receivable', amountFen: totalFen },
  { account: 'income:levy', amountFen: -totalFen },
];

export const levyPaymentPostings = (totalFen: number): Posting[] => [
  { account: 'cash', amountFen: totalFen },
  { account: 'levy_receivable', amountFen: -totalFen },
];

export const reversalPostings = (postings: readonly Posting[]): Posting[] => postings.map((p) => ({ account: p.account, amountFen: -p.amountFen }));

/** Entry kinds a reversal may correct: what follows a process (payments, reservations, the levy's charges) is corrected by that process. */
export const REVERSIBLE: readonly EntryDraft['kind'][] = ['income', 'donation', 'deposit', 'opening', 'levy_payment'];
