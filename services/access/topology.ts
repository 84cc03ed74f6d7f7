import * as z from '../../events/zod';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';

/**
 * The access service: who holds which grants. The bureau assigns and revokes any grant; a street
 * office those of the compounds and communities in its street (services/access/domain/authority.ts).
 * Every change is an event (GrantAssigned, GrantRevoked) and is copied to the user directory that
 * sign-in reads (docs/auth.md).
 */
const managers = ['bureau', 'street'] as const;

const userParams = z.strictObject({ userId: id });
const grantParams = z.strictObject({ userId: id, grant: z.string().check(z.minLength(1), z.maxLength(200)) });

const grantRecord = z.object({
  userId: id,
  grant: z.string(),
  area: z.string(),
  status: z.enum(['active', 'revoked']),
  assignedAt: z.string(),
  assignedBy: z.string(),
  revokedAt: z.optional(z.string()),
  revokedBy: z.optional(z.string()),
});

export const routes = {
  userGrants: {
    operationId: 'userGrants',
    method: 'GET',
    path: '/users/{userId}/grants',
    summary: "A user's active grants (the bureau sees all; a street office those in its street)",
    allow: [...managers],
    params: userParams,
    response: z.object({ userId: id, items: z.array(grantRecord) }),
  },
  assignGrant: {
    operationId: 'assignGrant',
    method: 'PUT',
    path: '/users/{userId}/grants/{grant}',
    summary: 'Assign a grant (`committee:C1`, `owner:C1:O7`, …): 201 when new, 200 when held already; the user’s next token carries it',
    allow: [...managers],
    params: grantParams,
    response: grantRecord,
    successStatus: 201,
  },
  revokeGrant: {
    operationId: 'revokeGrant',
    method: 'DELETE',
    path: '/users/{userId}/grants/{grant}',
    summary: 'Revoke a grant: 204 (also when revoked already), 404 when never held; the user’s next token lacks it',
    allow: [...managers],
    params: grantParams,
    successStatus: 204,
  },
  listUsers: {
    operationId: 'listUsers',
    method: 'GET',
    path: '/users',
    summary: 'Who holds grants in an area: a street (optionally one compound or community of it), a district, or the city (bureau); a street office sees its street',
    allow: [...managers],
    query: z.extend(pageQuery, { streetId: z.optional(id), districtId: z.optional(id), compoundId: z.optional(id), communityId: z.optional(id) }),
    response: z.object({ area: z.string(), items: z.array(grantRecord), nextCursor: z.optional(z.string()) }),
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'access',
  source: 'gongzhi.access',
  ownsTable: true,
  api: {
    entry: 'services/access/api.ts',
    routes: Object.values(routes),
    table: { level: 'read-write', indexes: ['gsi1'] },
    updatesUserGrants: true,
  },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/access/registry-read-model.ts',
      description: 'Learns where compounds and communities lie, to scope a street office’s grants to its street',
      pattern: { source: ['gongzhi.registry'], 'detail-type': ['CompoundRegistered'] },
      table: { level: 'read-write' },
    },
  ],
  schedules: [],
  triggers: [
    {
      name: 'pre-token',
      entry: 'services/access/pre-token.ts',
      description: 'Copies the user’s grants into the access token (Cognito pre-token-generation, V2_0 event)',
      trigger: 'pre-token-generation',
    },
  ],
  publishes: ['GrantAssigned', 'GrantRevoked'],
};
