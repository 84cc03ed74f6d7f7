import type { Fund } from './ledger';

/**
 * Who records what income into which fund. Money comes into each fund from its own sources, and
 * only the party that actually receives or holds the money records it:
 *   - maintenance (专项维修资金): held by the city's maintenance-fund centre, not by the compound or
 *     the property company. Deposits and interest are recorded by the centre (the `bureau` role).
 *   - small_maintenance (小公维金): the levy comes in through the levy routes (receipts recorded by
 *     the property company or the committee); the committee records the account's interest.
 *   - public_revenue (公共收益): the property company (which collects most of it) or the committee
 *     records income by source, less reasonable costs (Civil Code art. 282).
 *   - neighbours (友邻基金): donations and interest, recorded by the committee.
 */
export type Recorder = 'bureau' | 'committee' | 'property';

export const COST_KINDS = ['management', 'electricity', 'cleaning', 'commission', 'tax', 'other'] as const;
export type CostKind = (typeof COST_KINDS)[number];

export interface IncomeRule {
  sources: readonly string[];
  recordedBy: readonly Recorder[];
  /** Whether reasonable costs may be deducted (only public revenue: art. 282). */
  costs: boolean;
}

export const INCOME_RULES: Record<Fund, IncomeRule> = {
  maintenance: { sources: ['deposits', 'interest'], recordedBy: ['bureau'], costs: false },
  small_maintenance: { sources: ['interest'], recordedBy: ['committee'], costs: false },
  public_revenue: { sources: ['advertising', 'parking', 'stalls', 'lockers', 'base_stations', 'rents', 'interest'], recordedBy: ['property', 'committee'], costs: true },
  neighbours: { sources: ['donations', 'interest'], recordedBy: ['committee'], costs: false },
};

/** Back-compatible view: the sources of each fund. */
export const INCOME_SOURCES: Record<Fund, readonly string[]> = Object.fromEntries(Object.entries(INCOME_RULES).map(([f, r]) => [f, r.sources])) as Record<Fund, readonly string[]>;

export interface IncomeInput {
  source: string;
  grossFen: number;
  costsFen: number;
  costKind?: CostKind;
}

/** Why this income may not be recorded by these roles, as field errors; empty when it may. */
export function incomeRefusal(fund: Fund, input: IncomeInput, roles: readonly Recorder[]): { status: 'forbidden' | 'rule'; reason: string; field?: string } | undefined {
  const rule = INCOME_RULES[fund];
  if (!roles.some((r) => rule.recordedBy.includes(r))) {
    return {
      status: 'forbidden',
      reason: `income of the ${fund} fund is recorded by ${rule.recordedBy.join(' or ')}${fund === 'maintenance' ? ' (the city’s maintenance-fund centre holds it)' : ''}`,
    };
  }
  if (!rule.sources.includes(input.source)) return { status: 'rule', reason: `${fund} takes income from ${rule.sources.join(', ')}`, field: 'body.source' };
  if (input.costsFen > 0 && !rule.costs) return { status: 'rule', reason: `the ${fund} fund records income without deducting costs`, field: 'body.costsFen' };
  if (input.costsFen >= input.grossFen) return { status: 'rule', reason: 'costs must be less than the gross income', field: 'body.costsFen' };
  if (input.costsFen > 0 && !input.costKind) return { status: 'rule', reason: 'say what the costs were', field: 'body.costKind' };
  return undefined;
}
