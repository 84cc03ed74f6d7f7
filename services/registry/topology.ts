import * as z from '../../events/zod';
import { described } from '../../events/zod';
import { AreaRegistered, CompoundGovernanceChanged, CompoundRegistered, GridRoleAssigned, GridRoleRevoked, RollActivated, RollChunkPublished, RollImportCompleted, RollImportFailed, RollImportStarted, UnitHolderChanged, areaSource, gridRole, holding } from '../../events/catalogue';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';
import { GOVERNANCE_EVENTS } from './domain/governance';

const compoundParams = z.strictObject({ compoundId: id });
const importParams = z.strictObject({ compoundId: id, importId: id });
const rollLanguage = z.strictObject({ lang: described(z._default(z.enum(['en', 'zh']), 'en'), 'column names and values in English or Chinese') });
const areaName = z.string().check(z.minLength(1), z.maxLength(100));

export const compoundInput = z.strictObject({
  compoundId: id,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  address: z.string().check(z.minLength(1), z.maxLength(200)),
  communityId: described(id, 'a registered community; the street and district are the community’s'),
  governance: z._default(z.enum(['committee', 'temporary_committee', 'none']), 'none'),
  developerId: described(id, 'the developer, holder of unsold units'),
});

const compoundView = z.extend(compoundInput, {
  districtId: id,
  streetId: id,
  governanceSince: z.optional(z.string()),
  rollVersion: z.int().check(z.nonnegative()),
  unitCount: z.int().check(z.nonnegative()),
  totalArea: described(z.int().check(z.nonnegative()), 'm² in hundredths'),
  ownerCount: z.int().check(z.nonnegative()),
  createdAt: z.string(),
});

const unitView = z.object({
  unitId: id,
  buildingId: id,
  area: described(z.int(), 'm² in hundredths'),
  areaSource,
  holding,
  ownerId: id,
  ownerName: z.string(),
  registered: z.boolean(),
});

const districtView = z.object({ districtId: id, name: z.string() });
const streetView = z.object({ streetId: id, districtId: id, name: z.string() });
const communityView = z.object({ communityId: id, streetId: id, districtId: id, name: z.string() });

const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });

export const routes = {
  registerDistrict: {
    operationId: 'registerDistrict',
    method: 'POST',
    path: '/districts',
    summary: 'Register a district of the city (bureau)',
    allow: ['bureau'],
    body: z.strictObject({ districtId: id, name: areaName }),
    response: districtView,
    successStatus: 201,
  },
  listDistricts: {
    operationId: 'listDistricts',
    method: 'GET',
    path: '/districts',
    summary: 'Districts of the city (city-wide roles); a district office sees its own',
    allow: ['bureau', 'department', 'district'],
    query: pageQuery,
    response: page(districtView),
  },
  registerStreet: {
    operationId: 'registerStreet',
    method: 'POST',
    path: '/streets',
    summary: 'Register a street in a registered district (bureau, or that district’s office)',
    allow: ['bureau', 'district'],
    body: z.strictObject({ streetId: id, districtId: id, name: areaName }),
    response: streetView,
    successStatus: 201,
  },
  listStreets: {
    operationId: 'listStreets',
    method: 'GET',
    path: '/districts/{districtId}/streets',
    summary: 'Streets of a district (city-wide roles and the district office)',
    allow: ['bureau', 'department', 'district'],
    params: z.strictObject({ districtId: id }),
    query: pageQuery,
    response: page(streetView),
  },
  registerCommunity: {
    operationId: 'registerCommunity',
    method: 'POST',
    path: '/communities',
    summary: 'Register a community in a registered street (bureau, the street’s district office, the street office)',
    allow: ['bureau', 'district', 'street'],
    body: z.strictObject({ communityId: id, streetId: id, name: areaName }),
    response: communityView,
    successStatus: 201,
  },
  listCommunities: {
    operationId: 'listCommunities',
    method: 'GET',
    path: '/streets/{streetId}/communities',
    summary: 'Communities of a street (city-wide roles, its district office, street office and inspector)',
    allow: ['bureau', 'department', 'district', 'street', 'inspector'],
    params: z.strictObject({ streetId: id }),
    query: pageQuery,
    response: page(communityView),
  },
  createCompound: {
    operationId: 'createCompound',
    method: 'POST',
    path: '/compounds',
    summary: 'Register a compound in a registered community (bureau, or the district or street office it lies in)',
    allow: ['bureau', 'district', 'street'],
    body: compoundInput,
    response: compoundView,
    successStatus: 201,
  },
  listCompounds: {
    operationId: 'listCompounds',
    method: 'GET',
    path: '/compounds',
    summary: 'Compounds of the city, a district, a street or a community, within the caller’s area',
    allow: ['bureau', 'department', 'district', 'street', 'inspector', 'community'],
    query: z.extend(pageQuery, { districtId: z.optional(id), streetId: z.optional(id), communityId: z.optional(id) }),
    response: page(compoundView),
  },
  getCompound: {
    operationId: 'getCompound',
    method: 'GET',
    path: '/compounds/{compoundId}',
    summary: 'A compound and its roll totals (anyone with a role in it)',
    allow: ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'],
    params: compoundParams,
    response: compoundView,
  },
  importRoll: {
    operationId: 'importRoll',
    method: 'POST',
    path: '/compounds/{compoundId}/roll',
    summary: 'Replace the roll from CSV; all rows or none (street office, community, bureau)',
    allow: ['street', 'community', 'bureau'],
    params: compoundParams,
    bodyType: 'csv',
    maxBodyBytes: 5 * 1024 * 1024,
    successStatus: 201,
  },
  rollTemplate: {
    operationId: 'rollTemplate',
    method: 'GET',
    path: '/roll/template.csv',
    summary: 'An example roll to fill in (CSV, UTF-8 with BOM; lang=zh for Chinese headers and values)',
    allow: 'public',
    query: rollLanguage,
  },
  exportRoll: {
    operationId: 'exportRoll',
    method: 'GET',
    path: '/compounds/{compoundId}/roll.csv',
    summary: 'The current roll as CSV, which re-imports unchanged (committee and officials; lang=zh for Chinese)',
    allow: ['committee', 'community', 'street', 'district', 'bureau'],
    params: compoundParams,
    query: rollLanguage,
  },
  createImport: {
    operationId: 'createImport',
    method: 'POST',
    path: '/compounds/{compoundId}/roll/imports',
    summary: 'Begin an upload import (any size up to 20,000 units): returns where to PUT the CSV (UTF-8 or GB18030) and the import id',
    unaudited: 'it only reserves an upload slot; the import is recorded (RollImportStarted, then completed or failed) when it is started',
    allow: ['street', 'community', 'bureau'],
    params: compoundParams,
    successStatus: 201,
  },
  startImport: {
    operationId: 'startImport',
    method: 'POST',
    path: '/compounds/{compoundId}/roll/imports/{importId}/start',
    summary: 'Import the uploaded file as a job (all rows or none); follow it with GET …/roll/imports/{importId}',
    allow: ['street', 'community', 'bureau'],
    params: importParams,
    successStatus: 202,
  },
  getImport: {
    operationId: 'getImport',
    method: 'GET',
    path: '/compounds/{compoundId}/roll/imports/{importId}',
    summary: 'An import: its progress, then the activated roll version or the per-line report',
    allow: ['street', 'community', 'district', 'bureau'],
    params: importParams,
  },
  listImports: {
    operationId: 'listImports',
    method: 'GET',
    path: '/compounds/{compoundId}/roll/imports',
    summary: 'Roll imports of a compound, newest first',
    allow: ['street', 'community', 'district', 'bureau'],
    params: compoundParams,
    query: pageQuery,
  },
  listUnits: {
    operationId: 'listUnits',
    method: 'GET',
    path: '/compounds/{compoundId}/units',
    summary: 'Units of the current roll, by building (committee, property company, officials)',
    allow: ['committee', 'property', 'community', 'street', 'district', 'bureau'],
    params: compoundParams,
    query: z.extend(pageQuery, { buildingId: z.optional(id) }),
    response: page(unitView),
  },
  changeUnitHolder: {
    operationId: 'changeUnitHolder',
    method: 'PUT',
    path: '/compounds/{compoundId}/units/{unitId}/holder',
    summary: 'Record a sale, delivery or transfer of one unit (street office, community, bureau)',
    allow: ['street', 'community', 'bureau'],
    params: z.strictObject({ compoundId: id, unitId: id }),
    body: z.strictObject({ holding, ownerId: z.optional(id), ownerName: z.optional(z.string().check(z.minLength(1), z.maxLength(100))), registered: z.boolean() }),
    response: unitView,
  },
  getOwner: {
    operationId: 'getOwner',
    method: 'GET',
    path: '/compounds/{compoundId}/owners/{ownerId}',
    summary: "An owner's units: the owner themself, the committee and officials",
    allow: ['owner', 'committee', 'community', 'street', 'district', 'bureau'],
    params: z.strictObject({ compoundId: id, ownerId: id }),
    response: z.object({ ownerId: id, units: z.array(unitView), totalArea: z.int() }),
  },
  listBuildings: {
    operationId: 'listBuildings',
    method: 'GET',
    path: '/compounds/{compoundId}/buildings',
    summary: 'Buildings with their unit counts and grid roles',
    allow: ['owner', 'committee', 'property', 'community', 'street', 'district', 'bureau'],
    params: compoundParams,
  },
  assignGridRole: {
    operationId: 'assignGridRole',
    method: 'POST',
    path: '/compounds/{compoundId}/grid-roles',
    summary: 'Name a building head, assistant, volunteer, grid leader or linked official (community, street)',
    allow: ['community', 'street', 'bureau'],
    params: compoundParams,
    body: z.strictObject({
      role: gridRole,
      personId: id,
      name: z.string().check(z.minLength(1), z.maxLength(100)),
      phone: z.optional(z.string().check(z.regex(/^[0-9+ -]{5,20}$/))),
      buildingId: z.optional(id),
    }),
    successStatus: 201,
  },
  revokeGridRole: {
    operationId: 'revokeGridRole',
    method: 'DELETE',
    path: '/compounds/{compoundId}/grid-roles/{role}/{personId}',
    summary: 'End a grid role (community, street); buildingId names the building for building roles. Revoking twice is harmless',
    allow: ['community', 'street', 'bureau'],
    params: z.strictObject({ compoundId: id, role: gridRole, personId: id }),
    query: z.strictObject({ buildingId: z.optional(id) }),
  },
  listGridRoles: {
    operationId: 'listGridRoles',
    method: 'GET',
    path: '/compounds/{compoundId}/grid-roles',
    summary: "The compound's grid: who answers for which building",
    allow: ['owner', 'committee', 'property', 'community', 'street', 'district', 'bureau'],
    params: compoundParams,
    query: pageQuery,
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'registry',
  source: 'gongzhi.registry',
  ownsTable: true,
  api: { entry: 'services/registry/api.ts', routes: Object.values(routes), sendsTo: ['roll-imports'], table: { level: 'read-write', indexes: ['gsi1'] } },
  files: true,
  consumers: [
    {
      name: 'roll-activation',
      entry: 'services/registry/consume-rolls.ts',
      description: 'Publishes the chunks of a roll version once it is active (RollActivated), never before; records the import completed (RollImportCompleted)',
      pattern: { source: [RollActivated.source], 'detail-type': [RollActivated.detailType, RollImportCompleted.detailType] },
      table: { level: 'read-write' },
    },
    {
      name: 'governance',
      entry: 'services/registry/consume-governance.ts',
      description: 'Keeps each compound’s governance (committee, temporary committee, none) from the elections service’s events',
      pattern: {
        source: [...new Set(Object.values(GOVERNANCE_EVENTS).map((e) => e.source))],
        'detail-type': Object.keys(GOVERNANCE_EVENTS),
      },
      table: { level: 'read-write' },
    },
  ],
  schedules: [
    {
      name: 'import-watch',
      entry: 'services/registry/import-watch.ts',
      description: 'Finds roll imports that stopped moving and puts each back on the import queue (resumed, or failed if it cannot go on)',
      expression: 'rate(10 minutes)',
      sendsTo: ['roll-imports'],
      table: { level: 'read', indexes: ['due'] },
    },
  ],
  queues: [
    {
      name: 'roll-imports',
      entry: 'services/registry/import-worker.ts',
      description: 'Imports an uploaded roll in bounded steps within each invocation’s time, re-queueing itself to go on; activates it at the end',
      timeoutSeconds: 300,
      memoryMb: 1024,
      batchSize: 1,
      maxConcurrency: 5,
      sendsTo: ['roll-imports'],
      table: { level: 'read-write' },
    },
  ],
  publishes: [AreaRegistered, CompoundRegistered, CompoundGovernanceChanged, RollImportStarted, RollImportCompleted, RollImportFailed, RollChunkPublished, RollActivated, UnitHolderChanged, GridRoleAssigned, GridRoleRevoked].map((e) => e.detailType),
};
