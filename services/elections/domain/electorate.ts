import type { UnitRecord } from '../../../events/catalogue';

/**
 * Who counts, and how much (SPC interpretation on building division ownership, arts. 8-9):
 * - area is each unit's exclusive area (register, else survey, else contract: the roll keeps which);
 * - one exclusive unit is one person, except that every unit the developer has not sold, or sold but
 *   not delivered, counts together as one person (the developer), and all units held by one buyer
 *   count as one person; the area of those units still counts in full;
 * - a buyer in lawful possession who is not yet registered counts as an owner.
 */
export interface Voter {
  voterId: string;
  /** Hundredths of a m². */
  area: number;
  headcount: 1;
  unitIds: string[];
  /** The buildings of those units (the building head's door-to-door list; an owner of units in two buildings is on both). */
  buildingIds: string[];
  /** The owner's name on the roll, where the registry publishes it. */
  name?: string;
}

export interface Electorate {
  voters: Voter[];
  totalArea: number;
  totalHeadcount: number;
}

export function freezeElectorate(units: readonly UnitRecord[], developerId: string): Electorate {
  const byVoter = new Map<string, Voter>();
  for (const unit of units) {
    const voterId = unit.holding === 'owned' ? unit.ownerId : developerId;
    const voter: Voter = byVoter.get(voterId) ?? { voterId, area: 0, headcount: 1 as const, unitIds: [], buildingIds: [] };
    voter.area += unit.area;
    voter.unitIds.push(unit.unitId);
    if (!voter.buildingIds.includes(unit.buildingId)) voter.buildingIds.push(unit.buildingId);
    if (unit.holding === 'owned' && unit.ownerName !== undefined && voter.name === undefined) voter.name = unit.ownerName;
    byVoter.set(voterId, voter);
  }
  const voters = [...byVoter.values()].sort((a, b) => (a.voterId < b.voterId ? -1 : a.voterId > b.voterId ? 1 : 0));
  return { voters, totalArea: voters.reduce((sum, v) => sum + v.area, 0), totalHeadcount: voters.length };
}
