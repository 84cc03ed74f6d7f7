import { catalogue, RollActivated, RollChunkPublished, type UnitRecord } from '../events/catalogue';
import type { DeliveredEvent } from '../events/envelope';
import { publish } from '../libs/bus';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { advancePast, client, compoundBody, startSystem } from './helpers';

/**
 * The committee after CommitteeElected: names as on the roll, pool members serving, the officers'
 * deadline, a sitting member on the negative list, removal (matter 3) with alternates and with a
 * by-election, the end of the term; and every state change on the bus.
 */
const DAY = 86_400_000;
const C = 'cm';
const UNITS = 60;

let system: LocalSystem;
let call: ReturnType<typeof client>;
let street: string;
let committee: string;
let bureau: string;
const received: DeliveredEvent[] = [];
const tokens = new Map<string, string>();
const owner = async (ownerId: string) => {
  if (!tokens.has(ownerId)) tokens.set(ownerId, await system.token([`owner:${C}:${ownerId}`], `person-${ownerId}`));
  return tokens.get(ownerId)!;
};
const advanceDays = async (days: number) => {
  await system.scheduler.advance(days * DAY);
  await system.idle();
};
/** Just past a vote's opening, its close (and count) or the end of its objections, as the API states them. */
const vote = async (voteId: string) => (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: street })).json;
const pastOpening = async (voteId: string) => advancePast(system, (await vote(voteId)).opensAt);
const pastClose = async (voteId: string) => advancePast(system, (await vote(voteId)).closesAt);
const pastObjections = async (voteId: string) => advancePast(system, (await vote(voteId)).objectionEndsAt);
const events = (type: string) => received.filter((e) => e['detail-type'] === type).map((e) => e.detail.data as Record<string, unknown>);
const voters = Array.from({ length: UNITS }, (_, i) => `W${i + 1}`);

