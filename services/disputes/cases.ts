import { randomBytes } from 'node:crypto';
import type { BusEvent } from '../../events/envelope';
import type { CompoundLocation } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { busy, notFound } from '../../libs/errors';
import { localDate } from './domain/calendar';
import type { Change, Complaint, EventSpec, StepContext } from './domain/complaint';
import { receive, type NewComplaint } from './domain/lifecycle';
import { calendarAround } from './store/calendar';
import { claimToken, getComplaint, insertComplaint, saveComplaint } from './store/complaints';
import { registry } from './store/table';

/** The disputes service's operations on a case, shared by its routes, Open311 and the case clock. */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
const randomCode = (length: number) => Array.from(randomBytes(length), (b) => ALPHABET[b % 32]).join('');

/** Q + the local date + 6 random characters: readable on the phone, sortable by day, unguessable enough to need no sequence. */
export const newComplaintId = (now: string) => `Q${localDate(now).replaceAll('-', '')}-${randomCode(6)}`;
const newTrackingToken = () => randomCode(12).toLowerCase();

export const correlationOf = (complaintId: string) => `complaint-${complaintId}`;

/** The bus events of a change: deterministic ids (a republished event is recognisably the same), one correlation per case. */
export function busEvents(c: Pick<Complaint, 'complaintId' | 'compoundId'>, version: number, specs: readonly EventSpec[], actor: string, now: string): BusEvent[] {
  return specs.map((s, i) =>
    s.event.create(s.data as never, { compoundId: c.compoundId, actor, occurredAt: now, id: `${c.complaintId}-v${version}-${i}`, correlationId: correlationOf(c.complaintId) }),
  );
}

export async function locate(compoundId: string): Promise<(CompoundLocation & { name: string }) | undefined> {
  const compound = await registry.getCompound(compoundId);
  return compound && { compoundId: compound.compoundId, communityId: compound.communityId, streetId: compound.streetId, districtId: compound.districtId, name: compound.name };
}

export async function stepContext(location: CompoundLocation, actor: string): Promise<StepContext> {
  const now = clock.nowIso();
  return { actor, now, calendar: await calendarAround(now), location };
}

/** File a complaint: claim a tracking token, then one conditional put of the case with its events (a clash of ids is retried with new ones). */
export async function file(input: Omit<NewComplaint, 'complaintId' | 'trackingToken'>, location: CompoundLocation, actor: string): Promise<Complaint> {
  const ctx = await stepContext(location, actor);
  for (let attempt = 0; attempt < 5; attempt++) {
    const complaintId = newComplaintId(ctx.now);
    const trackingToken = newTrackingToken();
    if (!(await claimToken(trackingToken, complaintId))) continue;
    const { complaint, events } = receive({ ...input, complaintId, trackingToken }, ctx);
    if (await insertComplaint(complaint, busEvents(complaint, 0, events, actor, ctx.now))) return complaint;
  }
  throw busy('could not allocate a complaint id; retry');
}

/**
 * Change a case: read it, check who may (guard), take the step, write it back conditional on the
 * version read. A concurrent change makes the write fail and the whole thing runs again on the new
 * state (the guard and the step may now refuse). Returns the case as written, or as it was when the
 * step had nothing to do.
 */
export async function mutate(
  complaintId: string,
  actor: string,
  guard: (c: Complaint, location: CompoundLocation) => void,
  apply: (c: Complaint, ctx: StepContext) => Change | undefined,
): Promise<Complaint> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const c = await getComplaint(complaintId);
    if (!c) throw notFound(`complaint ${complaintId} does not exist`);
    const location = await locate(c.compoundId);
    if (!location) throw notFound(`compound ${c.compoundId} is not known here`);
    guard(c, location);
    const ctx = await stepContext(location, actor);
    const change = apply(c, ctx);
    if (!change) return c;
    const next = { ...change.complaint, version: c.version + 1 };
    if (await saveComplaint(next, c.version, busEvents(c, next.version, change.events, actor, ctx.now))) return next;
    await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  throw busy(`complaint ${complaintId} is changing too often; retry`);
}
