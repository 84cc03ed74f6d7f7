import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { enqueue } from '../../libs/queue';
import { finishPlanning, planningPage } from './campaign-operations';
import { getCampaign, leasePlanning } from './store/campaigns';

/** While a run plans a campaign, the hourly schedule leaves it alone for this long (then it is due again: a dead run catches up). */
const LEASE_MS = 3_600_000;

/**
 * One page of a campaign's compounds: a sweep-plan unit per compound, then the next page as a unit
 * of its own, so no invocation walks a whole city. The last page marks the campaign planned. Pages
 * delivered twice queue their compounds twice, which the sweep-plan worker absorbs.
 */
export const handler = unitWorker('enforcement', z.object({ campaignId: id, cursor: z.optional(z.string()), queued: z.optional(z.int()) }), async (unit) => {
  const campaign = await getCampaign(unit.campaignId);
  if (!campaign || campaign.status === 'planned') return 'nothing to plan';
  const now = clock.nowIso();
  if (!unit.cursor) await leasePlanning(campaign.campaignId, new Date(clock.now().getTime() + LEASE_MS).toISOString());
  const page = await planningPage(campaign, unit);
  await enqueue('sweep-plans', page.units);
  if (page.next) await enqueue('campaign-plans', [page.next]);
  else await finishPlanning(campaign, page.total ?? 0, now);
  return { queued: page.units.length };
});
