import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ArrearsRecorded, ViolationConfirmed, ViolationRectified } from '../events/catalogue';
import type { DeliveredEvent } from '../events/envelope';
import { publish } from '../libs/bus';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { verifyVoteLog } from '../services/elections/domain/verify';
import { addDaysToDate, addMonthsToDate, localDate, startOfDate } from '../libs/calendar';
import { advancePast, client, compoundBody, rollCsv, startSystem } from './helpers';

const DAY = 86_400_000;
/** The tests that cast over a thousand ballots over HTTP: generous, for a shared 2-core machine (they pass or fail on results, never on time). */
const HEAVY_MS = 300_000;
const run = promisify(execFile);

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;
let committee: string;
let street: string;
const received: DeliveredEvent[] = [];
const tokens = new Map<string, string>();

async function ownerToken(ownerId: string, compoundId = 'el-a') {
  const key = `${compoundId}/${ownerId}`;
  if (!tokens.has(key)) tokens.set(key, await system.token([`owner:${compoundId}:${ownerId}`], `person-${ownerId}`));
  return tokens.get(key)!;
}

/** Run `tasks` with at most `width` in flight. */
async function inParallel<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

/** Every page of a published log, joined as the verify CLI joins them. */
async function fullLog(path: string, token: string) {
  const first = await call('GET', path, { token });
  expect(first.status).toBe(200);
  const doc = first.json;
  for (let cursor = doc.nextCursor; cursor; ) {
    const next = (await call('GET', `${path}?cursor=${cursor}`, { token })).json;
    doc.entries.push(...next.entries);
    cursor = next.nextCursor;
  }
  delete doc.nextCursor;
  return doc;
}

/** Just past a vote's opening, its close (and count) or the end of its objections, as the API states them. */
const pastStep = async (voteId: string, step: 'opensAt' | 'closesAt' | 'objectionEndsAt') =>
  advancePast(system, (await call('GET', `/compounds/el-a/votes/${voteId}`, { token: committee })).json[step]);

