import { CandidateDisqualified, DisqualificationLifted } from '../../../events/catalogue';
import type { CompoundLocation, Principal, Role } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { disqualifications, liftDisqualification, pageDisqualifications, recordDisqualification, type Disqualification } from '../store/negative-list';
import { locateCompound } from '../store/registry';
import { routes } from '../topology';

const VETTERS: Role[] = ['street', 'community', 'bureau'];

/** Manual records come from the compound's own street or community (or the bureau), by where the compound is on record. */
async function requireRemit(principal: Principal, compoundId: string, field = 'body.compoundId'): Promise<CompoundLocation> {
  const location = await locateCompound(compoundId);
  if (!location) throw ruleBroken(`compound ${compoundId} is not known`, [{ field, reason: 'unknown compound' }]);
  if (!principal.can(VETTERS, location)) throw forbidden(`compound ${compoundId} is outside your remit`);
  return location;
}

/** Where a record's compound is: stored with the record, or located (older records). */
async function locationOf(record: Disqualification): Promise<CompoundLocation | undefined> {
  if (record.districtId && record.streetId && record.communityId) return { compoundId: record.compoundId, districtId: record.districtId, streetId: record.streetId, communityId: record.communityId };
  return locateCompound(record.compoundId);
}

const addDisqualification = implement(routes.addDisqualification, async ({ params, body, principal }) => {
  const location = await requireRemit(principal, body.compoundId);
  const now = clock.nowIso();
  const record: Disqualification = {
    personId: params.personId,
    ...body,
    districtId: location.districtId,
    streetId: location.streetId,
    communityId: location.communityId,
    origin: 'manual',
    active: true,
    recordedAt: now,
    recordedBy: principal.subject,
  };
  const event = CandidateDisqualified.create(
    { compoundId: body.compoundId, personId: params.personId, reason: body.reason, sourceRef: body.sourceRef },
    { compoundId: body.compoundId, actor: principal.subject, occurredAt: now, id: `disqualified-${params.personId}-${body.sourceRef}` },
  );
  if (!(await recordDisqualification(record, [event]))) throw conflict(`a record with source ${body.sourceRef} already exists`);
  return { status: 201, body: record };
});

const liftRoute = implement(routes.liftDisqualification, async ({ params, body, principal }) => {
  const record = (await disqualifications(params.personId)).find((d) => d.sourceRef === body.sourceRef);
  if (!record) throw notFound(`no record ${body.sourceRef} for ${params.personId}`);
  await requireRemit(principal, record.compoundId);
  // Event-sourced records lift with their source (arrears cleared, violation rectified).
  if (record.origin === 'event') throw conflict(`this record lifts when its source is resolved (${record.sourceRef})`);
  const now = clock.nowIso();
  const event = DisqualificationLifted.create(
    { compoundId: record.compoundId, personId: params.personId, reason: record.reason, sourceRef: record.sourceRef, note: body.note },
    { compoundId: record.compoundId, actor: principal.subject, occurredAt: now, id: `lifted-${params.personId}-${record.sourceRef}` },
  );
  if (!(await liftDisqualification(params.personId, body.sourceRef, { at: now, by: principal.subject, note: body.note }, [event]))) throw conflict('already lifted');
  return { body: { ...record, active: false, liftedAt: now, liftedBy: principal.subject, liftNote: body.note } };
});

/** A person's records, only those from compounds in the caller's area (a district sees its district, a street its street…). */
const listRoute = implement(routes.listDisqualifications, async ({ params, query, principal }) => {
  const page = await pageDisqualifications(params.personId, query.limit, query.cursor);
  const visible: Disqualification[] = [];
  for (const record of page.items) {
    const location = await locationOf(record);
    if (location && principal.can(['community', 'street', 'district', 'bureau'], location)) visible.push(record);
  }
  return { body: { items: visible, nextCursor: page.nextCursor } };
});

export const negativeListRoutes = [addDisqualification, liftRoute, listRoute];
