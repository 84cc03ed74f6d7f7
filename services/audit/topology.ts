import * as z from '../../events/zod';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';

/** Officials and the committee read a compound's audit trail; the discipline inspector reads everything in its street. */
const readers: Role[] = ['committee', 'community', 'street', 'district', 'inspector', 'bureau'];

export const routes = {
  compoundAudit: {
    operationId: 'compoundAudit',
    method: 'GET',
    path: '/compounds/{compoundId}/audit',
    summary: 'Everything that happened in a compound, newest first: every event of every service (or of one: `service`), with who did it',
    allow: readers,
    params: z.strictObject({ compoundId: id }),
    query: z.extend(pageQuery, {
      service: z.optional(id),
      from: z.optional(z.iso.datetime()),
      to: z.optional(z.iso.datetime()),
    }),
  },
  correlation: {
    operationId: 'correlation',
    method: 'GET',
    path: '/compounds/{compoundId}/audit/correlations/{correlationId}',
    summary: 'One chain of cause and effect (e.g. a vote, its resolution, the project and its payments)',
    allow: readers,
    params: z.strictObject({ compoundId: id, correlationId: z.string().check(z.minLength(1), z.maxLength(128)) }),
    query: pageQuery,
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'audit',
  source: 'gongzhi.audit',
  ownsTable: true,
  // The trail is append-only by IAM: the API only reads (the trail, the correlation and service indexes, compound locations).
  api: { entry: 'services/audit/api.ts', routes: Object.values(routes), table: { level: 'read', indexes: ['gsi1', 'gsi2'] } },
  consumers: [
    {
      name: 'recorder',
      entry: 'services/audit/recorder.ts',
      description: 'Keeps every gongzhi event as the audit trail (who, what, when, why linked)',
      pattern: { source: [{ prefix: 'gongzhi.' }] },
      // Puts each record once (conditionally), never updates or deletes one; it may update only the
      // compound locations it keeps beside the trail (COMPOUND#…, the registry read model).
      table: { level: 'append-only', updates: ['COMPOUND#'] },
    },
  ],
  schedules: [],
  publishes: [],
};