const advanceDays = async (days: number) => {
  await system.scheduler.advance(days * DAY);
  await system.idle();
};

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  // A consumer standing in for the funds service: whatever subscribes to resolutions.
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau');
  committee = await system.token(['committee:el-a'], 'committee-secretary');
  street = await system.token(['street:S1'], 'street-officer');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('el-a') })).status).toBe(201);
  expect((await call('POST', '/compounds/el-a/roll', { token: bureau, raw: rollCsv(2000), type: 'text/csv' })).status).toBe(201);
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('el-b') })).status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('an owners’ vote on using the maintenance fund, end to end', () => {
  // 2,000 units: 50 unsold (one person: the developer), O1 holds 4 → 1,948 people.
  const HEADCOUNT = 2000 - 50 + 1 - 3;
  let voters: string[];

  test('the committee announces it; voting opens no earlier than 00:00 Beijing after 15 whole days, and runs to 24:00 of its 7th day', async () => {
    const created = await call('POST', '/compounds/el-a/votes', {
      token: committee,
      body: {
        kind: 'resolution',
        voteId: 'lift-2026',
        matter: 'maintenance_fund_use',
        question: 'Replace the lift of building B03 for 480,000 yuan?',
        votingDays: 7,
        payload: { projectId: 'lift-b03', fund: 'maintenance', amountFen: 48_000_000 },
      },
    });
    expect(created.status).toBe(201);
    // Notice on day D (Beijing): D+1 … D+15 are the 15 days; voting opens at 00:00 of D+16 and, counting that whole day, closes at 24:00 of D+22.
    const earliest = startOfDate(addDaysToDate(localDate(created.json.noticeAt), 16));
    expect(created.json.opensAt).toBe(earliest);
    expect(created.json.closesAt).toBe(startOfDate(addDaysToDate(localDate(created.json.noticeAt), 23)));
    expect(created.json.timeZone).toBe('Asia/Shanghai');
    const early = await call('POST', '/compounds/el-a/votes', {
      token: committee,
      body: { kind: 'resolution', voteId: 'too-soon', matter: 'other_major', question: 'May riders enter the compound?', opensAt: new Date(Date.parse(earliest) - 1).toISOString() },
    });
    expect(early.status).toBe(422);
    expect(early.json.detail).toContain(`at the earliest ${earliest}`);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/open', { token: committee })).status).toBe(409);
    const owner = await ownerToken('O2');
    expect((await call('POST', '/compounds/el-a/votes', { token: owner, body: { kind: 'resolution', voteId: 'x', matter: 'other_major', question: 'Owners cannot call votes' } })).status).toBe(403);
    const beforeOpening = await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: owner, body: { choice: 'for' } });
    expect([beforeOpening.status, beforeOpening.json.detail]).toEqual([409, expect.stringContaining('voting has not opened')]);
  });

  test('the schedule opens it and freezes the electorate by the SPC rules', async () => {
    await pastStep('lift-2026', 'opensAt');
    const vote = await call('GET', '/compounds/el-a/votes/lift-2026', { token: await ownerToken('O2') });
    expect(vote.json.status).toBe('open');
    expect(vote.json.totalHeadcount).toBe(HEADCOUNT);
    expect(vote.json.turnout).toMatchObject({ participatingHeadcount: 0, totalHeadcount: HEADCOUNT });
    expect(vote.json.electorateId).toBeUndefined();
  });

  test('50 parallel attempts by one owner yield exactly one ballot', async () => {
    const token = await ownerToken('O1');
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token, body: { choice: i % 2 ? 'for' : 'against' } })));
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 409)).toHaveLength(49);
    const mine = await call('GET', '/compounds/el-a/votes/lift-2026/ballots/mine', { token });
    expect(mine.json.area).toBeGreaterThan(0);
    expect(mine.json.receipt).toBe(attempts.find((a) => a.status === 201)!.json.receipt);
  });

  test('only owners of the compound in the electorate vote', async () => {
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: committee, body: { choice: 'for' } })).status).toBe(403);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O2', 'el-b'), body: { choice: 'for' } })).status).toBe(403);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('stranger'), body: { choice: 'for' } })).status).toBe(403);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O2'), body: { candidates: ['O3'] } })).status).toBe(422);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O2'), body: { choice: 'maybe' } })).status).toBe(400);
  });

  test(
    '1,400 owners vote concurrently; turnout is live (at most half a minute old)',
    async () => {
      voters = Array.from({ length: 1400 }, (_, i) => `O${i + 2}`).filter((o) => Number(o.slice(1)) % 40 !== 0 && o !== 'O501' && o !== 'O1001' && o !== 'O1501');
      const results = await inParallel(
        16,
        voters.map((ownerId, i) => async () => {
          const choice = i % 10 < 7 ? 'for' : i % 10 < 9 ? 'against' : 'abstain';
          return (await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken(ownerId), body: { choice } })).status;
        }),
      );
      expect(results.every((s) => s === 201)).toBe(true);
      // The turnout snapshot is refreshed by the first request that finds it older than 30 s (by the runtime's clock).
      await system.scheduler.advance(31_000);
      const turnout = await call('GET', '/compounds/el-a/votes/lift-2026/turnout', { token: await ownerToken('O2') });
      expect(turnout.json.participatingHeadcount).toBe(voters.length + 1);
      const csv = await call('GET', '/compounds/el-a/votes/lift-2026/turnout?format=csv', { token: committee });
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      expect(csv.text.split('\r\n')[2]).toMatch(new RegExp(`^headcount,${HEADCOUNT},${voters.length + 1},`));
    },
    HEAVY_MS,
  );

  test('the committee may see who voted what; owners may not', async () => {
    const ballots = await call('GET', '/compounds/el-a/votes/lift-2026/ballots?limit=10', { token: committee });
    expect(ballots.status).toBe(200);
    expect(ballots.json.items[0]).toHaveProperty('voterId');
    expect(ballots.json.nextCursor).toBeDefined();
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O2') })).status).toBe(403);
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/ballots', { token: await system.token(['property:el-a']) })).status).toBe(403);
    // Not even the city: individual choices are for the committee and the street office only.
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/ballots', { token: bureau })).status).toBe(403);
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/ballots', { token: await system.token(['inspector:S1']) })).status).toBe(403);
    const inspect = await call('GET', '/compounds/el-a/votes/lift-2026/ballots?format=csv', { token: street });
    expect(inspect.text.trim().split('\r\n')).toHaveLength(voters.length + 2);
  });

  test('the schedule closes it: a preliminary result, then final after the objection period, and the event reaches a consumer', async () => {
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/close', { token: committee })).status).toBe(409);
    // Counting starts a minute after the close, so that ballots in flight have landed. The clock is
    // moved to the closing time exactly (however long the ballots above took in real time).
    const { closesAt } = (await call('GET', '/compounds/el-a/votes/lift-2026', { token: committee })).json;
    await system.scheduler.advance(Date.parse(closesAt) - clock.now().getTime());
    await system.idle();
    expect((await call('GET', '/compounds/el-a/votes/lift-2026', { token: committee })).json.status).toBe('open');
    // Still "open" until the count, but closed by the clock: the refusal says so.
    const late = await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O3'), body: { choice: 'for' } });
    expect([late.status, late.json.detail]).toEqual([409, expect.stringContaining(`voting closed at ${closesAt}`)]);
    await advanceDays(0.01);
    const preliminary = await call('GET', '/compounds/el-a/votes/lift-2026/report', { token: await ownerToken('O2') });
    expect(preliminary.json.stage).toBe('preliminary');
    expect(preliminary.json.result.outcome).toEqual({ passed: true });
    expect(preliminary.json.result.figures.participatingHeadcount).toBe(voters.length + 1);
    expect(received.filter((e) => e['detail-type'] === 'ResolutionPassed')).toHaveLength(0);
    expect((await call('POST', '/compounds/el-a/votes/lift-2026/ballots', { token: await ownerToken('O3'), body: { choice: 'for' } })).status).toBe(409);

    const objection = await call('POST', '/compounds/el-a/votes/lift-2026/objections', { token: await ownerToken('O2'), body: { reason: 'I was abroad and could not vote in time.' } });
    expect(objection.status).toBe(201);
    expect(objection.json).toMatchObject({ kind: 'result', decidedBy: 'the street office' });

    // An objection is a case the street office decides: until it does, the result does not become final.
    await pastStep('lift-2026', 'objectionEndsAt');
    expect((await call('GET', '/compounds/el-a/votes/lift-2026', { token: committee })).json.status).toBe('preliminary');
    const rejected = await call('POST', `/compounds/el-a/votes/lift-2026/objections/${objection.json.objectionId}/decision`, {
      token: street,
      body: { upheld: false, reason: 'being abroad is no ground: the vote ran 14 days online' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.json.decision).toMatchObject({ kind: 'result', upheld: false });
    await advanceDays(0.01);
    const final = await call('GET', '/compounds/el-a/votes/lift-2026/report', { token: committee });
    expect(final.json.stage).toBe('final');
    const passed = received.filter((e) => e['detail-type'] === 'ResolutionPassed');
    expect(passed).toHaveLength(1);
    expect(passed[0]!.detail.data).toMatchObject({
      voteId: 'lift-2026',
      matter: 'maintenance_fund_use',
      payload: { projectId: 'lift-b03', amountFen: 48_000_000 },
      figures: final.json.result.figures,
    });
    const csv = await call('GET', '/compounds/el-a/votes/lift-2026/report?format=csv', { token: committee });
    expect(csv.text).toMatch(/outcome \(final\),passed/);
  });

  test('the published log verifies (library and CLI, page by page); owners find their receipt, inspectors the weights; tampering shows', async () => {
    const owner = await ownerToken('O2');
    const log = await fullLog('/compounds/el-a/votes/lift-2026/log', owner);
    expect(log.entries.length).toBeGreaterThan(500); // more than one page
    expect(JSON.stringify(log)).not.toContain('"O2"');
    expect(JSON.stringify(log.entries)).not.toMatch(/"area"/);
    expect(verifyVoteLog(log)).toMatchObject({ ok: true, entries: voters.length + 1, view: 'public' });
    const mine = await call('GET', '/compounds/el-a/votes/lift-2026/ballots/mine', { token: await ownerToken('O7') });
    const entry = log.entries.find((e: { receipt: string }) => e.receipt === mine.json.receipt);
    expect(entry.commitment).toBe(mine.json.commitment);
    expect(mine.json).toMatchObject({ channel: 'online', status: 'counted', conflicts: [] });

    // The weighted log: for the committee and the street office only.
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/log/weighted', { token: owner })).status).toBe(403);
    expect((await call('GET', '/compounds/el-a/votes/lift-2026/log/weighted', { token: await system.token(['property:el-a']) })).status).toBe(403);
    const weighted = await fullLog('/compounds/el-a/votes/lift-2026/log/weighted', committee);
    expect(verifyVoteLog(weighted)).toMatchObject({ ok: true, view: 'weighted', recomputed: { outcome: { passed: true } } });
    expect(weighted.entries.map((e: { hash: string }) => e.hash)).toEqual(log.entries.map((e: { hash: string }) => e.hash));

    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-log-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(log));
    const ok = await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'vote', good]);
    expect(ok.stdout).toMatch(/OK: the log and the result hold/);
    // From the API, following the pages, with the inspectors' view.
    const online = await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'vote', `${system.url}/compounds/el-a/votes/lift-2026/log/weighted`, '--token', committee]);
    expect(online.stdout).toMatch(new RegExp(`${voters.length + 1} ballots .*weighted`));
    expect(online.stdout).toMatch(/OK: the log and the result hold/);

    const tampered = structuredClone(log);
    const flipped = tampered.entries.find((e: { choice: string }) => e.choice === 'against');
    flipped.choice = 'for';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(tampered));
    await expect(run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'vote', bad])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(new RegExp(`entry ${flipped.seq}: .*altered`)),
    });
    const heavier = structuredClone(weighted);
    heavier.entries[3].area += 1;
    expect(verifyVoteLog(heavier).problems).toEqual(expect.arrayContaining([expect.stringMatching(/entry 3: the area, channel or proxy flag does not open its commitment/)]));
  });
});