/** Everyone votes: `choose(i)` is what voter i chooses. */
async function everyoneVotes(voteId: string, choose: (i: number) => unknown) {
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let i = lane; i < voters.length; i += 4) {
        const r = await call('POST', `/compounds/${C}/votes/${voteId}/ballots`, { token: await owner(voters[i]!), body: choose(i) });
        expect(r.status).toBe(201);
      }
    }),
  );
}

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau');
  street = await system.token(['street:S1'], 'street-officer');
  committee = await system.token([`committee:${C}`], 'committee-secretary');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(C) })).status).toBe(201);
  await system.idle();
  // The roll as a registry that publishes owners' names would (events/common.ts `ownerName`).
  const units: UnitRecord[] = voters.map((ownerId, i) => ({
    unitId: `B1-${String(i + 1).padStart(3, '0')}`,
    buildingId: 'B1',
    area: 8000 + i,
    areaSource: 'register',
    holding: 'owned',
    ownerId,
    ownerName: `Resident ${i + 1}`,
    registered: true,
  }));
  const at = { compoundId: C, actor: 'registry', occurredAt: clock.nowIso() };
  await publish([
    RollChunkPublished.create({ compoundId: C, rollVersion: 1, chunkIndex: 0, chunkCount: 1, units }, { ...at, id: 'cm-roll-0' }),
    RollActivated.create({ compoundId: C, rollVersion: 1, chunkCount: 1, unitCount: UNITS, totalArea: units.reduce((s, u) => s + u.area, 0) }, { ...at, id: 'cm-roll' }),
  ]);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('a committee of 7 with two alternates', () => {
  test('candidates stand under the roll’s names; pool members who own a unit here are recorded as owners', async () => {
    expect((await call('POST', `/compounds/${C}/votes`, { token: street, body: { kind: 'election', voteId: 'first', seats: 7, votingDays: 2 } })).status).toBe(201);
    const wrongName = await call('POST', `/compounds/${C}/votes/first/candidates`, { token: committee, body: { personId: 'W1', name: 'Someone Else', source: 'owners' } });
    expect(wrongName.status).toBe(422);
    expect(wrongName.json.errors).toEqual([{ field: 'body.name', reason: 'not the name on the roll' }]);
    const wrongUnit = await call('POST', `/compounds/${C}/votes/first/candidates`, { token: committee, body: { personId: 'W1', name: 'Resident 1', source: 'owners', unitId: 'B1-002' } });
    expect(wrongUnit.status).toBe(422);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = await call('POST', `/compounds/${C}/votes/first/candidates`, { token: committee, body: { personId: `W${n}`, name: ` resident  ${n} `, source: 'owners' } });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ name: `Resident ${n}`, nameChecked: true, ownsUnitHere: true, unitId: `B1-00${n}` });
    }
    // Resident 9 is also in the pool (a retired cadre); vetted by the street, standing as the owner of B1-009.
    expect((await call('POST', '/pool', { token: street, body: { personId: 'P-9', name: 'Resident 9', attributes: { partyMember: true, retiredCadre: true }, compounds: [C] } })).status).toBe(201);
    const pooled = await call('POST', `/compounds/${C}/votes/first/candidates`, { token: committee, body: { personId: 'P-9', name: 'Resident 9', source: 'pool', unitId: 'B1-009' } });
    expect(pooled.status).toBe(201);
    expect(pooled.json).toMatchObject({ source: 'pool', ownsUnitHere: true });
    expect(pooled.json.warnings).toEqual([]);
  });

  test('seven are elected, two are alternates; the pool member serves', async () => {
    await pastOpening('first');
    // W1-W4 by everyone; of the other five, each ballot names three: P-9 and W5 by 70%, W6 by 60%
    // (elected: seven in all), W7 and W8 by exactly half the people (alternates).
    const threes = [
      ...Array(3).fill(['P-9', 'W5', 'W6']),
      ...Array(2).fill(['P-9', 'W5', 'W7']),
      ...Array(2).fill(['P-9', 'W6', 'W8']),
      ...Array(2).fill(['W5', 'W7', 'W8']),
      ['W6', 'W7', 'W8'],
    ] as string[][];
    await everyoneVotes('first', (i) => ({ candidates: ['W1', 'W2', 'W3', 'W4', ...threes[i % 10]!] }));
    await pastClose('first');
    // Two days from 00:00: the reminder would fall at the opening, so there is none.
    expect(events('VoteReminderDue').filter((d) => d.voteId === 'first')).toEqual([]);
    const preliminary = (await call('GET', `/compounds/${C}/votes/first/report`, { token: street })).json;
    expect(preliminary.elected.map((e: { personId: string }) => e.personId).sort()).toEqual(['P-9', 'W1', 'W2', 'W3', 'W4', 'W5', 'W6']);
    expect(preliminary.alternates.map((e: { personId: string }) => e.personId).sort()).toEqual(['W7', 'W8']);
    await pastObjections('first');
    const onRecord = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    expect(onRecord.members).toHaveLength(7);
    expect(onRecord.members.map((m: { name: string }) => m.name)).toContain('Resident 9');
    expect(events('CommitteeElected')).toHaveLength(1);
    expect((await call('GET', '/pool?name=resident', { token: street })).json.items).toEqual([expect.objectContaining({ personId: 'P-9', status: 'serving', servingCompoundId: C })]);
  });
});

