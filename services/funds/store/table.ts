import { tableName } from '../../../libs/config';
import { RegistryReadModel } from '../../registry/kit/read-model';

/**
 * The funds table (pk / sk). Besides the registry read model (services/registry/kit/read-model.ts):
 *
 *   LEDGER#c#fund / BLOCK#0000000042      entries 42… of a fund's journal, appended together (one conditional put)
 *   LEDGER#c#fund / REF#<clientRef>       an entry's client reference, claimed before the append
 *   COMPOUND#c    / SUMMARY               each fund's head (seq, hash, balances, figures) and the levy's figures by bucket;
 *                                         gsi1 FUNDSUMMARY / district#street#community#c (reports); due: DUE#disclosure
 *   COMPOUND#c    / PROJECT#p             a project: approved vs committed amounts (expenses are their own items)
 *   COMPOUND#c    / EXPENSE#p#e           an expense with its reviews; gsi1 REVIEWQ#role#scope (a reviewer's queue);
 *                                         due: DUE#review-step (escalation) or DUE#expense-repair (an unfinished step)
 *   PAYEE#c#<payee> / <submittedAt>#p#e   an expense's amount under its payee (the 30-day tier window)
 *   COMPOUND#c    / LEVY                  the small-maintenance levy the owners approved; due: DUE#levy (next month to charge)
 *   LEVY#c        / BUCKET#007            the levy accounts of ~150 units, derived from the journal
 *   LEVY#c        / SHEET#2027-03#007     one month's charges of a bucket's units (immutable)
 *   LEVY#c        / RECEIPT#<ref>         a levy receipt, claimed once per compound
 *   COMPOUND#c    / DISCLOSURE#2027-Q1    a quarterly disclosure
 */
export const table = () => tableName('funds');
export const registry = new RegistryReadModel(table);

export const pad = (n: number, width = 10) => String(n).padStart(width, '0');
