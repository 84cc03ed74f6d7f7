import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { verifyVoteLog } from '../services/elections/domain/verify';
import { advancePast, client, compoundBody, startSystem } from './helpers';

/**
 * A hybrid owners' vote (issue 14): online ballots, paper ballots entered by the committee's staff
 * and collected door to door by a building head, written proxies voting online and on paper, one
 * ballot per owner whatever the channel, the reminder two days before the close, an owner's
 * objection to a forged paper ballot upheld by the street office, and the log that verifies it all.
 *
 * Fifteen owners H1..H15 with equal areas (B01: H1-H6, B02: H7-H12, B03: H13-H15), so area and
 * headcount move together: 10 ballots are exactly the 2/3 quorum, and striking one leaves none.
 */
const DAY = 86_400_000;
const C = 'hy';
const V = `/compounds/${C}/votes/works`;
const E = `/compounds/${C}/votes/board`;
const run = promisify(execFile);

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;
let committee: string;
let street: string;
let head: string;
const received: DeliveredEvent[] = [];
const tokens = new Map<string, string>();
const owner = async (id: string) => {
  if (!tokens.has(id)) tokens.set(id, await system.token([`owner:${C}:${id}`], `user-${id}`));
  return tokens.get(id)!;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const events = (type: string): any[] => received.filter((e) => e['detail-type'] === type).map((e) => e.detail.data);
const advance = async (ms: number) => {
  await system.scheduler.advance(ms);
  await system.idle();
};
const paper = (ownerId: string, number: string, over: Record<string, unknown> = {}) => ({
  ownerId,
  choice: 'for',
  paperNumber: number,
  scanRef: `scans/works/${number}.jpg`,
  witness: { personId: 'W-zhang', name: 'Zhang Wei' },
  ...over,
});

function roll(): string {
  const lines = ['building,unit,area,area_source,holding,owner_id,owner_name,registered'];
  for (let n = 1; n <= 15; n++) lines.push(`B0${n <= 6 ? 1 : n <= 12 ? 2 : 3},${String(n).padStart(3, '0')},80.00,register,owned,H${n},Owner ${n},yes`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau');
  committee = await system.token([`committee:${C}`], 'clerk-1');
  street = await system.token(['street:S1'], 'street-officer');
  head = await system.token([`grid:${C}:B02`], 'head-b02');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(C) })).status).toBe(201);
  const rolled = await call('POST', `/compounds/${C}/roll`, { token: bureau, raw: roll(), type: 'text/csv' });
  expect(rolled.status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('a hybrid vote: online, paper, proxies, door to door', () => {
  test('the committee announces it; proxies are registered before it opens, bounded per holder, revocable', async () => {
    const created = await call('POST', `/compounds/${C}/votes`, {
      token: committee,
      body: { kind: 'resolution', voteId: 'works', matter: 'other_major', question: 'Repaint the façades of B01 and B02?', votingDays: 7 },
    });
    expect(created.status).toBe(201);
    // An election beside it, for the witness rules: H10 stands.
    expect((await call('POST', `/compounds/${C}/votes`, { token: committee, body: { kind: 'election', voteId: 'board', seats: 3, votingDays: 7 } })).status).toBe(201);
    expect((await call('POST', `${E}/candidates`, { token: committee, body: { personId: 'H10', name: 'Owner 10', source: 'owners' } })).status).toBe(201);

    expect((await call('PUT', `/compounds/${C}/proxy-limit`, { token: committee, body: { maxProxiesPerHolder: 2 } })).status).toBe(200);
    expect((await call('PUT', `/compounds/${C}/proxy-limit`, { token: await owner('H1'), body: { maxProxiesPerHolder: 5 } })).status).toBe(403);
    const doc = (n: number) => `committee/proxies/2026-${String(n).padStart(3, '0')}`;
    // The committee registers from the signed document; an owner registers their own.
    const h1 = await call('POST', `/compounds/${C}/proxies`, {
      token: committee,
      body: { proxyId: 'px-h1', ownerId: 'H1', holder: { personId: 'H2', name: 'Owner 2' }, voteId: 'works', documentRef: doc(1) },
    });
    expect(h1.status).toBe(201);
    expect(h1.json).toMatchObject({ ownerId: 'H1', voteId: 'works', limit: 2, registeredBy: 'clerk-1' });
    expect(
      (await call('POST', `/compounds/${C}/proxies`, { token: await owner('H3'), body: { proxyId: 'px-h3', holder: { personId: 'H2', name: 'Owner 2' }, voteId: 'works', documentRef: doc(3) } }))
        .status,
    ).toBe(201);
    const third = await call('POST', `/compounds/${C}/proxies`, {
      token: await owner('H4'),
      body: { proxyId: 'px-h4', holder: { personId: 'H2', name: 'Owner 2' }, voteId: 'works', documentRef: doc(4) },
    });
    expect(third.status).toBe(422);
    expect(third.json.detail).toMatch(/already represents 2 owners.*allow 2/);
    // An owner may not register a proxy in another owner's name, nor twice for one vote.
    expect(
      (
        await call('POST', `/compounds/${C}/proxies`, {
          token: await owner('H4'),
          body: { proxyId: 'px-x', ownerId: 'H12', holder: { personId: 'H4', name: 'Owner 4' }, voteId: 'works', documentRef: doc(9) },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call('POST', `/compounds/${C}/proxies`, { token: await owner('H3'), body: { proxyId: 'px-h3b', holder: { personId: 'H9', name: 'Owner 9' }, voteId: 'works', documentRef: doc(5) } }))
        .status,
    ).toBe(409);
    // A neighbour who owns nothing here holds H5's proxy (they will sign a paper ballot).
    expect(
      (
        await call('POST', `/compounds/${C}/proxies`, {
          token: committee,
          body: { proxyId: 'px-h5', ownerId: 'H5', holder: { personId: 'P-liu', name: 'Liu Yang' }, voteId: 'works', documentRef: doc(6) },
        })
      ).status,
    ).toBe(201);
    // H6 authorizes H7, then revokes before the opening.
    expect(
      (await call('POST', `/compounds/${C}/proxies`, { token: await owner('H6'), body: { proxyId: 'px-h6', holder: { personId: 'H7', name: 'Owner 7' }, voteId: 'works', documentRef: doc(7) } }))
        .status,
    ).toBe(201);
    expect((await call('POST', `/compounds/${C}/proxies/px-h6/revoke`, { token: await owner('H7') })).status).toBe(403);
    const revoked = await call('POST', `/compounds/${C}/proxies/px-h6/revoke`, { token: await owner('H6') });
    expect(revoked.status).toBe(200);
    expect((await call('POST', `/compounds/${C}/proxies/px-h6/revoke`, { token: await owner('H6') })).status).toBe(409);

    const mine = await call('GET', `/compounds/${C}/proxies`, { token: await owner('H2') });
    expect(mine.json.items.map((p: { proxyId: string }) => p.proxyId)).toEqual(['px-h1', 'px-h3']);
    expect((await call('GET', `/compounds/${C}/proxies`, { token: street })).json.items).toHaveLength(4);
    await system.idle();
    expect(events('ProxyRegistered')).toHaveLength(4);
    expect(events('ProxyRevoked')).toHaveLength(1);
  });

  test('the opening freezes the proxies; after it none is registered or revoked', async () => {
    await advancePast(system, (await call('GET', V, { token: committee })).json.opensAt);
    const vote = await call('GET', V, { token: committee });
    expect(vote.json).toMatchObject({ status: 'open', totalHeadcount: 15, proxies: 3, proxyLimit: 2 });
    expect(events('VoteOpened').find((d) => d.voteId === 'works')).toMatchObject({ proxies: 3, proxyLimit: 2, question: 'Repaint the façades of B01 and B02?', closesAt: vote.json.closesAt });
    expect(
      (
        await call('POST', `/compounds/${C}/proxies`, {
          token: await owner('H4'),
          body: { proxyId: 'px-late', holder: { personId: 'H9', name: 'Owner 9' }, voteId: 'works', documentRef: 'committee/proxies/late' },
        })
      ).status,
    ).toBe(409);
    expect((await call('POST', `/compounds/${C}/proxies/px-h1/revoke`, { token: committee })).status).toBe(409);
  });

  test('one proxy votes online for several owners; a revoked proxy votes for no one', async () => {
    const h2 = await owner('H2');
    const own = await call('POST', `${V}/ballots`, { token: h2, body: { choice: 'for' } });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ channel: 'online' });
    expect(own.json.proxy).toBeUndefined();
    for (const voter of ['H1', 'H3']) {
      const cast = await call('POST', `${V}/ballots`, { token: h2, body: { choice: 'for', for: voter } });
      expect(cast.status).toBe(201);
      expect(cast.json).toMatchObject({ channel: 'online', proxy: { proxyId: `px-${voter.toLowerCase()}`, holderId: 'H2' } });
    }
    // H2 sees how H1's ballot was recorded; another owner may not look.
    expect((await call('GET', `${V}/ballots/mine?for=H1`, { token: h2 })).json).toMatchObject({ voterId: 'H1', channel: 'online', proxy: { holderId: 'H2' } });
    expect((await call('GET', `${V}/ballots/mine?for=H1`, { token: await owner('H9') })).status).toBe(403);
    // The same ballot sent again is refused without a conflict; H1 voting after their proxy did is a conflict.
    const again = await call('POST', `${V}/ballots`, { token: h2, body: { choice: 'for', for: 'H1' } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ recordedAsConflict: false });
    const h1 = await call('POST', `${V}/ballots`, { token: await owner('H1'), body: { choice: 'against' } });
    expect(h1.status).toBe(409);
    expect(h1.json.detail).toMatch(/cast by the proxy H2/);
    expect(h1.json).toMatchObject({ recordedAsConflict: true, existing: { channel: 'online', byProxy: true } });

    // H6 revoked H7's proxy: H7 cannot vote for H6, and H6 votes themselves.
    const h7 = await call('POST', `${V}/ballots`, { token: await owner('H7'), body: { choice: 'for', for: 'H6' } });
    expect(h7.status).toBe(403);
    expect(h7.json.detail).toMatch(/no proxy of H6/);
    expect((await call('POST', `${V}/ballots`, { token: await owner('H6'), body: { choice: 'against' } })).status).toBe(201);
    expect((await call('POST', `${V}/ballots`, { token: await owner('H13'), body: { choice: 'for' } })).status).toBe(201);
    // Nor may anyone vote for an owner whose proxy they do not hold.
    expect((await call('POST', `${V}/ballots`, { token: await owner('H9'), body: { choice: 'for', for: 'H4' } })).status).toBe(403);
  });

  test('a paper ballot: entered by one, witnessed by another, neither a candidate nor the voter', async () => {
    const reasons = async (token: string, path: string, body: unknown) => {
      const r = await call('POST', `${path}/paper-ballots`, { token, body });
      return { status: r.status, reason: r.json?.errors?.[0]?.reason, detail: r.json?.detail };
    };
    expect(await reasons(committee, V, paper('H4', 'P-0004', { witness: { personId: 'clerk-1', name: 'The clerk' } }))).toMatchObject({ status: 422, reason: 'same person as the enterer' });
    expect(await reasons(committee, V, paper('H4', 'P-0004', { witness: { personId: 'H4', name: 'Owner 4' } }))).toMatchObject({ status: 422, reason: 'the voter' });
    expect(await reasons(committee, V, paper('H5', 'P-0005', { proxyHolderId: 'P-liu', witness: { personId: 'P-liu', name: 'Liu Yang' } }))).toMatchObject({ status: 422, reason: 'the voter' });
    // In the election H10 stands: they may neither witness nor enter a ballot.
    expect(await reasons(committee, E, paper('H4', 'E-0004', { choice: undefined, candidates: ['H10'], witness: { personId: 'H10', name: 'Owner 10' } }))).toMatchObject({
      status: 422,
      reason: 'a candidate',
    });
    const clerkWhoStands = await system.token([`committee:${C}`, `owner:${C}:H10`], 'clerk-h10');
    expect(await reasons(clerkWhoStands, E, paper('H4', 'E-0004', { choice: undefined, candidates: ['H10'] }))).toMatchObject({
      status: 403,
      detail: expect.stringMatching(/H10 stands in this vote/),
    });
    // A proxy the vote did not freeze, an owner not in the electorate, a choice the vote does not take.
    expect(await reasons(committee, V, paper('H4', 'P-0004', { proxyHolderId: 'H2' }))).toMatchObject({ status: 422, reason: 'no proxy' });
    expect((await reasons(committee, V, paper('H99', 'P-0099'))).status).toBe(403);
    expect((await reasons(committee, V, paper('H4', 'P-0004', { choice: 'maybe' }))).status).toBe(400);
    // Owners and property staff enter no paper ballots.
    expect((await reasons(await owner('H4'), V, paper('H4', 'P-0004'))).status).toBe(403);
    expect((await reasons(await system.token([`property:${C}`]), V, paper('H4', 'P-0004'))).status).toBe(403);

    // H5's proxy, a neighbour with no account, signs a paper ballot; the clerk enters it, Zhang Wei witnesses.
    const h5 = await call('POST', `${V}/paper-ballots`, { token: committee, body: paper('H5', 'P-0005', { proxyHolderId: 'P-liu' }) });
    expect(h5.status).toBe(201);
    expect(h5.json).toMatchObject({
      voterId: 'H5',
      channel: 'paper',
      proxy: { holderId: 'P-liu' },
      paper: { number: 'P-0005', enteredBy: 'clerk-1', role: 'committee', witness: { personId: 'W-zhang' } },
    });
    expect(h5.json.receipt).toMatch(/^[0-9a-f]{64}$/);
    // The owner sees how it was recorded: channel, time, choice, who entered and who witnessed it.
    const seen = await call('GET', `${V}/ballots/mine`, { token: await owner('H5') });
    expect(seen.json).toMatchObject({
      channel: 'paper',
      choice: 'for',
      status: 'cast',
      receipt: h5.json.receipt,
      paper: { enteredBy: 'clerk-1', witness: { name: 'Zhang Wei' } },
      proxy: { holderId: 'P-liu' },
    });
  });

  test('an online and a paper ballot for one owner race: exactly one lands, the other is a conflict', async () => {
    const results = [];
    for (const voter of ['H8', 'H12']) {
      const [online, onPaper] = await Promise.all([
        call('POST', `${V}/ballots`, { token: await owner(voter), body: { choice: 'for' } }),
        call('POST', `${V}/paper-ballots`, { token: committee, body: paper(voter, `P-00${voter.slice(1)}`) }),
      ]);
      expect([online.status, onPaper.status].sort()).toEqual([201, 409]);
      const loser = online.status === 409 ? online : onPaper;
      expect(loser.json).toMatchObject({ recordedAsConflict: true });
      expect(loser.json.detail).toMatch(/one ballot whatever the channel/);
      const stored = await call('GET', `${V}/ballots/mine`, { token: await owner(voter) });
      expect(stored.json.channel).toBe(online.status === 201 ? 'online' : 'paper');
      expect(stored.json.conflicts).toHaveLength(1);
      expect(stored.json.conflicts[0].attempted.channel).toBe(online.status === 201 ? 'paper' : 'online');
      results.push(stored.json.channel);
    }
    // The committee sees the refused attempts (H1's after their proxy, and the two losers).
    const conflicts = await call('GET', `${V}/conflicts`, { token: committee });
    expect(conflicts.json.items.map((c: { voterId: string }) => c.voterId).sort()).toEqual(['H1', 'H12', 'H8']);
    expect((await call('GET', `${V}/conflicts`, { token: await owner('H8') })).status).toBe(403);
    await system.idle();
    expect(
      events('BallotConflictRecorded')
        .map((d) => d.ownerId)
        .sort(),
    ).toEqual(['H1', 'H12', 'H8']);
    // H12's ballot is not wanted for the quorum arithmetic below: the race was theirs to lose, and a later sheet changes nothing.
    expect((await call('POST', `${V}/paper-ballots`, { token: committee, body: paper('H12', 'P-0112') })).status).toBe(409);
  });

  test('the building head sees who in their building has not voted (no choices) and records collected ballots', async () => {
    const list = await call('GET', `${V}/buildings/B02/not-voted`, { token: head });
    expect(list.status).toBe(200);
    // B02 holds H7..H12; H8 and H12 voted in the race.
    expect(list.json.items).toEqual([
      { ownerId: 'H10', units: ['B02-010'] },
      { ownerId: 'H11', units: ['B02-011'] },
      { ownerId: 'H7', units: ['B02-007'] },
      { ownerId: 'H9', units: ['B02-009'] },
    ]);
    expect(JSON.stringify(list.json)).not.toMatch(/choice|for|against/);
    const paged = await call('GET', `${V}/buildings/B02/not-voted?limit=3`, { token: head });
    expect(paged.json.items).toHaveLength(3);
    expect((await call('GET', `${V}/buildings/B02/not-voted?cursor=${paged.json.nextCursor}`, { token: head })).json.items.map((i: { ownerId: string }) => i.ownerId)).toEqual(['H9']);
    expect((await call('GET', `${V}/buildings/B01/not-voted`, { token: head })).status).toBe(403);
    expect((await call('GET', `${V}/buildings/B02/not-voted`, { token: await owner('H9') })).status).toBe(403);

    // A collected sheet of H9, witnessed by a neighbour; not a sheet of B01's owners; not witnessed by the head.
    const h9 = await call('POST', `${V}/paper-ballots`, { token: head, body: paper('H9', 'D-0009', { witness: { personId: 'W-chen', name: 'Chen Jing' } }) });
    expect(h9.status).toBe(201);
    expect(h9.json.paper).toMatchObject({ role: 'grid', enteredBy: 'head-b02' });
    expect((await call('POST', `${V}/paper-ballots`, { token: head, body: paper('H4', 'D-0004') })).status).toBe(403);
    expect((await call('POST', `${V}/paper-ballots`, { token: head, body: paper('H7', 'D-0007', { witness: { personId: 'head-b02', name: 'Head' } }) })).status).toBe(422);
    // A sheet for H11 that H11 never signed (they will object).
    expect((await call('POST', `${V}/paper-ballots`, { token: committee, body: paper('H11', 'P-0011') })).status).toBe(201);
    expect((await call('GET', `${V}/buildings/B02/not-voted`, { token: head })).json.items.map((i: { ownerId: string }) => i.ownerId)).toEqual(['H10', 'H7']);
  });

  test('turnout shows the channels; two days before the close, the owners not yet voting are reminded per building', async () => {
    await advance(31_000);
    const turnout = (await call('GET', `${V}/turnout`, { token: await owner('H4') })).json;
    const cast = (await call('GET', `${V}/ballots?limit=50`, { token: committee })).json.items.map((b: { voterId: string; channel: string }) => `${b.voterId}:${b.channel}`).sort();
    expect(cast).toHaveLength(10);
    expect(turnout).toMatchObject({ participatingHeadcount: 10, totalHeadcount: 15 });
    expect(turnout.channels.online.ballots + turnout.channels.paper.ballots).toBe(10);
    expect(turnout.channels.byProxy).toEqual({ ballots: 3, area: 24_000, headcount: 3 });
    const csv = (await call('GET', `${V}/turnout?format=csv`, { token: committee })).text;
    expect(csv).toMatch(/ballots_by_proxy,,3,/);

    const { closesAt } = (await call('GET', V, { token: committee })).json;
    await advance(Date.parse(closesAt) - 2 * DAY - clock.now().getTime() - 60_000);
    expect(events('VoteReminderDue').filter((d) => d.voteId === 'works')).toHaveLength(0);
    await advance(10 * 60_000);
    const reminders = events('VoteReminderDue').filter((d) => d.voteId === 'works');
    expect(reminders.map((d) => [d.buildingId, d.ownerIds])).toEqual([
      ['B01', ['H4']],
      ['B02', ['H10', 'H7']],
      ['B03', ['H14', 'H15']],
    ]);
    expect(reminders[0]).toMatchObject({ question: 'Repaint the façades of B01 and B02?', closesAt, part: 0, parts: 1 });
    // Once: the next step is the count.
    await advance(DAY);
    expect(events('VoteReminderDue').filter((d) => d.voteId === 'works')).toHaveLength(3);
  });

  test('the count: exactly the 2/3 quorum, passed; the report by channel and by proxy', async () => {
    const { closesAt } = (await call('GET', V, { token: committee })).json;
    await advance(Date.parse(closesAt) - clock.now().getTime() + 15 * 60_000);
    const report = (await call('GET', `${V}/report`, { token: await owner('H4') })).json;
    expect(report.stage).toBe('preliminary');
    expect(report.result.outcome).toEqual({ passed: true });
    expect(report).toMatchObject({ ballotCount: 10, removed: [] });
    expect(report.result.figures).toMatchObject({ participatingHeadcount: 10, totalHeadcount: 15, participatingArea: 80_000, totalArea: 120_000 });
    expect(report.channels.online.ballots + report.channels.paper.ballots).toBe(10);
    expect(report.channels.byProxy.ballots).toBe(3);
    const closed = events('VoteClosed').find((d) => d.voteId === 'works');
    expect(closed.channels).toEqual(report.channels);
    const csv = (await call('GET', `${V}/report?format=csv`, { token: committee })).text;
    expect(csv).toMatch(/ballots by proxy \(3\),240\.00,3/);
  });

  test('an owner objects to a paper ballot that is not theirs; the street office upholds it: struck, recounted, the outcome flips', async () => {
    const h11 = await owner('H11');
    const before = (await call('GET', `${V}/ballots/mine`, { token: h11 })).json;
    expect(before).toMatchObject({ channel: 'paper', status: 'counted', paper: { number: 'P-0011', enteredBy: 'clerk-1' } });
    // Only an owner with a counted ballot objects to it.
    expect((await call('POST', `${V}/objections`, { token: await owner('H4'), body: { kind: 'ballot', reason: 'I never voted at all, so what?' } })).status).toBe(422);
    const objection = await call('POST', `${V}/objections`, { token: h11, body: { kind: 'ballot', reason: 'I was in Xiamen all month and signed no ballot P-0011.' } });
    expect(objection.status).toBe(201);
    expect(objection.json).toMatchObject({ kind: 'ballot', receipt: before.receipt });
    expect((await call('POST', `${V}/objections`, { token: h11, body: { kind: 'ballot', reason: 'And again, the same objection.' } })).status).toBe(409);
    const listed = await call('GET', `${V}/objections`, { token: street });
    expect(listed.json.items).toEqual([expect.objectContaining({ objectionId: objection.json.objectionId, ownerId: 'H11', decision: null })]);
    expect((await call('GET', `${V}/objections`, { token: await owner('H4') })).json.items).toEqual([]);

    // The committee does not decide; the street office does.
    const path = `${V}/objections/${objection.json.objectionId}/decision`;
    expect((await call('POST', path, { token: committee, body: { upheld: true, reason: 'the clerk admits the sheet was filled in by someone else' } })).status).toBe(403);
    const decided = await call('POST', path, { token: street, body: { upheld: true, reason: 'the signature on P-0011 is not the owner’s; H11 was away' } });
    expect(decided.status).toBe(200);
    expect(decided.json).toMatchObject({ status: 'preliminary', ballotCount: 9, outcome: { passed: false, reason: 'no_quorum' }, decision: { upheld: true, removedReceipt: before.receipt } });
    expect((await call('POST', path, { token: street, body: { upheld: false, reason: 'changing my mind is not allowed' } })).status).toBe(409);

    const after = (await call('GET', `${V}/ballots/mine`, { token: h11 })).json;
    expect(after).toMatchObject({ status: 'removed', removedBy: { objectionId: objection.json.objectionId } });
    const report = (await call('GET', `${V}/report`, { token: committee })).json;
    expect(report).toMatchObject({ ballotCount: 9, result: { figures: { participatingHeadcount: 9 }, outcome: { passed: false, reason: 'no_quorum' } } });
    expect(report.channels.online.ballots + report.channels.paper.ballots).toBe(9);
    expect(report.removed).toEqual([expect.objectContaining({ receipt: before.receipt, objectionId: objection.json.objectionId })]);
    await system.idle();
    expect(events('ObjectionDecided')[0]).toMatchObject({ kind: 'ballot', upheld: true, removedReceipt: before.receipt, outcome: { passed: false, reason: 'no_quorum' }, ballotCount: 9 });
  });

  test('the log, the receipts and the verify CLI cover every channel and the removal', async () => {
    const publicLog = (await call('GET', `${V}/log`, { token: await owner('H4') })).json;
    const check = verifyVoteLog(publicLog);
    expect(check).toMatchObject({ ok: true, counted: 9, removed: 1, entries: 11, view: 'public' });
    // Every owner who voted, by any channel, finds their entry and opens its commitment.
    for (const voter of ['H5', 'H9', 'H1']) {
      const mine = (await call('GET', `${V}/ballots/mine${voter === 'H1' ? '?for=H1' : ''}`, { token: await owner(voter === 'H1' ? 'H2' : voter) })).json;
      expect(publicLog.entries.find((e: { receipt?: string }) => e.receipt === mine.receipt).commitment).toBe(mine.commitment);
    }
    const weighted = (await call('GET', `${V}/log/weighted`, { token: street })).json;
    const full = verifyVoteLog(weighted);
    expect(full).toMatchObject({ ok: true, counted: 9, removed: 1, view: 'weighted', recomputed: { outcome: { passed: false, reason: 'no_quorum' } } });
    expect(full.channels).toEqual(weighted.channels);
    expect(full.channels!.byProxy.ballots).toBe(3);

    const dir = mkdtempSync(join(tmpdir(), 'hybrid-'));
    const file = join(dir, 'weighted.json');
    writeFileSync(file, JSON.stringify(weighted));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'vote', file]);
    expect(stdout).toMatch(/9 ballots \(weighted log\), 1 struck by upheld objections/);
    expect(stdout).toMatch(/by proxy \(recomputed from the entries\)/);
    // Hiding the removal does not verify.
    const hidden = { ...weighted, entries: weighted.entries.slice(0, -1) };
    writeFileSync(file, JSON.stringify(hidden));
    await expect(run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'vote', file])).rejects.toMatchObject({ code: 1 });
  });

  test('once every objection is decided and the period is over, the recounted result is final', async () => {
    await advancePast(system, (await call('GET', V, { token: committee })).json.objectionEndsAt);
    expect((await call('GET', V, { token: committee })).json.status).toBe('final');
    const failed = events('ResolutionFailed').filter((d) => d.voteId === 'works');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ reason: 'no_quorum', ballotCount: 9, figures: { participatingHeadcount: 9 } });
    expect(events('ResolutionPassed').filter((d) => d.voteId === 'works')).toHaveLength(0);
  });
});