describe('after the election', () => {
  test('no chair after 7 days is flagged; recording the officers late says so', async () => {
    // Due by 24:00 of the 7th day after the election (moved past a weekend or public holiday), as the committee states it.
    await advancePast(system, (await call('GET', `/compounds/${C}/committee`, { token: street })).json.officersDueBy, 1);
    const flagged = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    expect(flagged.flags.officersOverdue).toBe(true);
    expect((await call('GET', '/reports/committees', { token: bureau })).json.flags).toEqual([{ compoundId: C, flag: 'no chair recorded within 7 days of the election' }]);
    const members = flagged.members.map((m: { personId: string }) => m.personId);
    const officers = await call('PUT', `/compounds/${C}/committee/officers`, { token: committee, body: { chair: members[0], viceChair: members[1] } });
    expect(officers.status).toBe(200);
    expect(officers.json.warnings).toEqual(['the officers were due within 7 days of the election']);
    expect(events('CommitteeOfficersSet')).toEqual([expect.objectContaining({ late: true })]);
  });

  test('a sitting member on the negative list is flagged, with an event, until it is lifted', async () => {
    const member = (await call('GET', `/compounds/${C}/committee`, { token: street })).json.members[2].personId;
    expect((await call('POST', `/people/${member}/disqualifications`, { token: street, body: { compoundId: C, reason: 'property_company_relation', sourceRef: 'street/S1/case-3' } })).status).toBe(
      201,
    );
    await system.idle();
    const flagged = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    expect(flagged.flags.disqualifiedMembers).toEqual([expect.objectContaining({ personId: member, reason: 'property_company_relation', sourceRef: 'street/S1/case-3' })]);
    expect(events('CommitteeMemberDisqualified')).toEqual([expect.objectContaining({ personId: member, committeeId: 'first' })]);
    expect((await call('GET', '/reports/committees', { token: bureau })).json.flags).toEqual([{ compoundId: C, flag: '1 sitting member(s) on the negative list' }]);

    expect((await call('POST', `/people/${member}/disqualifications/lift`, { token: street, body: { sourceRef: 'street/S1/case-3', note: 'the relative left the company' } })).status).toBe(200);
    await system.idle();
    expect((await call('GET', `/compounds/${C}/committee`, { token: street })).json.flags.disqualifiedMembers).toEqual([]);
    expect(events('CommitteeMemberRequalified')).toEqual([expect.objectContaining({ personId: member })]);
    expect(events('DisqualificationLifted')).toEqual([expect.objectContaining({ personId: member, sourceRef: 'street/S1/case-3' })]);
  });
});

describe('matter 3: removing members', () => {
  test('removing two members fills their seats from the alternates in order; a removed pool member is available again', async () => {
    const before = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    const alternates = before.alternates.map((a: { personId: string }) => a.personId);
    expect(alternates).toHaveLength(2);
    expect((await call('POST', `/compounds/${C}/votes`, { token: committee, body: { kind: 'removal', voteId: 'remove-2', members: ['W1', 'P-9'], votingDays: 1 } })).status).toBe(201);
    await pastOpening('remove-2');
    await everyoneVotes('remove-2', (i) => ({ choice: i % 10 < 7 ? 'for' : 'against' }));
    await pastClose('remove-2');
    await pastObjections('remove-2');
    expect(events('CommitteeMembersRemoved')).toEqual([
      expect.objectContaining({
        voteId: 'remove-2',
        removed: [
          { personId: 'W1', name: 'Resident 1' },
          { personId: 'P-9', name: 'Resident 9' },
        ],
      }),
    ]);
    const filled = events('CommitteeSeatFilled').map((e) => e.personId);
    expect(filled).toEqual(alternates.slice(0, 2));
    const after = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    expect(after.members.map((m: { personId: string }) => m.personId)).not.toContain('W1');
    expect(after.members).toHaveLength(5 + filled.length);
    expect((await call('GET', '/pool?name=resident', { token: street })).json.items).toEqual([expect.objectContaining({ personId: 'P-9', status: 'available' })]);
  });

  test('a removal with a by-election leaves the seat vacant; the by-election fills it', async () => {
    const sitting = (await call('GET', `/compounds/${C}/committee`, { token: street })).json.members.map((m: { personId: string }) => m.personId);
    const target = sitting.at(-1);
    expect((await call('POST', `/compounds/${C}/votes`, { token: committee, body: { kind: 'removal', voteId: 'remove-1', members: [target], then: 'by_election', votingDays: 1 } })).status).toBe(201);
    await pastOpening('remove-1');
    await everyoneVotes('remove-1', () => ({ choice: 'for' }));
    await pastClose('remove-1');
    await pastObjections('remove-1');
    const vacant = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    const vacancies = vacant.flags.vacancies;
    expect(vacancies).toBeGreaterThanOrEqual(1);
    // A by-election may not offer more seats than are vacant.
    expect((await call('POST', `/compounds/${C}/votes`, { token: street, body: { kind: 'election', purpose: 'by_election', voteId: 'too-many', seats: vacancies + 1 } })).status).toBe(422);
    expect((await call('POST', `/compounds/${C}/votes`, { token: street, body: { kind: 'election', purpose: 'by_election', voteId: 'by-1', seats: 1, votingDays: 1 } })).status).toBe(201);
    expect((await call('POST', `/compounds/${C}/votes/by-1/candidates`, { token: committee, body: { personId: 'W20', name: 'Resident 20', source: 'owners' } })).status).toBe(201);
    await pastOpening('by-1');
    await everyoneVotes('by-1', () => ({ candidates: ['W20'] }));
    await pastClose('by-1');
    await pastObjections('by-1');
    expect(events('CommitteeSeatFilled')).toEqual(expect.arrayContaining([expect.objectContaining({ voteId: 'by-1', personId: 'W20', from: 'by_election' })]));
    const filled = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
    expect(filled.members.map((m: { personId: string }) => m.personId)).toContain('W20');
    expect(filled.flags.vacancies).toBe(vacancies - 1);
  });
});

