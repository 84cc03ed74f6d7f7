import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { unitWorker } from '../../libs/jobs';
import { DEFAULT_TIME_ZONE } from '../../libs/topology';
import { channelAdapter } from './channels/port';
import { composeDigest } from './domain/compose';
import { addressOf, nextDigestAt, quietHoursEnd, type Channel } from './domain/delivery';
import { markReached } from './store/broadcasts';
import { markDigestDelivered, recordOnce } from './store/deliveries';
import { closeDigest, digestEntries, markDigestChannelSent, pendingDigest, postponeDigest, removeEntries } from './store/digests';
import { parseNoticeId } from './store/keys';
import { getPreferences } from './store/preferences';
import { sendWithBackoff } from './deliver';

/**
 * One person's daily digest: every low-urgency notice waiting for them, one message per channel.
 * A channel sent is recorded on the digest before the next, so a retried unit does not send it
 * twice; a digest time in quiet hours waits for their end.
 */
export const digestUnit = z.object({ subject: z.string().check(z.minLength(1), z.maxLength(200)) });

export async function sendDigest({ subject }: z.infer<typeof digestUnit>): Promise<string> {
  const pending = await pendingDigest(subject);
  if (!pending?.dueSk) return 'nothing pending';
  const now = clock.now();
  if (pending.dueSk.slice(0, 24) > now.toISOString()) return 'not due yet';
  const prefs = await getPreferences(subject);
  const entries = await digestEntries(subject);
  if (prefs) {
    const quietEnd = quietHoursEnd(prefs, now, DEFAULT_TIME_ZONE);
    if (quietEnd) {
      await postponeDigest(subject, quietEnd.toISOString());
      return 'postponed to the end of quiet hours';
    }
  }
  const byChannel = new Map<Channel, typeof entries>();
  for (const entry of entries) byChannel.set(entry.channel, [...(byChannel.get(entry.channel) ?? []), entry]);
  for (const [channel, list] of byChannel) {
    if (pending.sentChannels?.has(channel)) continue;
    const address = prefs && prefs.channels.includes(channel) ? addressOf(prefs, channel) : undefined;
    if (!address) {
      for (const e of list) await recordOnce(e.noticeId, channel, subject, { status: 'skipped', reason: 'channel_off' });
      continue;
    }
    const language = prefs!.language;
    const message = composeDigest(
      list.map((e) => e.title),
      language,
    );
    const adapter = await channelAdapter(channel);
    const receipt = await sendWithBackoff(() => adapter.send({ channel, to: address, language, ...message, noticeIds: list.map((e) => e.noticeId), reference: `digest-${subject}-${pending.dueSk}` }));
    await markDigestChannelSent(subject, channel);
    for (const e of list) {
      await markDigestDelivered(e.noticeId, channel, subject, receipt.providerId);
      const where = parseNoticeId(e.noticeId);
      if (where) await markReached(where.audience, where.sk, channel, clock.nowIso());
    }
  }
  await removeEntries(
    subject,
    entries.map((e) => e.sk),
  );
  await closeDigest(subject, pending.version, nextDigestAt(prefs ?? { digestAt: '08:00' }, now, DEFAULT_TIME_ZONE).toISOString());
  return `sent ${entries.length}`;
}

export const handler = unitWorker('notifications', digestUnit, sendDigest);
