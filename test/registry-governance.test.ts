import { CommitteeElected } from '../events/catalogue';
import type { LocalSystem } from '../infra/local/runtime';
import { tableName } from '../libs/config';
import { RegistryReadModel } from '../services/registry/kit/read-model';
import { client, compoundBody, startSystem } from './helpers';

/** After CommitteeElected the registry's compound is governed by a committee (CompoundGovernanceChanged). */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;

beforeAll(async () => {
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau-1');
});
afterAll(() => system.close());

const elected = (compoundId: string, termStart: string, id: string) =>
  CommitteeElected.create(
    {
      compoundId,
      electionId: `election-${termStart.slice(0, 4)}`,
      members: ['P1', 'P2', 'P3'].map((personId, i) => ({ personId, role: i === 0 ? 'chair' : 'member' }) as const),
      alternates: [],
      termStart,
      termEnd: `${Number(termStart.slice(0, 4)) + 5}${termStart.slice(4)}`,
    },
    { compoundId, actor: 'schedule:vote-clock', occurredAt: termStart, id, correlationId: `vote-${compoundId}-${id}` },
  );
const changes = (compoundId: string) => system.bus.log.filter((e) => e['detail-type'] === 'CompoundGovernanceChanged' && e.detail.metadata.compoundId === compoundId);
const governanceOf = async (compoundId: string) => (await call('GET', `/compounds/${compoundId}`, { token: bureau })).json;

describe('governance follows the elections service', () => {
  test('a committee elected makes the compound committee-governed, once per event, with CompoundGovernanceChanged', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gov-a', { governance: 'temporary_committee' }) })).status).toBe(201);
    const event = elected('gov-a', '2026-03-01T02:00:00.000Z', 'elected-1');
    await system.bus.put([event, event]);
    await system.idle();
    await system.bus.put([event]);
    await system.idle();
    expect(await governanceOf('gov-a')).toMatchObject({ governance: 'committee', governanceSince: '2026-03-01T02:00:00.000Z' });
    expect(changes('gov-a').map((e) => e.detail.data)).toEqual([
      {
        compoundId: 'gov-a',
        governance: 'committee',
        previousGovernance: 'temporary_committee',
        since: '2026-03-01T02:00:00.000Z',
        cause: { source: 'gongzhi.elections', detailType: 'CommitteeElected', eventId: 'elected-1' },
      },
    ]);
    expect(changes('gov-a')[0]!.detail.metadata.correlationId).toBe('vote-gov-a-elected-1');
  });

  test('order-tolerant: a later term wins, whichever arrives first', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gov-b') })).status).toBe(201);
    await system.bus.put([elected('gov-b', '2031-03-01T02:00:00.000Z', 'term-2')]);
    await system.idle();
    await system.bus.put([elected('gov-b', '2026-03-01T02:00:00.000Z', 'term-1')]);
    await system.idle();
    expect(await governanceOf('gov-b')).toMatchObject({ governance: 'committee', governanceSince: '2031-03-01T02:00:00.000Z' });
    expect(changes('gov-b').map((e) => (e.detail.data as { cause: { eventId: string } }).cause.eventId)).toEqual(['term-2']);
    // In order, each new term is recorded.
    await system.bus.put([elected('gov-b', '2036-03-01T02:00:00.000Z', 'term-3')]);
    await system.idle();
    expect(await governanceOf('gov-b')).toMatchObject({ governanceSince: '2036-03-01T02:00:00.000Z' });
    expect(changes('gov-b')).toHaveLength(2);
  });

  test('copies of the registry follow the change (the kit), and an unknown compound is skipped, not retried forever', async () => {
    await system.bus.put([elected('nowhere', '2026-03-01T02:00:00.000Z', 'elected-x')]);
    await system.idle();
    expect(system.bus.deadLetters).toEqual([]);
    const copy = await system.asService('elections', () => new RegistryReadModel(() => tableName('elections')).getCompound('gov-a'));
    expect(copy).toMatchObject({ governance: 'committee', governanceSince: '2026-03-01T02:00:00.000Z' });
  });
});
