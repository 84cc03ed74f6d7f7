import { CommitteeDissolved, CommitteeElected, CommitteeTermExpiring, TemporaryCommitteeFormed } from '../events/catalogue';
import type { LocalSystem } from '../infra/local/runtime';
import { tableName } from '../libs/config';
import { RegistryReadModel } from '../services/registry/kit/read-model';
import { client, compoundBody, startSystem } from './helpers';

/**
 * The registry's governance follows the elections service: CommitteeElected → committee,
 * TemporaryCommitteeFormed → temporary_committee, CommitteeDissolved at a term's end → none
 * (CompoundGovernanceChanged each time), whatever order the events arrive in.
 */
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

const formed = (compoundId: string, committeeId: string, termStart: string, termEnd: string, id: string) =>
  TemporaryCommitteeFormed.create(
    { compoundId, committeeId, chair: { personId: 'S1-rep' }, members: [1, 2, 3].map((i) => ({ personId: `T${i}`, owner: i < 3 })), termStart, termEnd },
    { compoundId, actor: 'street-1', occurredAt: termStart, id, correlationId: `temporary-${compoundId}-${committeeId}` },
  );
const dissolved = (compoundId: string, committeeId: string, reason: 'term_ended' | 'replaced', occurredAt: string, id: string, kind: 'committee' | 'temporary_committee' = 'temporary_committee') =>
  CommitteeDissolved.create(
    { compoundId, committeeId, kind, reason, ...(reason === 'replaced' ? { replacedBy: 'E-next' } : {}) },
    { compoundId, actor: 'schedule:term-watch', occurredAt, id, correlationId: `term-${compoundId}-${committeeId}` },
  );
const causes = (compoundId: string) => changes(compoundId).map((e) => (e.detail.data as { cause: { eventId: string } }).cause.eventId);

describe('temporary committees, term ends and reminders', () => {
  test('a temporary committee formed, then its term ended (the term watch a day late): temporary_committee, then none from the term’s end', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gov-t', { governance: 'none' }) })).status).toBe(201);
    await system.bus.put([formed('gov-t', 'T-1', '2026-05-01T08:00:00.000Z', '2027-05-01T08:00:00.000Z', 'formed-t1')]);
    await system.idle();
    expect(await governanceOf('gov-t')).toMatchObject({ governance: 'temporary_committee', governanceSince: '2026-05-01T08:00:00.000Z' });
    // A reminder three months before the end is not an end.
    const reminder = CommitteeTermExpiring.create(
      { compoundId: 'gov-t', committeeId: 'T-1', termEnd: '2027-05-01T08:00:00.000Z', kind: 'temporary_committee' },
      { compoundId: 'gov-t', actor: 'schedule:term-watch', occurredAt: '2027-02-01T08:00:00.000Z', id: 'expiring-t1' },
    );
    await system.bus.put([reminder]);
    await system.idle();
    expect(await governanceOf('gov-t')).toMatchObject({ governance: 'temporary_committee' });
    await system.bus.put([dissolved('gov-t', 'T-1', 'term_ended', '2027-05-02T08:00:00.000Z', 'ended-t1')]);
    await system.idle();
    expect(await governanceOf('gov-t')).toMatchObject({ governance: 'none', governanceSince: '2027-05-01T08:00:00.000Z' });
    expect(changes('gov-t').map((e) => e.detail.data)).toEqual([
      expect.objectContaining({ governance: 'temporary_committee', previousGovernance: 'none', since: '2026-05-01T08:00:00.000Z' }),
      expect.objectContaining({
        governance: 'none',
        previousGovernance: 'temporary_committee',
        since: '2027-05-01T08:00:00.000Z',
        cause: { source: 'gongzhi.elections', detailType: 'CommitteeDissolved', eventId: 'ended-t1' },
      }),
    ]);
    // An owners' committee elected later governs from its term start.
    await system.bus.put([elected('gov-t', '2027-06-01T02:00:00.000Z', 'elected-t')]);
    await system.idle();
    expect(await governanceOf('gov-t')).toMatchObject({ governance: 'committee', governanceSince: '2027-06-01T02:00:00.000Z' });
  });

  test('a committee replaced by an election is not left without governance, though its dissolution (replaced) arrives before the election', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gov-r') })).status).toBe(201);
    await system.bus.put([formed('gov-r', 'T-2', '2026-05-01T08:00:00.000Z', '2028-05-01T08:00:00.000Z', 'formed-t2')]);
    await system.idle();
    // Elections publishes the dissolution `replaced` when it applies the election, dated then (after the term start).
    await system.bus.put([dissolved('gov-r', 'T-2', 'replaced', '2026-09-01T03:00:00.000Z', 'replaced-t2')]);
    await system.idle();
    expect(await governanceOf('gov-r')).toMatchObject({ governance: 'temporary_committee' });
    await system.bus.put([elected('gov-r', '2026-09-01T02:00:00.000Z', 'elected-r')]);
    await system.idle();
    expect(await governanceOf('gov-r')).toMatchObject({ governance: 'committee', governanceSince: '2026-09-01T02:00:00.000Z' });
    expect(causes('gov-r')).toEqual(['formed-t2', 'elected-r']);
  });

  test('late arrivals: an end before its start, and an older start after a newer state, change nothing they should not', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gov-l', { governance: 'none' }) })).status).toBe(201);
    // The end of T-3 arrives first (the registry has not heard of T-3): governance stays, T-3 is remembered.
    await system.bus.put([dissolved('gov-l', 'T-3', 'term_ended', '2028-05-01T09:00:00.000Z', 'ended-t3')]);
    await system.idle();
    expect(await governanceOf('gov-l')).toMatchObject({ governance: 'none' });
    expect((await governanceOf('gov-l')).governanceSince).toBeUndefined();
    expect(changes('gov-l')).toHaveLength(0);
    // Then its formation: a committee known to have ended governs no more: none from its term's end.
    await system.bus.put([formed('gov-l', 'T-3', '2026-05-01T08:00:00.000Z', '2028-05-01T08:00:00.000Z', 'formed-t3')]);
    await system.idle();
    expect(await governanceOf('gov-l')).toMatchObject({ governance: 'none', governanceSince: '2028-05-01T08:00:00.000Z' });
    // An election older than that end, delivered late (and twice), does not overwrite it.
    const older = elected('gov-l', '2026-03-01T02:00:00.000Z', 'elected-older');
    await system.bus.put([older, older]);
    await system.idle();
    expect(await governanceOf('gov-l')).toMatchObject({ governance: 'none', governanceSince: '2028-05-01T08:00:00.000Z' });
    expect(causes('gov-l')).toEqual(['formed-t3']);
    expect(system.bus.deadLetters).toEqual([]);
    // Copies (the kit) follow the same changes.
    const copy = await system.asService('elections', () => new RegistryReadModel(() => tableName('elections')).getCompound('gov-l'));
    expect(copy).toMatchObject({ governance: 'none', governanceSince: '2028-05-01T08:00:00.000Z' });
  });
});
