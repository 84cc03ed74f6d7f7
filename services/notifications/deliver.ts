import { NoticeDeliveryFailed } from '../../events/catalogue';
import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { busy } from '../../libs/errors';
import { unitWorker, type UnitContext } from '../../libs/jobs';
import { logger } from '../../libs/logger';
import { DEFAULT_TIME_ZONE } from '../../libs/topology';
import { channelAdapter, type OutboundMessage, type SendReceipt } from './channels/port';
import { compose } from './domain/compose';
import { addressOf, CHANNELS, decide, maskAddress, type Channel } from './domain/delivery';
import { getNotice, markReached, type Notice } from './store/broadcasts';
import { claimSend, completeSend, defer, failSend, recordOnce } from './store/deliveries';
import { addToDigest } from './store/digests';
import { parseNoticeId } from './store/keys';
import type { Registration } from './store/preferences';
import { registrationFor } from './store/recipients';
import { DELIVERY_MAX_RECEIVES, DELIVERY_TIMEOUT_SECONDS } from './topology';

/**
 * One notice to one person, on each channel they chose: sent now, deferred to the end of their quiet
 * hours, put in their digest, or skipped (unsubscribed, no address), by domain/delivery.ts. Each
 * (notice, person, channel) is claimed in the delivery log before it is sent, so a unit delivered
 * twice sends once. A failing channel is retried a few times at once with backoff, then by the queue
 * (its backoff); after the queue's last attempt the log says `dead`, NoticeDeliveryFailed is
 * published and the unit lands in the dead-letter queue, whose alarm calls a person.
 */
export const deliveryUnit = z.object({
  noticeId: z.string().check(z.minLength(4), z.maxLength(600)),
  subject: z.string().check(z.minLength(1), z.maxLength(200)),
  channel: z.optional(z.enum(CHANNELS)),
});

const log = logger('notifications');

/** In-invocation retries of a send, before the queue's: 3 tries, 50 ms then 200 ms apart (with jitter). */
export async function sendWithBackoff(send: () => Promise<SendReceipt>, tries = 3, baseMs = 50): Promise<SendReceipt> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((r) => setTimeout(r, baseMs * 4 ** (attempt - 1) * (0.5 + Math.random() / 2)));
    }
  }
}

export async function deliver(unit: z.infer<typeof deliveryUnit>, context: Pick<UnitContext, 'attempt'>): Promise<string> {
  const where = parseNoticeId(unit.noticeId);
  if (!where) return 'not a notice id';
  const notice = await getNotice(where.audience, where.sk);
  if (!notice) return 'no such notice';
  const registration = await registrationFor(where.audience, unit.subject);
  if (!registration) return 'no longer registered';
  const failures: string[] = [];
  for (const channel of unit.channel ? [unit.channel] : CHANNELS) {
    try {
      await deliverOn(channel, notice, where, registration, context.attempt);
    } catch (error) {
      failures.push(`${channel}: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(failures.join('; '));
  return 'done';
}

async function deliverOn(channel: Channel, notice: Notice, where: { audience: string; sk: string }, person: Registration, attempt: number): Promise<void> {
  const now = clock.now();
  const decision = decide(notice, person, channel, now, DEFAULT_TIME_ZONE);
  const address = addressOf(person, channel);
  const masked = address ? maskAddress(channel, address) : undefined;
  switch (decision.action) {
    case 'skip':
      // A channel never chosen leaves no trace; a chosen one that is not used says why.
      if (person.channels.includes(channel)) await recordOnce(notice.noticeId, channel, person.subject, { status: 'skipped', reason: decision.reason, to: masked });
      return;
    case 'digest':
      // The entry first: a crash before the log leaves an entry the log then claims, never a log without its entry.
      await addToDigest(
        person.subject,
        { noticeId: notice.noticeId, channel, createdAt: notice.createdAt, title: { zh: notice.message.zh.title, en: notice.message.en.title }, message: notice.message },
        decision.at,
      );
      await recordOnce(notice.noticeId, channel, person.subject, { status: 'digest', to: masked });
      return;
    case 'defer':
      await defer(notice.noticeId, channel, person.subject, decision.until, masked!);
      return;
    case 'send':
      break;
  }
  const claim = await claimSend(notice.noticeId, channel, person.subject, masked!, DELIVERY_TIMEOUT_SECONDS * 1000);
  if ('status' in claim) {
    if (claim.status === 'held') throw busy(`another delivery of ${notice.noticeId} on ${channel} is under way until ${new Date(claim.until).toISOString()}`);
    return; // sent already, or given up
  }
  const message: OutboundMessage = {
    channel,
    to: address!,
    language: person.language,
    ...compose(notice.message, person.language),
    noticeIds: [notice.noticeId],
    reference: `${notice.broadcastId}-${channel}`,
  };
  try {
    const adapter = await channelAdapter(channel);
    const receipt = await sendWithBackoff(() => adapter.send(message));
    await markReached(where.audience, where.sk, channel, clock.nowIso());
    await completeSend(notice.noticeId, channel, person.subject, claim.claimId, receipt.providerId);
  } catch (error) {
    const final = attempt >= DELIVERY_MAX_RECEIVES;
    const reason = String((error as Error)?.message ?? error);
    const event = final
      ? NoticeDeliveryFailed.create(
          { noticeId: notice.noticeId, broadcastId: notice.broadcastId, compoundId: notice.compoundId, channel, attempts: claim.attempts, error: reason.slice(0, 500) },
          { compoundId: notice.compoundId, actor: 'notifications', occurredAt: clock.nowIso(), id: `delivery-failed-${notice.broadcastId}-${channel}-${person.subject}`.slice(0, 128) },
        )
      : undefined;
    await failSend(notice.noticeId, channel, person.subject, claim.claimId, reason, event);
    if (final) log.error('a notice could not be delivered; it goes to the dead-letter queue', { noticeId: notice.noticeId, channel, attempts: claim.attempts });
    throw error;
  }
}

export const handler = unitWorker('notifications', deliveryUnit, (unit, context) => deliver(unit, context));