describe('a committee election with the negative list and the reserve pool', () => {
  test('the street office vets pool members; nominations check the negative list', async () => {
    // A new roll of 300 units for the election (the 2,000-unit vote above is final; the next vote freezes this roll).
    expect((await call('POST', '/compounds/el-a/roll', { token: bureau, raw: rollCsv(300), type: 'text/csv' })).status).toBe(201);
    await system.idle();
    // Community party secretaries vetted to chair a compound they do not live in (异地担任): the pool records the exception.
    for (const [personId, name, partyMember, secretary] of [
      ['P-chen', 'Chen', true, true],
      ['P-lin', 'Lin', true, false],
    ] as const) {
      const added = await call('POST', '/pool', {
        token: street,
        body: {
          personId,
          name,
          attributes: { partyMember, partyBranchSecretary: secretary, communityCommitteeMember: personId === 'P-lin' },
          compounds: ['el-a'],
          nonOwnerException: 'community party secretary, vetted by the street office',
        },
      });
      expect(added.status).toBe(201);
      expect(added.json).toMatchObject({ districtId: 'D1', streetId: 'S1', communityId: 'K1' });
    }
    const otherStreet = await system.token(['street:S2']);
    expect((await call('POST', '/pool', { token: otherStreet, body: { personId: 'P-x', name: 'x', attributes: {}, compounds: ['el-a'] } })).status).toBe(403);
    // Without an exception, someone who owns no unit here cannot stand.
    expect((await call('POST', '/pool', { token: street, body: { personId: 'P-wu', name: 'Wu', attributes: {}, compounds: ['el-a'] } })).status).toBe(201);

    const created = await call('POST', '/compounds/el-a/votes', { token: street, body: { kind: 'election', voteId: 'committee-2026', seats: 5, votingDays: 10 } });
    expect(created.status).toBe(201);
    expect((await call('POST', '/compounds/el-a/votes', { token: street, body: { kind: 'election', voteId: 'bad-seats', seats: 4 } })).status).toBe(422);

    // Enforcement confirms an illegal construction by O16: the negative list follows.
    await publish([
      ViolationConfirmed.create(
        { compoundId: 'el-a', findingId: 'F-77', category: 'illegal_construction', responsibleOwnerId: 'O16', department: 'urban-management', deadline: '2027-06-01T00:00:00.000Z' },
        { compoundId: 'el-a', actor: 'inspector-9', occurredAt: clock.nowIso() },
      ),
    ]);
    await system.idle();
    const refused = await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'O16', name: 'Owner 16', source: 'owners' } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].reason).toMatch(/unrectified_violation \(source: enforcement\/finding\/F-77\)/);
    expect(received.some((e) => e['detail-type'] === 'CandidateDisqualified' && (e.detail.data as { personId: string }).personId === 'O16')).toBe(true);

    for (const personId of ['O10', 'O11', 'O12', 'O13', 'O14', 'O15']) {
      expect((await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId, name: `Owner ${personId.slice(1)}`, source: 'owners' } })).status).toBe(201);
    }
    expect((await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'P-chen', name: 'Chen', source: 'pool' } })).status).toBe(201);
    expect((await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'P-lin', name: 'Lin', source: 'pool' } })).status).toBe(201);
    expect((await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'nobody', name: 'No one', source: 'owners' } })).status).toBe(422);
    const wu = await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'P-wu', name: 'Wu', source: 'pool' } });
    expect(wu.status).toBe(422);
    expect(wu.json.detail).toMatch(/must own a unit/);
    expect((await call('POST', '/compounds/el-a/votes/committee-2026/candidates', { token: committee, body: { personId: 'O10', name: 'again', source: 'owners' } })).status).toBe(409);
    const first = await call('GET', '/compounds/el-a/votes/committee-2026/candidates?limit=5', { token: await ownerToken('O2') });
    const rest = await call('GET', `/compounds/el-a/votes/committee-2026/candidates?limit=5&cursor=${first.json.nextCursor}`, { token: await ownerToken('O2') });
    expect([...first.json.items, ...rest.json.items].map((c: { personId: string }) => c.personId).sort()).toEqual(['O10', 'O11', 'O12', 'O13', 'O14', 'O15', 'P-chen', 'P-lin']);
    expect(rest.json.nextCursor).toBeUndefined();
  });

  test(
    'owners vote for up to 5; seats go by votes; a disqualification before the final result hands the seat to the first alternate',
    async () => {
      await pastStep('committee-2026', 'opensAt');
      expect((await call('GET', '/compounds/el-a/votes/committee-2026', { token: committee })).json.status).toBe('open');
      // 292 voters, 5 names each: everyone for P-chen, P-lin and O10; two of O11 (85%), O12 (60%), O13 (54%).
      const ballots = Array.from({ length: 299 }, (_, i) => i + 2).filter((n) => n % 40 !== 0);
      await inParallel(
        16,
        ballots.map((n, i) => async () => {
          const slot = i % 20;
          const pair = slot < 9 ? ['O11', 'O12'] : slot < 17 ? ['O11', 'O13'] : ['O12', 'O13'];
          const r = await call('POST', '/compounds/el-a/votes/committee-2026/ballots', { token: await ownerToken(`O${n}`), body: { candidates: ['P-chen', 'P-lin', 'O10', ...pair] } });
          expect(r.status).toBe(201);
        }),
      );
      const tooMany = await call('POST', '/compounds/el-a/votes/committee-2026/ballots', { token: await ownerToken('O1'), body: { candidates: ['P-chen', 'P-lin', 'O10', 'O11', 'O12', 'O13'] } });
      expect(tooMany.status).toBe(422);

      await pastStep('committee-2026', 'closesAt');
      const preliminary = (await call('GET', '/compounds/el-a/votes/committee-2026/report', { token: committee })).json;
      expect(preliminary.stage).toBe('preliminary');
      const ids = (list: { candidateId: string }[]) => list.map((c) => c.candidateId);
      expect(ids(preliminary.result.allocation.elected)).toEqual(['O10', 'P-chen', 'P-lin', 'O11', 'O12']);
      expect(ids(preliminary.result.allocation.alternates)).toEqual(['O13']);
      expect(ids(preliminary.result.allocation.rejected)).toEqual(['O14', 'O15']);

      // Funds records arrears for O11 during the objection period: O11 loses the seat at the final check.
      await publish([
        ArrearsRecorded.create(
          { compoundId: 'el-a', ownerId: 'O11', unitId: 'B01-011', kind: 'maintenance_fund', amountFen: 120_000, arrearsId: 'A-11' },
          { compoundId: 'el-a', actor: 'funds', occurredAt: clock.nowIso() },
        ),
      ]);
      await system.idle();
      await pastStep('committee-2026', 'objectionEndsAt');

      const elected = received.filter((e) => e['detail-type'] === 'CommitteeElected');
      expect(elected).toHaveLength(1);
      const data = elected[0]!.detail.data as { members: { personId: string }[]; alternates: string[]; termStart: string; termEnd: string };
      expect(data.members.map((m) => m.personId)).toEqual(['O10', 'P-chen', 'P-lin', 'O12', 'O13']);
      expect(data.alternates).toEqual([]);
      // Five years from the day the result became final (not counted) to 24:00 Beijing of the corresponding day (Civil Code arts. 201, 202).
      expect(data.termEnd).toBe(startOfDate(addDaysToDate(addMonthsToDate(localDate(data.termStart), 60), 1)));
      expect(received.some((e) => e['detail-type'] === 'CandidateDisqualified' && (e.detail.data as { personId: string }).personId === 'O11')).toBe(true);

      // The log shows the count and the final seats; a verifier follows O11's seat to the alternate.
      const log = await fullLog('/compounds/el-a/votes/committee-2026/log/weighted', committee);
      expect(log.stage).toMatchObject({ status: 'final', outcome: { passed: true }, dropped: ['O11'] });
      expect(verifyVoteLog(log)).toMatchObject({ ok: true, view: 'weighted' });
      expect(verifyVoteLog({ ...log, stage: { ...log.stage, dropped: [] } }).problems).toContain('the final committee does not follow from the count and the people dropped at the final check');

      const onRecord = await call('GET', '/compounds/el-a/committee', { token: await ownerToken('O2') });
      expect(onRecord.json).toMatchObject({ kind: 'committee', seats: 5, committeeId: 'committee-2026' });
      // Elected pool members are serving now.
      expect((await call('GET', '/pool?name=chen', { token: street })).json.items).toEqual([expect.objectContaining({ personId: 'P-chen', status: 'serving', servingCompoundId: 'el-a' })]);
      const officers = await call('PUT', '/compounds/el-a/committee/officers', { token: committee, body: { chair: 'P-chen', viceChair: 'P-lin' } });
      expect(officers.status).toBe(200);
    },
    HEAVY_MS,
  );

  test('rectifying the violation lifts the disqualification it caused', async () => {
    await publish([
      ViolationRectified.create(
        { compoundId: 'el-a', findingId: 'F-77', responsibleOwnerId: 'O16', department: 'urban-management' },
        { compoundId: 'el-a', actor: 'inspector-9', occurredAt: clock.nowIso() },
      ),
    ]);
    await system.idle();
    const records = (await call('GET', '/people/O16/disqualifications', { token: street })).json.items;
    expect(records).toEqual([expect.objectContaining({ sourceRef: 'enforcement/finding/F-77', active: false, liftNote: 'violation rectified' })]);
    // An event-sourced record is lifted by its source, not by hand.
    expect((await call('POST', '/people/O16/disqualifications/lift', { token: street, body: { sourceRef: 'enforcement/finding/F-77', note: 'trying by hand' } })).status).toBe(409);
  });

  test('a temporary management committee: chaired by the street office, owners at least half, odd 7 to 11', async () => {
    const member = (i: number, owner: boolean) => ({ personId: `T${i}`, name: `Member ${i}`, owner });
    const chair = { personId: 'S1-rep', name: 'Street representative' };
    const even = await call('PUT', '/compounds/el-b/temporary-committee', { token: street, body: { chair, members: [1, 2, 3, 4, 5, 6, 7].map((i) => member(i, true)) } });
    expect(even.status).toBe(422);
    const fewOwners = await call('PUT', '/compounds/el-b/temporary-committee', { token: street, body: { chair, members: [1, 2, 3, 4, 5, 6].map((i) => member(i, i <= 2)) } });
    expect(fewOwners.status).toBe(422);
    const ok = await call('PUT', '/compounds/el-b/temporary-committee', { token: street, body: { chair, members: [1, 2, 3, 4, 5, 6].map((i) => member(i, i <= 4)) } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ kind: 'temporary_committee', seats: 7 });
    expect(ok.json.termEnd).toBe(startOfDate(addDaysToDate(addMonthsToDate(localDate(ok.json.termStart), 24), 1)));
    expect((await call('PUT', '/compounds/el-b/temporary-committee', { token: committee, body: { chair, members: [] } })).status).toBe(403);
    expect((await call('PUT', '/compounds/el-a/temporary-committee', { token: street, body: { chair, members: [1, 2, 3, 4, 5, 6].map((i) => member(i, true)) } })).status).toBe(409);
  });

  test('the city report counts committees, party members and cross-appointment', async () => {
    // Reports read per-compound summaries, which follow the committee's events: wait for the bus.
    await system.idle();
    const report = await call('GET', '/reports/committees', { token: bureau });
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({
      compounds: 2,
      formalCommittees: 1,
      temporaryCommittees: 1,
      withoutCommittee: 0,
      partyMembers: 2,
      chairsWhoAreBranchSecretaries: 1,
      communityCommitteeMembersOnCommittees: 1,
      flags: [],
    });
    const streetView = await call('GET', '/reports/committees?streetId=S2', { token: street });
    expect(streetView.status).toBe(403);
    expect((await call('GET', '/reports/committees', { token: await ownerToken('O2') })).status).toBe(403);
  });

  test('the street office is reminded three months before the term ends, once; an overdue temporary committee is flagged', async () => {
    const before = received.filter((e) => e['detail-type'] === 'CommitteeTermExpiring').length;
    await advanceDays(365 * 4 + 200);
    // The temporary committee of el-b was reminded before its 2 years ran out, and is now overdue.
    const reminders = received.filter((e) => e['detail-type'] === 'CommitteeTermExpiring');
    expect(reminders.map((e) => (e.detail.data as { compoundId: string; kind: string }).kind)).toEqual(['temporary_committee']);
    expect((await call('GET', '/reports/committees', { token: bureau })).json.flags).toEqual([{ compoundId: 'el-b', flag: 'temporary committee past its 2-year limit' }]);
    await advanceDays(120);
    await system.scheduler.fire('elections/term-watch');
    await system.idle();
    expect(received.filter((e) => e['detail-type'] === 'CommitteeTermExpiring')).toHaveLength(before + 2);
    expect(received.filter((e) => e['detail-type'] === 'CommitteeTermExpiring').at(-1)!.detail.data).toMatchObject({ compoundId: 'el-a', kind: 'committee' });
  });
});
