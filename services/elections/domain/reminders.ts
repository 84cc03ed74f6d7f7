/** Owner ids per event part: 2,000 ids of at most 64 characters stay far below EventBridge's 256 KB. */
export const REMINDER_PART_SIZE = 2000;

export interface BuildingReminder {
  buildingId: string;
  /** The owners of the building who have not voted, in parts of at most `partSize`, each sorted. */
  parts: string[][];
}

/**
 * Who has not voted, by building, for the building heads' reminders. An owner of units in several
 * buildings is listed under each (either head may knock); buildings where everyone voted are left out.
 */
export function notVotedByBuilding(voters: Iterable<{ voterId: string; buildingIds?: readonly string[] }>, voted: ReadonlySet<string>, partSize = REMINDER_PART_SIZE): BuildingReminder[] {
  const byBuilding = new Map<string, string[]>();
  for (const v of voters) {
    if (voted.has(v.voterId)) continue;
    for (const b of v.buildingIds ?? []) byBuilding.set(b, [...(byBuilding.get(b) ?? []), v.voterId]);
  }
  return [...byBuilding.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([buildingId, ids]) => {
      const sorted = [...ids].sort();
      const parts: string[][] = [];
      for (let i = 0; i < sorted.length; i += partSize) parts.push(sorted.slice(i, i + partSize));
      return { buildingId, parts };
    });
}
