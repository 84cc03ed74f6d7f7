import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { notFound } from '../../libs/errors';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import type { Campaign } from './store/campaigns';
import { getCampaign } from './store/campaigns';
import { planSweep } from './sweep-operations';

/** A campaign's plan does not change once made; a worker reads it once a minute, not once a compound. */
const cached = new Map<string, { campaign: Campaign; until: number }>();
async function campaignOf(campaignId: string): Promise<Campaign> {
  const hit = cached.get(campaignId);
  if (hit && hit.until > Date.now()) return hit.campaign;
  const campaign = await getCampaign(campaignId, false);
  if (!campaign) throw notFound(`campaign ${campaignId} does not exist`);
  cached.set(campaignId, { campaign, until: Date.now() + 60_000 });
  return campaign;
}

/** One compound's sweep in one campaign: planned once however often the unit arrives. */
const risk = z.object({ openHazards: z.int(), previousFindings: z.int(), openReferrals: z.int(), builtYear: z.optional(z.int()), lastSweptAt: z.optional(z.string()) });

export const handler = unitWorker('enforcement', z.object({ campaignId: id, compoundId: id, districtId: id, streetId: id, communityId: id, risk: z.optional(risk) }), async (unit) =>
  planSweep(await campaignOf(unit.campaignId), unit, clock.nowIso()),
);
