import type { CompoundLocation, Principal } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { incomeRefusal, type CostKind, type Recorder } from '../domain/income';
import { FUNDS, reversalOf, type Entry, type Fund } from '../domain/ledger';
import { incomeKind, incomePostings, REVERSIBLE } from '../domain/postings';
import { fundFigures } from '../domain/figures';
import * as ledger from '../store/ledger';
import * as levies from '../store/levy';
import { applyToBuckets } from './levy';

/** Income, reversals and the summary of a compound's journals. */
export async function recordIncome(
  compoundId: string,
  fund: Fund,
  input: {
    clientRef: string;
    source: string;
    grossFen: number;
    costsFen: number;
    costKind?: CostKind;
    memo: string;
    sourceDocument: { type: 'invoice' | 'receipt' | 'contract' | 'bank_statement' | 'resolution' | 'other'; ref: string };
  },
  principal: Principal,
  location: CompoundLocation,
): Promise<ledger.Appended> {
  const roles = principal.grantsFor(['bureau', 'committee', 'property'], location).map((g) => g.role as Recorder);
  const refusal = incomeRefusal(fund, input, roles);
  if (refusal?.status === 'forbidden') throw forbidden(refusal.reason);
  if (refusal) throw ruleBroken(refusal.reason, refusal.field ? [{ field: refusal.field, reason: refusal.reason }] : undefined);
  return ledger.append(compoundId, fund, {
    kind: incomeKind(fund),
    postings: incomePostings(input),
    memo: input.memo,
    sourceDocument: input.sourceDocument,
    actor: principal.subject,
    clientRef: input.clientRef,
    at: clock.nowIso(),
  });
}

/** Correct an entry by its reversing entry: one per entry, whoever asks and however often. */
export async function reverseEntry(compoundId: string, fund: Fund, input: { clientRef: string; seq: number; reason: string }, principal: Principal): Promise<ledger.Appended> {
  const target = await ledger.getEntry(compoundId, fund, input.seq);
  if (!target) throw notFound(`entry ${input.seq} does not exist`);
  if (target.kind === 'reversal') throw ruleBroken('a reversal is not reversed; record the correct entry instead');
  if (!REVERSIBLE.includes(target.kind)) throw ruleBroken(`${target.kind} entries follow their own process (reviews, the levy's schedule) and are not reversed here`);
  // Its reference is the target's own (ledger.ts reversalOf): a second reversal is refused with 409,
  // a retry of the same request (same reference, same reason) gets the first.
  const appended = await ledger.append(compoundId, fund, reversalOf(target, principal.subject, input.reason, input.clientRef, clock.nowIso()));
  if (target.kind === 'levy_payment') {
    const levy = await levies.getLevy(compoundId);
    if (levy) await applyToBuckets(levy, appended.entry, principal.subject);
  }
  return appended;
}

export interface FundSummary {
  fund: Fund;
  entries: number;
  headHash?: string;
  balances: Record<string, number>;
  cashFen: number;
  availableFen: number;
  figures: ReturnType<typeof fundFigures>;
}

export async function fundsSummary(compoundId: string): Promise<FundSummary[]> {
  return Promise.all(
    FUNDS.map(async (fund) => {
      const head: Entry | undefined = await ledger.headEntry(compoundId, fund);
      const balances = head?.balances ?? {};
      const figures = fundFigures(fund, balances);
      return { fund, entries: head?.seq ?? 0, headHash: head?.hash, balances, cashFen: figures.cashFen, availableFen: figures.availableFen, figures };
    }),
  );
}
