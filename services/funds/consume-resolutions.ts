import { ResolutionPassed } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { logger } from '../../libs/logger';
import { resolutionEffect } from './domain/matters';
import { startLevy } from './operations/levy';
import { authorizeFromResolution, refuseResolution } from './operations/projects';
import { table } from './store/table';

/**
 * What the owners decided that moves money, by matter (domain/matters.ts): matter 5 spends the
 * maintenance funds, matters 8 and 9 public revenue (9 also the neighbours' fund), matter 6 starts
 * the levy. Any other money payload is refused with a reason (ResolutionNotActedOn).
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'resolutions', event, async () => {
    const { metadata, data } = ResolutionPassed.parse(event);
    const effect = resolutionEffect(data.matter, data.payload);
    switch (effect.kind) {
      case 'project':
        return authorizeFromResolution({
          compoundId: data.compoundId,
          projectId: effect.projectId,
          fund: effect.fund,
          approvedFen: effect.amountFen,
          voteId: data.voteId,
          title: data.question,
          correlationId: metadata.correlationId,
        });
      case 'levy':
        if (!(await startLevy({ compoundId: data.compoundId, rateFenPerM2Month: effect.rateFenPerM2Month, voteId: data.voteId, decidedAt: data.decidedAt, correlationId: metadata.correlationId }))) {
          await refuseResolution(data.compoundId, data.voteId, data.matter, 'the compound already has a levy; changing its rate is not supported yet', metadata.correlationId);
        }
        return;
      case 'refused':
        return refuseResolution(data.compoundId, data.voteId, data.matter, effect.reason, metadata.correlationId);
      case 'none':
        logger('funds').info('resolution moves no money', { voteId: data.voteId, matter: data.matter });
    }
  });
};
