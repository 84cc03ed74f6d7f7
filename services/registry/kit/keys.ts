import type { AreaScope, CompoundLocation } from '../../../libs/auth';

/**
 * How compounds are listed by area, in the registry's table and in every copy of it: the `COMPOUNDS`
 * partition of gsi1, sorted by `district#street#community#compound`, so a district or a district's
 * street is a key prefix. A street given without its district is not a prefix: callers filter it.
 */
export const COMPOUNDS_PARTITION = 'COMPOUNDS';

export const compoundSortKey = (c: CompoundLocation): string => `${c.districtId}#${c.streetId}#${c.communityId}#${c.compoundId}`;

export const areaPrefix = (scope: AreaScope): string => (scope.districtId ? `${scope.districtId}#${scope.streetId ? `${scope.streetId}#` : ''}` : '');

export const inScope = (c: CompoundLocation, scope: AreaScope): boolean =>
  (!scope.districtId || c.districtId === scope.districtId) && (!scope.streetId || c.streetId === scope.streetId);
