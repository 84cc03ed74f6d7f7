import type { Fund } from './ledger';

/**
 * What a passed owners' resolution does to the funds, by its matter (Civil Code art. 278):
 *   - matter 5, maintenance_fund_use: spending from the maintenance fund or the small maintenance
 *     fund (both are maintenance funds; the small one is raised by matter 6);
 *   - public revenue is the owners' income from common parts: spending it is a decision on the use
 *     of common parts (matter 8, common_parts_use) or another major matter (matter 9, other_major);
 *   - the neighbours' fund (donations) is spent on another major matter (9);
 *   - matter 6, maintenance_fund_raise, with a rate starts the small-maintenance levy.
 * Any other matter carrying a money payload moves nothing, and says why.
 */
export type Matter =
  | 'rules_of_procedure'
  | 'management_covenant'
  | 'committee_election'
  | 'property_company'
  | 'maintenance_fund_use'
  | 'maintenance_fund_raise'
  | 'rebuilding'
  | 'common_parts_use'
  | 'other_major';

export const SPENDING_MATTERS: Record<Fund, readonly Matter[]> = {
  maintenance: ['maintenance_fund_use'],
  small_maintenance: ['maintenance_fund_use'],
  public_revenue: ['common_parts_use', 'other_major'],
  neighbours: ['other_major'],
};

export interface ResolutionPayload {
  projectId?: string;
  fund?: Fund;
  amountFen?: number;
  levyFenPerSquareMetreMonth?: number;
}

export type ResolutionEffect =
  | { kind: 'project'; projectId: string; fund: Fund; amountFen: number }
  | { kind: 'levy'; rateFenPerM2Month: number }
  /** A money payload this matter cannot carry: nothing happens, and the reason is published. */
  | { kind: 'refused'; reason: string }
  /** Nothing about money: nothing to do. */
  | { kind: 'none' };

export function resolutionEffect(matter: Matter, payload: ResolutionPayload = {}): ResolutionEffect {
  const spends = payload.projectId !== undefined || payload.amountFen !== undefined || payload.fund !== undefined;
  const levies = payload.levyFenPerSquareMetreMonth !== undefined;
  if (!spends && !levies) return { kind: 'none' };
  if (levies) {
    if (matter !== 'maintenance_fund_raise') return { kind: 'refused', reason: `a levy is raised only by matter 6 (maintenance_fund_raise, at least 3/4); ${matter} cannot start one` };
    if (spends) return { kind: 'refused', reason: 'a resolution that raises the levy does not also authorise spending; spending needs its own resolution' };
    if (!payload.levyFenPerSquareMetreMonth || payload.levyFenPerSquareMetreMonth <= 0) return { kind: 'refused', reason: 'the levy rate must be a positive number of fen per m² per month' };
    return { kind: 'levy', rateFenPerM2Month: payload.levyFenPerSquareMetreMonth };
  }
  const fund: Fund | undefined = payload.fund ?? (matter === 'maintenance_fund_use' ? 'maintenance' : undefined);
  if (!fund) return { kind: 'refused', reason: `the resolution names no fund to spend from (${matter})` };
  const allowed = SPENDING_MATTERS[fund];
  if (!allowed.includes(matter)) {
    return { kind: 'refused', reason: `spending from the ${fund} fund needs a resolution of ${allowed.join(' or ')}; ${matter} does not authorise it` };
  }
  if (!payload.projectId) return { kind: 'refused', reason: 'the resolution names no project' };
  if (!payload.amountFen || payload.amountFen <= 0) return { kind: 'refused', reason: 'the resolution approves no positive amount' };
  return { kind: 'project', projectId: payload.projectId, fund, amountFen: payload.amountFen };
}
