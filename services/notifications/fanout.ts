import * as z from '../../events/zod';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { enqueue } from '../../libs/queue';
import { audience as audienceOf, isAudience } from './domain/audiences';
import { getBroadcast, noticeFor, putNotice, type Notice } from './store/broadcasts';
import { registrationsFor } from './store/recipients';
import { compound, ownersOfBuilding } from './store/registry';

/**
 * One unit of a broadcast's fan-out: the owners of one building (all, or those named), or a few
 * audiences. Writes each recipient's notice into their inbox (once: a conditional put), then puts one
 * delivery per registered person on the `deliveries` queue. Idempotent: a unit delivered twice
 * writes nothing new and its deliveries find their log.
 */
export const recipientsUnit = z.object({
  broadcastId: id,
  buildingId: z.optional(id),
  ownerIds: z.optional(z.array(id).check(z.maxLength(5_000))),
  audiences: z.optional(z.array(z.string().check(z.refine(isAudience, 'an audience'))).check(z.maxLength(100))),
});
export type RecipientsUnit = z.infer<typeof recipientsUnit>;

export interface DeliveryUnit {
  noticeId: string;
  subject: string;
  channel?: 'sms' | 'email';
}

const WIDTH = 16;

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(WIDTH, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function fanOut(unit: RecipientsUnit): Promise<{ notices: number; deliveries: number }> {
  const broadcast = await getBroadcast(unit.broadcastId);
  if (!broadcast) throw new Error(`broadcast ${unit.broadcastId} is not there (the unit arrived before its write was visible); retried`);
  let notices: Notice[];
  if (unit.buildingId) {
    const view = await compound(broadcast.compoundId);
    const owners = view?.activeRoll ? await ownersOfBuilding(broadcast.compoundId, view.activeRoll, unit.buildingId) : [];
    const units = new Map(owners.map((o) => [o.ownerId, o.unitIds]));
    const ownerIds = unit.ownerIds ?? owners.map((o) => o.ownerId);
    notices = ownerIds.map((ownerId) => noticeFor(broadcast, audienceOf.owner(broadcast.compoundId, ownerId), { buildingId: unit.buildingId!, ownerId, unitIds: units.get(ownerId) ?? [] }));
  } else {
    notices = (unit.audiences ?? []).map((a) => noticeFor(broadcast, a));
  }
  await inParallel(notices, (n) => putNotice(n, unit.buildingId));
  const registrations = await registrationsFor(notices.map((n) => n.audience));
  const deliveries: DeliveryUnit[] = notices.flatMap((n) => (registrations.get(n.audience) ?? []).map((r) => ({ noticeId: n.noticeId, subject: r.subject })));
  await enqueue('deliveries', deliveries);
  return { notices: notices.length, deliveries: deliveries.length };
}

export const handler = unitWorker('notifications', recipientsUnit, fanOut);
