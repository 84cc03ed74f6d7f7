import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { campaignsDueForPlanning } from './store/campaigns';

/** Hourly: campaigns whose first day has begun and are not yet planned go on the campaign-plans queue. */
export const handler = async () => {
  const due = await campaignsDueForPlanning(clock.nowIso());
  await enqueue(
    'campaign-plans',
    due.map(({ campaignId }) => ({ campaignId })),
  );
  return { enqueued: due.length };
};