describe('the record over time', () => {
  test('an objection and an annulment are on the bus', async () => {
    expect(
      (
        await call('POST', `/compounds/${C}/votes`, {
          token: committee,
          body: { kind: 'resolution', voteId: 'gate', matter: 'other_major', question: 'Close the north gate at night?', votingDays: 1 },
        })
      ).status,
    ).toBe(201);
    await pastOpening('gate');
    await everyoneVotes('gate', () => ({ choice: 'for' }));
    await pastClose('gate');
    expect((await call('POST', `/compounds/${C}/votes/gate/objections`, { token: await owner('W5'), body: { reason: 'the notice was posted in one building only' } })).status).toBe(201);
    expect((await call('POST', `/compounds/${C}/votes/gate/annul`, { token: street, body: { reason: 'the notice did not reach every building' } })).status).toBe(200);
    await system.idle();
    expect(events('ObjectionFiled')).toEqual([expect.objectContaining({ voteId: 'gate' })]);
    expect(events('VoteAnnulled')).toEqual([expect.objectContaining({ voteId: 'gate', objections: 1 })]);
  });

  test('at the end of the term the committee leaves office; the city is told', async () => {
    expect((await call('PUT', `/compounds/${C}/party-branch`, { token: street, body: { hasBranch: true } })).status).toBe(200);
    // Past the end of the term as the committee states it (the daily term watch reminds first, then ends it).
    await advancePast(system, (await call('GET', `/compounds/${C}/committee`, { token: street })).json.termEnd);
    await advanceDays(1);
    expect(events('CommitteeTermExpiring')).toHaveLength(1);
    expect(events('CommitteeDissolved')).toEqual([expect.objectContaining({ committeeId: 'first', reason: 'term_ended' })]);
    const report = (await call('GET', '/reports/committees', { token: bureau })).json;
    expect(report).toMatchObject({ formalCommittees: 0, withoutCommittee: 1, partyBranches: 1 });
    expect(report.flags).toEqual([{ compoundId: C, flag: 'term ended without a new committee: an election is due' }]);
  });

  test('every state change went on the bus, each valid by its schema', async () => {
    const types = new Set(received.map((e) => e['detail-type']));
    for (const type of ['VoteAnnounced', 'VoteOpened', 'VoteClosed', 'CandidateNominated', 'PoolPersonAdded', 'PoolStatusChanged', 'PartyBranchRecorded', 'ResolutionPassed'])
      expect(types).toContain(type);
    for (const event of received) {
      const definition = catalogue.find((d) => d.detailType === event['detail-type'] && d.source === event.source);
      expect(definition).toBeDefined();
      expect(() => definition!.parse(event)).not.toThrow();
    }
    expect(events('VoteOpened').find((e) => e.voteId === 'first')).toMatchObject({ totalHeadcount: UNITS, voterCount: UNITS, households: UNITS });
    expect(events('VoteClosed').find((e) => e.voteId === 'first')).toMatchObject({ ballotCount: UNITS, outcome: { passed: true } });
  });
});
