import type * as z from '../../../events/zod';
import type { matter as matterSchema } from '../../../events/catalogue';

export type Matter = z.infer<typeof matterSchema>;

/**
 * Civil Code art. 278, in exact integer arithmetic (areas are integer hundredths of a m², so
 * "2/3 of the area" is compared as 3·part ≥ 2·total: no fraction, no float, no rounding).
 *
 * - Quorum, every matter: at least 2/3 of total area AND at least 2/3 of total headcount take part.
 * - Matters 6-8 (raising the maintenance fund, rebuilding, changing the use of common parts):
 *   at least 3/4 of participating area AND headcount vote for.
 * - Every other matter: more than half of participating area AND headcount vote for.
 * "At least" (以上) includes the boundary; "more than half" (过半数) excludes it.
 */
export const SUPERMAJORITY_MATTERS: ReadonlySet<Matter> = new Set(['maintenance_fund_raise', 'rebuilding', 'common_parts_use']);

export interface Figures {
  totalArea: number;
  totalHeadcount: number;
  participatingArea: number;
  participatingHeadcount: number;
  forArea: number;
  forHeadcount: number;
}

/**
 * `too_few_elected` is an election's: some candidates won a majority, but fewer than the committee
 * rules need (docs/elections.md).
 */
export type FailureReason = 'no_quorum' | 'not_enough_votes' | 'too_few_elected';
export type Outcome = { passed: true } | { passed: false; reason: FailureReason };

/** part / whole ≥ num / den, exactly (BigInt, so no bound on the size of a province). */
export const atLeast = (part: number, whole: number, num: number, den: number): boolean => BigInt(part) * BigInt(den) >= BigInt(whole) * BigInt(num);

/** part / whole > 1/2, exactly. */
export const moreThanHalf = (part: number, whole: number): boolean => BigInt(part) * 2n > BigInt(whole);

export function hasQuorum(f: Figures): boolean {
  if (f.totalArea <= 0 || f.totalHeadcount <= 0) return false;
  return atLeast(f.participatingArea, f.totalArea, 2, 3) && atLeast(f.participatingHeadcount, f.totalHeadcount, 2, 3);
}

export function passes(matter: Matter, f: Pick<Figures, 'participatingArea' | 'participatingHeadcount' | 'forArea' | 'forHeadcount'>): boolean {
  if (f.participatingHeadcount <= 0 || f.participatingArea <= 0) return false;
  if (SUPERMAJORITY_MATTERS.has(matter)) {
    return atLeast(f.forArea, f.participatingArea, 3, 4) && atLeast(f.forHeadcount, f.participatingHeadcount, 3, 4);
  }
  return moreThanHalf(f.forArea, f.participatingArea) && moreThanHalf(f.forHeadcount, f.participatingHeadcount);
}

export function decide(matter: Matter, figures: Figures): Outcome {
  if (!hasQuorum(figures)) return { passed: false, reason: 'no_quorum' };
  return passes(matter, figures) ? { passed: true } : { passed: false, reason: 'not_enough_votes' };
}

export function validateFigures(f: Figures): void {
  const ok =
    Object.values(f).every((n) => Number.isSafeInteger(n) && n >= 0) &&
    f.participatingArea <= f.totalArea &&
    f.participatingHeadcount <= f.totalHeadcount &&
    f.forArea <= f.participatingArea &&
    f.forHeadcount <= f.participatingHeadcount;
  if (!ok) throw new Error(`inconsistent figures ${JSON.stringify(f)}`);
}
