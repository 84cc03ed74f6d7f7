import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { dueDeferred } from './store/deliveries';
import { dueDigests } from './store/digests';
import { dueVoteReminders } from './store/facts';

/**
 * Every few minutes: deliveries whose quiet hours are over, digests whose time has come and votes
 * two days from closing, from the due index, one unit each on their queue. A run that fails or is late catches up: what is due stays
 * on the index until its worker takes it.
 */
export const handler = async () => {
  const now = clock.nowIso();
  const deferred = await dueDeferred(now);
  await enqueue(
    'deliveries',
    deferred.map((d) => ({ noticeId: d.noticeId, subject: d.subject, channel: d.channel })),
  );
  const digests = await dueDigests(now);
  await enqueue(
    'digests',
    digests.map((subject) => ({ subject })),
  );
  const reminders = await dueVoteReminders(now);
  await enqueue(
    'reminders',
    reminders.map((v) => ({ compoundId: v.compoundId, voteId: v.voteId })),
  );
  return { deferred: deferred.length, digests: digests.length, reminders: reminders.length };
};
