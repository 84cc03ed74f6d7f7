import type { UnitRecord } from '../../../events/catalogue';

/** A unit of the roll as this service holds it; the owner's name when the registry publishes it. */
export type RollUnit = UnitRecord & { ownerName?: string };

/** Names compare after Unicode normalisation (full-width forms), trimming, one space between words and case. */
export const normalizeName = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export type OwnerCheck = { ok: true; unitId: string; nameOnRoll?: string; nameChecked: boolean } | { ok: false; detail: string; field: string; reason: string };

/**
 * An owners' nominee stands under the roll's identity: the person must hold a unit of the compound
 * (holding `owned`; the developer's unsold units make nobody a candidate), the unit named (if any)
 * must be theirs, and the name must be the roll's name for them. When the roll this service holds
 * carries no names (a registry that does not publish them), the name cannot be checked: the result
 * says so (`nameChecked: false`) and the nomination carries a warning.
 */
export function checkOwnerNominee(units: readonly RollUnit[], personId: string, name: string, unitId?: string): OwnerCheck {
  const owned = units.filter((u) => u.holding === 'owned' && u.ownerId === personId);
  if (owned.length === 0) return { ok: false, detail: `${personId} owns no unit in this compound (by the roll)`, field: 'body.personId', reason: 'not an owner on the roll' };
  const unit = unitId === undefined ? owned[0]! : owned.find((u) => u.unitId === unitId);
  if (!unit) return { ok: false, detail: `unit ${unitId} is not held by ${personId} on the roll`, field: 'body.unitId', reason: 'not this owner’s unit' };
  const named = owned.filter((u) => u.ownerName !== undefined);
  if (named.length === 0) return { ok: true, unitId: unit.unitId, nameChecked: false };
  const match = named.find((u) => normalizeName(u.ownerName!) === normalizeName(name));
  if (!match) return { ok: false, detail: `the roll names ${personId} differently; a candidate stands under the roll’s name`, field: 'body.name', reason: 'not the name on the roll' };
  return { ok: true, unitId: unit.unitId, nameOnRoll: match.ownerName, nameChecked: true };
}

/**
 * Whether a pool member owns a unit of the compound: the unit they name must be held (`owned`) by
 * someone of their name on the roll. Without names on the roll this cannot be shown.
 */
export function poolMemberOwns(units: readonly RollUnit[], name: string, unitId: string | undefined): { owns: boolean; rollOwnerId?: string; reason?: string } {
  if (unitId === undefined) return { owns: false, reason: 'no unit given' };
  const unit = units.find((u) => u.unitId === unitId && u.holding === 'owned');
  if (!unit) return { owns: false, reason: `unit ${unitId} is not an owned unit of the roll` };
  if (unit.ownerName === undefined) return { owns: false, reason: 'the roll carries no names, so ownership cannot be shown' };
  if (normalizeName(unit.ownerName) !== normalizeName(name)) return { owns: false, reason: `unit ${unitId} is held by someone else on the roll` };
  return { owns: true, rollOwnerId: unit.ownerId };
}
