import type { AreaScope, CompoundLocation } from '../../../libs/auth';

/**
 * How compounds are listed by area, in the registry's table and in every copy of it: the `COMPOUNDS`
 * partition of gsi1, sorted by `district#street#community#compound`, so a district, a district's
 * street and a street's community are key prefixes. A street given without its district is not a
 * prefix: the registry looks its district up in its own areas; a copy keeps a street → district
 * entry from the compounds it has seen (kit/read-model.ts).
 */
export const COMPOUNDS_PARTITION = 'COMPOUNDS';

export const compoundSortKey = (c: CompoundLocation): string => `${c.districtId}#${c.streetId}#${c.communityId}#${c.compoundId}`;

export const areaPrefix = (scope: AreaScope): string => (scope.districtId ? `${scope.districtId}#${scope.streetId ? `${scope.streetId}#` : ''}` : '');

/** The key prefix of a district, a street of it, or a community of that street. */
export const locationPrefix = (area: { districtId: string; streetId?: string; communityId?: string }): string =>
  `${area.districtId}#${area.streetId === undefined ? '' : `${area.streetId}#${area.communityId === undefined ? '' : `${area.communityId}#`}`}`;

export const inScope = (c: CompoundLocation, scope: AreaScope): boolean => (!scope.districtId || c.districtId === scope.districtId) && (!scope.streetId || c.streetId === scope.streetId);
