import type { DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { advancePast, client, compoundBody, startSystem } from './helpers';

/**
 * Civil Code art. 278 through the HTTP API, every matter, at the boundaries (docs/domain.md §2).
 *
 * The roll: 12 owners, 1,200.00 m². L1-L8, L11, L12 hold 100.00 m² each, L9 99.99 m², L10 100.01 m².
 * - quorum exactly: L1-L8 take part, 800.00 m² and 8 people, exactly 2/3 of both;
 * - 0.01 m² short: L1-L7 and L9 take part, 799.99 m² (8 people): no quorum;
 * - matters 6-8 pass with exactly 3/4 (6 of L1-L8 for: 600.00 of 800.00 m², 6 of 8 people) and fail
 *   just below it in area (L1-L7 and L10 take part, 800.01 m²: 3/4 is 600.0075; 600.00 m² for fails,
 *   600.01 m² passes);
 * - the other matters (matter 3 as a removal of a member) fail with exactly half (4 of 8, 400.00 m²).
 */
const LAW = 'law';

const ROLL = [
  'building,unit,area,area_source,holding,owner_id,owner_name,registered',
  ...Array.from({ length: 12 }, (_, i) => {
    const n = i + 1;
    const area = n === 9 ? '99.99' : n === 10 ? '100.01' : '100.00';
    return `B1,${String(n).padStart(2, '0')},${area},register,owned,L${n},Law Owner ${n},yes`;
  }),
].join('\n');

const L = (...ns: number[]) => ns.map((n) => `L${n}`);
const QUORUM_EXACT = L(1, 2, 3, 4, 5, 6, 7, 8);
const AREA_SHORT = L(1, 2, 3, 4, 5, 6, 7, 9);
const FOR_AREA_EDGE = L(1, 2, 3, 4, 5, 6, 7, 10);

const ORDINARY = ['rules_of_procedure', 'management_covenant', 'property_company', 'maintenance_fund_use', 'other_major'] as const;
const SUPERMAJORITY = ['maintenance_fund_raise', 'rebuilding', 'common_parts_use'] as const;

interface Case {
  voteId: string;
  matter: string;
  voters: string[];
  forVoters: string[];
  expected: { passed: true } | { passed: false; reason: string };
}

const cases: Case[] = [];
for (const matter of [...ORDINARY, ...SUPERMAJORITY, 'committee_election']) {
  const m = matter.replaceAll('_', '-');
  cases.push(
    { voteId: `${m}-quorum-exact`, matter, voters: QUORUM_EXACT, forVoters: L(1, 2, 3, 4, 5, 6), expected: { passed: true } },
    { voteId: `${m}-area-short`, matter, voters: AREA_SHORT, forVoters: AREA_SHORT, expected: { passed: false, reason: 'no_quorum' } },
  );
  if ((SUPERMAJORITY as readonly string[]).includes(matter)) {
    cases.push(
      { voteId: `${m}-below-3-4`, matter, voters: FOR_AREA_EDGE, forVoters: L(1, 2, 3, 4, 5, 6), expected: { passed: false, reason: 'not_enough_votes' } },
      { voteId: `${m}-at-3-4`, matter, voters: FOR_AREA_EDGE, forVoters: L(1, 2, 3, 4, 5, 10), expected: { passed: true } },
    );
  } else {
    cases.push({ voteId: `${m}-exactly-half`, matter, voters: QUORUM_EXACT, forVoters: L(1, 2, 3, 4), expected: { passed: false, reason: 'not_enough_votes' } });
  }
}

let system: LocalSystem;
let call: ReturnType<typeof client>;
let street: string;
let committee: string;
const received: DeliveredEvent[] = [];
const tokens = new Map<string, string>();
const owner = async (ownerId: string) => {
  if (!tokens.has(ownerId)) tokens.set(ownerId, await system.token([`owner:${LAW}:${ownerId}`], `person-${ownerId}`));
  return tokens.get(ownerId)!;
};
/** Just past the latest of these votes' openings, closes (and counts) or ends of objections, as the API states them. */
const pastStep = async (voteIds: readonly string[], step: 'opensAt' | 'closesAt' | 'objectionEndsAt') => {
  const at = await Promise.all(voteIds.map(async (v) => (await call('GET', `/compounds/${LAW}/votes/${v}`, { token: street })).json[step] as string));
  await advancePast(system, at.sort().at(-1)!);
};

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  const bureau = await system.token(['bureau'], 'bureau');
  street = await system.token(['street:S1'], 'street-officer');
  committee = await system.token([`committee:${LAW}`], 'committee-secretary');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(LAW) })).status).toBe(201);
  expect((await call('POST', `/compounds/${LAW}/roll`, { token: bureau, raw: ROLL, type: 'text/csv' })).status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

test('a committee of 3 for 12 households (matter 3: the election)', async () => {
  expect((await call('POST', `/compounds/${LAW}/votes`, { token: street, body: { kind: 'election', voteId: 'committee', seats: 3, votingDays: 1 } })).status).toBe(201);
  for (const n of [1, 2, 3]) {
    const nominated = await call('POST', `/compounds/${LAW}/votes/committee/candidates`, {
      token: committee,
      body: { personId: `L${n}`, name: `Law Owner ${n}`, source: 'owners', unitId: `B1-0${n}` },
    });
    expect(nominated.status).toBe(201);
  }
  await pastStep(['committee'], 'opensAt');
  for (const n of Array.from({ length: 12 }, (_, i) => i + 1)) {
    expect((await call('POST', `/compounds/${LAW}/votes/committee/ballots`, { token: await owner(`L${n}`), body: { candidates: ['L1', 'L2', 'L3'] } })).status).toBe(201);
  }
  await pastStep(['committee'], 'closesAt');
  await pastStep(['committee'], 'objectionEndsAt');
  const onRecord = await call('GET', `/compounds/${LAW}/committee`, { token: street });
  expect(onRecord.json.members.map((m: { personId: string }) => m.personId)).toEqual(['L1', 'L2', 'L3']);
});

test('every matter of art. 278 through the API, at the quorum and passing boundaries', async () => {
  for (const c of cases) {
    const body =
      c.matter === 'committee_election'
        ? { kind: 'removal', voteId: c.voteId, members: ['L3'], then: 'fill_from_alternates', votingDays: 1 }
        : { kind: 'resolution', voteId: c.voteId, matter: c.matter, question: `Boundary case ${c.voteId}?`, votingDays: 1 };
    const created = await call('POST', `/compounds/${LAW}/votes`, { token: committee, body });
    expect(created.status).toBe(201);
  }
  const voteIds = cases.map((c) => c.voteId);
  await pastStep(voteIds, 'opensAt');
  await Promise.all(
    cases.map(async (c) => {
      for (const voter of c.voters) {
        const r = await call('POST', `/compounds/${LAW}/votes/${c.voteId}/ballots`, { token: await owner(voter), body: { choice: c.forVoters.includes(voter) ? 'for' : 'against' } });
        expect(r.status).toBe(201);
      }
    }),
  );
  await pastStep(voteIds, 'closesAt');
  await pastStep(voteIds, 'objectionEndsAt');

  const outcomes: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const c of cases) {
    const report = (await call('GET', `/compounds/${LAW}/votes/${c.voteId}/report`, { token: await owner('L12') })).json;
    expect(report.stage).toBe('final');
    outcomes[c.voteId] = report.outcome;
    expected[c.voteId] = c.expected;
    const events = received.filter((e) => ['ResolutionPassed', 'ResolutionFailed'].includes(e['detail-type']) && (e.detail.data as { voteId: string }).voteId === c.voteId);
    expect(events).toHaveLength(1);
    expect(events[0]!['detail-type']).toBe(c.expected.passed ? 'ResolutionPassed' : 'ResolutionFailed');
    expect(events[0]!.detail.data).toMatchObject({ matter: c.matter, figures: report.result.figures, ...(c.expected.passed ? {} : { reason: c.expected.reason }) });
  }
  expect(outcomes).toEqual(expected);

  // The figures are exact: 2/3 of 1,200.00 m² is 800.00, and one hundredth less is not enough.
  const short = (await call('GET', `/compounds/${LAW}/votes/other-major-area-short/report`, { token: street })).json;
  expect(short.result.figures).toMatchObject({ totalArea: 120_000, participatingArea: 79_999, participatingHeadcount: 8, totalHeadcount: 12 });
  const edge = (await call('GET', `/compounds/${LAW}/votes/rebuilding-below-3-4/report`, { token: street })).json;
  expect(edge.result.figures).toMatchObject({ participatingArea: 80_001, forArea: 60_000, forHeadcount: 6, participatingHeadcount: 8 });
});

