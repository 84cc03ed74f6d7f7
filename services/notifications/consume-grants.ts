import type { Context } from 'aws-lambda';
import { GrantAssigned, GrantRevoked } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { isAudience } from './domain/audiences';
import { table } from './store/keys';
import { followGrant } from './store/preferences';

/**
 * A grant assigned or revoked (the access service): a person who registered channels starts or stops
 * receiving that audience's notices on them. Their inbox follows their token by itself.
 */
export const handler = async (event: DeliveredEvent, context?: Context) => {
  await consumeOnce(
    table(),
    'grants',
    event,
    async () => {
      const held = event['detail-type'] === GrantAssigned.detailType;
      const { data } = held ? GrantAssigned.parse(event) : GrantRevoked.parse(event);
      if (isAudience(data.grant)) await followGrant(data.userId, data.grant, held);
    },
    context,
  );
};
