import { tableName } from '../../../libs/config';
import type { Key } from '../../../libs/db';

/**
 * Registry table layout (pk / sk). Ids never contain `#` (libs/ids.ts), so `#` separates key parts.
 *   AREA#district#D1 / META                        a district    (gsi1: AREAS#CITY / D1)
 *   AREA#street#S1 / META                          a street      (gsi1: AREAS#DISTRICT#D1 / S1)
 *   AREA#community#K1 / META                       a community   (gsi1: AREAS#STREET#S1 / K1)
 *   COMPOUND#c / META                              the compound, its location (from its community), governance and current
 *                                                  roll totals (gsi1: COMPOUNDS / district#street#community#c)
 *   COMPOUND#c / ROLL#000002#UNIT#B01#B01-0101     a unit of roll version 2, under its building (gsi1: OWNER#c#000002#ownerId / unitId)
 *   COMPOUND#c / ROLL#000002#CHUNK#0003            a slice of roll 2 as its event (outside any outbox), published once roll 2 is active
 *   COMPOUND#c / GRID#building_head#P1#B01         a grid role (revoked ones stay, marked)
 * A roll import writes a whole new version and then switches `rollVersion` on META with one
 * conditional write: readers never see half a roll, and a failed import leaves nothing visible.
 */
export const table = () => tableName('registry');

export const version = (v: number) => String(v).padStart(6, '0');

export const compoundPk = (compoundId: string) => `COMPOUND#${compoundId}`;
export const compoundKey = (compoundId: string): Key => ({ pk: compoundPk(compoundId), sk: 'META' });

/**
 * Units sort under their building, separated by `#`: a building's units are exactly the keys that
 * begin with `UNIT#<building>#` (building B1 does not pick up B1-A's units). The unit id keeps its
 * published form `<building>-<unit>`.
 */
export const unitsPrefix = (v: number, buildingId?: string) => `ROLL#${version(v)}#UNIT#${buildingId === undefined ? '' : `${buildingId}#`}`;
export const unitSk = (v: number, unit: { buildingId: string; unitId: string }) => `${unitsPrefix(v, unit.buildingId)}${unit.unitId}`;
export const chunkSk = (v: number, i: number) => `ROLL#${version(v)}#CHUNK#${String(i).padStart(4, '0')}`;
export const ownerGsi = (compoundId: string, v: number, ownerId: string) => `OWNER#${compoundId}#${version(v)}#${ownerId}`;