test('matter 3, removal: the passing resolution removes the member; with no alternate the seat is vacant and flagged', async () => {
  const removed = received.filter((e) => e['detail-type'] === 'CommitteeMembersRemoved');
  expect(removed.map((e) => e.detail.data)).toEqual([expect.objectContaining({ voteId: 'committee-election-quorum-exact', removed: [{ personId: 'L3', name: 'Law Owner 3' }], vacancies: 1 })]);
  const onRecord = (await call('GET', `/compounds/${LAW}/committee`, { token: street })).json;
  expect(onRecord.members.map((m: { personId: string }) => m.personId)).toEqual(['L1', 'L2']);
  expect(onRecord.flags).toMatchObject({ vacancies: 1, needsNewElection: true });
  // Only sitting members can be named; a resolution on matter 3 must name them.
  expect((await call('POST', `/compounds/${LAW}/votes`, { token: committee, body: { kind: 'removal', voteId: 'again', members: ['L3'] } })).status).toBe(422);
  expect((await call('POST', `/compounds/${LAW}/votes`, { token: committee, body: { kind: 'removal', voteId: 'nobody', members: [] } })).status).toBe(400);
  expect(
    (await call('POST', `/compounds/${LAW}/votes`, { token: committee, body: { kind: 'resolution', voteId: 'm3', matter: 'committee_election', question: 'Replace the committee?' } })).status,
  ).toBe(400);
});
