import type { BusEvent } from './envelope';
import { disputesFixtures } from './fixtures/disputes';
import { accessFixtures } from './fixtures/access';
import { electionsFixtures } from './fixtures/elections';
import { enforcementFixtures } from './fixtures/enforcement';
import { fundsFixtures } from './fixtures/funds';
import { notificationsFixtures } from './fixtures/notifications';
import { registryFixtures } from './fixtures/registry';

/**
 * One valid example of every event in the catalogue (events/fixtures/<service>.ts). Producers' tests
 * compare their output's shape against these; consumers' tests feed them in.
 */
export const fixtures: Record<string, BusEvent> = {
  ...registryFixtures,
  ...electionsFixtures,
  ...fundsFixtures,
  ...enforcementFixtures,
  ...disputesFixtures,
  ...accessFixtures,
  ...notificationsFixtures,
};
