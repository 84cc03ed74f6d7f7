import type { Principal } from '../../libs/auth';
import { forbidden, ruleBroken } from '../../libs/errors';
import type { EnforcementCategory } from './domain/categories';
import { withinRemit } from './domain/departments';
import { getDepartment, type StoredDepartment } from './store/departments';

/**
 * Which department acts, and whether it may: a `department:X` grant reaches every compound, but X
 * acts only within its remit, read from the store on every action (the bureau may have changed
 * it). The caller names the department only when holding several grants.
 */
export async function actingDepartment(principal: Principal, requested: string | undefined, categories: readonly EnforcementCategory[]): Promise<StoredDepartment> {
  const held = principal.grants.filter((g) => g.role === 'department').map((g) => g.scope);
  if (requested && !held.includes(requested)) throw forbidden(`you do not act for department ${requested}`);
  const candidates = requested ? [requested] : held;
  if (candidates.length === 0) throw forbidden('this needs a department grant');
  const known = (await Promise.all(candidates.map(getDepartment))).filter((d): d is StoredDepartment => d !== undefined);
  if (known.length === 0) throw forbidden(`${candidates.join(', ')} is not a department of the alliance`);
  const covering = known.filter((d) => categories.every((c) => withinRemit(d, c)));
  if (covering.length === 0) {
    throw forbidden(`${categories.join(', ')} is outside the remit of ${known.map((d) => d.departmentId).join(', ')}`);
  }
  if (covering.length > 1) {
    throw ruleBroken('you hold several departments that could act; say which', [{ field: 'body.department', reason: `one of ${covering.map((d) => d.departmentId).join(', ')}` }]);
  }
  return covering[0]!;
}
