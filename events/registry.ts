import * as z from './zod';
import { defineEvent } from './envelope';
import { id, compoundLocation, isoTime, unitRecord } from './common';

/** Events published by the registry service. */

export const areaKind = z.enum(['district', 'street', 'community']);

/**
 * A part of the city became known to the registry: a district (by the bureau), a street in a district,
 * a community in a street. Compounds are placed in a community; their street and district follow.
 */
export const AreaRegistered = defineEvent(
  'gongzhi.registry',
  'AreaRegistered',
  1,
  z.strictObject({
    kind: areaKind,
    areaId: id,
    name: z.string().check(z.minLength(1)),
    districtId: id,
    /** The street a community lies in; absent for districts and streets. */
    streetId: z.optional(id),
  }),
);
/** Who governs a compound: an elected owners' committee, a temporary management committee, or nobody yet. */
export const governance = z.enum(['committee', 'temporary_committee', 'none']);

export const CompoundRegistered = defineEvent(
  'gongzhi.registry',
  'CompoundRegistered',
  1,
  z.strictObject({
    compoundId: id,
    name: z.string().check(z.minLength(1)),
    location: compoundLocation,
    governance,
    developerId: id,
  }),
);

/**
 * A compound's governance changed (or a new term of the same kind began), caused by another service's
 * event (`cause`): a committee elected, a temporary committee formed, a committee dissolved. `since`
 * orders them: a change never replaces one with a later `since`.
 */
export const CompoundGovernanceChanged = defineEvent(
  'gongzhi.registry',
  'CompoundGovernanceChanged',
  1,
  z.strictObject({
    compoundId: id,
    governance,
    previousGovernance: governance,
    since: isoTime,
    cause: z.strictObject({ source: z.string().check(z.minLength(1)), detailType: z.string().check(z.minLength(1)), eventId: z.string().check(z.minLength(1)) }),
  }),
);

/** One slice of an activated roll (a roll of thousands of units does not fit one event). */
export const RollChunkPublished = defineEvent(
  'gongzhi.registry',
  'RollChunkPublished',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    chunkIndex: z.int().check(z.nonnegative()),
    chunkCount: z.int().check(z.positive()),
    units: z.array(unitRecord).check(z.maxLength(500)),
  }),
);

/** A roll became the compound's current one; consumers switch once they hold all its chunks. */
export const RollActivated = defineEvent(
  'gongzhi.registry',
  'RollActivated',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    chunkCount: z.int().check(z.positive()),
    unitCount: z.int().check(z.positive()),
    totalArea: z.int().check(z.positive()),
  }),
);

export const UnitHolderChanged = defineEvent(
  'gongzhi.registry',
  'UnitHolderChanged',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    previousOwnerId: id,
    unit: unitRecord,
  }),
);

export const gridRole = z.enum(['building_head', 'building_assistant', 'volunteer', 'linked_official', 'grid_leader']);

export const GridRoleAssigned = defineEvent(
  'gongzhi.registry',
  'GridRoleAssigned',
  1,
  z.strictObject({
    compoundId: id,
    role: gridRole,
    personId: id,
    name: z.string().check(z.minLength(1)),
    buildingId: z.optional(id),
  }),
);

/** A grid role ended: the person no longer answers for the building or the compound. */
export const GridRoleRevoked = defineEvent(
  'gongzhi.registry',
  'GridRoleRevoked',
  1,
  z.strictObject({
    compoundId: id,
    role: gridRole,
    personId: id,
    buildingId: z.optional(id),
  }),
);

/**
 * A roll import began: from a request body (`request`, small rolls) or from an uploaded file
 * (`upload`, run as a job). Followed by exactly one RollImportCompleted or RollImportFailed.
 */
export const RollImportStarted = defineEvent(
  'gongzhi.registry',
  'RollImportStarted',
  1,
  z.strictObject({
    compoundId: id,
    importId: id,
    mode: z.enum(['request', 'upload']),
    /** Rows of a request import; an upload's are counted by the job. */
    rows: z.optional(z.int().check(z.positive())),
    /** Size of an uploaded file. */
    bytes: z.optional(z.int().check(z.positive())),
  }),
);

/** The import's roll became the compound's current one (published with RollActivated, in the same write). */
export const RollImportCompleted = defineEvent(
  'gongzhi.registry',
  'RollImportCompleted',
  1,
  z.strictObject({
    compoundId: id,
    importId: id,
    rollVersion: z.int().check(z.positive()),
    unitCount: z.int().check(z.positive()),
    totalArea: z.int().check(z.positive()),
    ownerCount: z.int().check(z.positive()),
    encoding: z.enum(['utf-8', 'gb18030']),
  }),
);

/** The import ended without changing the roll: nothing of it is visible, and none of its units were published. */
export const RollImportFailed = defineEvent(
  'gongzhi.registry',
  'RollImportFailed',
  1,
  z.strictObject({
    compoundId: id,
    importId: id,
    reason: z.enum(['invalid_rows', 'unreadable', 'missing_file', 'superseded', 'abandoned', 'stuck']),
    /** Bad rows found (invalid_rows, unreadable); the report is on the import (GET …/roll/imports/{id}). */
    errorCount: z.int().check(z.nonnegative()),
    detail: z.string().check(z.minLength(1), z.maxLength(500)),
  }),
);
