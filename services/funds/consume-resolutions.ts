import { ResolutionPassed } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { logger } from '../../libs/logger';
import { authorizeFromResolution } from './operations';
import * as store from './store';

/**
 * What the owners decided that moves money: using the maintenance fund for a project (matter 5),
 * a public-revenue spending decision (a project on the public_revenue fund), and raising the small
 * maintenance fund levy (matter 6, 3/4 majority).
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(store.table(), 'resolutions', event, async () => {
    const { metadata, data } = ResolutionPassed.parse(event);
    const payload = data.payload ?? {};
    if (data.matter === 'maintenance_fund_raise' && payload.levyFenPerSquareMetreMonth) {
      await store.putLevy({ compoundId: data.compoundId, rateFenPerM2Month: payload.levyFenPerSquareMetreMonth, resolutionRef: `elections/vote/${data.voteId}`, since: data.decidedAt });
      return;
    }
    const fund = payload.fund ?? (data.matter === 'maintenance_fund_use' ? 'maintenance' : undefined);
    if (payload.projectId && payload.amountFen && fund) {
      await authorizeFromResolution({ compoundId: data.compoundId, projectId: payload.projectId, fund, approvedFen: payload.amountFen, voteId: data.voteId, title: data.question, correlationId: metadata.correlationId });
      return;
    }
    logger('funds').info('resolution moves no money', { voteId: data.voteId, matter: data.matter });
  });
};
