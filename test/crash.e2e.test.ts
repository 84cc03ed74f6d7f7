import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyVoteLog, type PublishedVoteLog } from '../services/elections/domain/verify';
import { claimsInProgress, crashServer, killWhileAnswering, pause, untilAnswered, type Outcome } from './crash-harness';

/**
 * kill -9 of `npm start`, started again on the same folder each time, at points the clients reach
 * (steps of the seed done, requests answered), never at moments in time:
 *   1. during each step of the demo seed while clients append income to the funds' journals;
 *   2. while owners cast ballots in an open vote (each owner once, retrying what a kill cut off);
 *   3. while the committee submits expenses against a confirmed emergency until its approval runs out.
 * After each: nothing acknowledged is lost, nothing is there twice, the figures (journal chain, tally,
 * committed amount) follow from what was acknowledged, nothing is pending or dead-lettered, and,
 * opened again in-process, no consumer claim is IN_PROGRESS. The tests run in order on one folder:
 * 2 and 3 use the compound 1 seeded.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-crash-'));
const server = crashServer(dataDir);
const C = 'demo-donghu';
const STEPS = ['areas', 'compound', 'roll', 'grid-roles', 'disputes', 'enforcement'];
/** Cleared when the file ends (or fails): clients stop retrying. */
let active = true;

afterAll(async () => {
  active = false;
  await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Stopped cleanly: nothing was left to deliver or dead-lettered, and no claim stayed IN_PROGRESS. */
async function expectSettled(): Promise<void> {
  await server.call('POST', '/_local/bus/idle');
  const bus = (await server.call('GET', '/_local/bus')).json;
  expect(bus.bus).toMatchObject({ pending: 0, deadLetters: 0 });
  expect(bus.queues.filter((q: { deadLetters: number }) => q.deadLetters > 0)).toEqual([]);
  await server.stop();
  expect(await claimsInProgress(dataDir)).toEqual([]);
}

/** Move the runtime's clock to `at` (due schedules fire) and wait for what they started. */
async function advanceTo(at: string): Promise<void> {
  const now = (await server.call('GET', '/_local/clock')).json.now as string;
  const seconds = Math.max(0, (Date.parse(at) - Date.parse(now)) / 1000);
  expect((await server.call('POST', '/_local/clock/advance', undefined, { seconds })).status).toBe(200);
  await server.call('POST', '/_local/bus/idle');
}

const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('kill -9 during every seed step and during journal appends loses no acknowledged write and leaves no claim in progress', async () => {
  type Seed = { state: string; done: string[]; error?: string };
  const seedStatus = async (): Promise<Seed> => (await server.call('GET', '/_local/ready')).json.seed;
  // One client per journal: the bureau (the city's fund centre) deposits into the maintenance fund, the
  // committee records public revenue. Two clients on one journal would share its group commit, whose
  // events the runtime's audit check counts for the request that started the group only.
  const bureau = await server.token('crash-bureau', ['bureau']);
  const committee = await server.token('crash-committee', [`committee:${C}`]);
  const journals = [
    { fund: 'maintenance', source: 'deposits', token: bureau },
    { fund: 'public_revenue', source: 'advertising', token: committee },
  ];
  const acknowledged = new Map<string, { fund: string; token: string; body: Record<string, unknown> }>();
  let writing = true;
  let sent = 0;
  const writer = async (w: number) => {
    const { fund, source, token } = journals[w]!;
    while (writing && active) {
      const clientRef = `crash-${w}-${sent++}`;
      const body = { clientRef, source, grossFen: 1_000 + sent, memo: 'income recorded while the server is killed', sourceDocument: { type: 'bank_statement', ref: clientRef } };
      const answer = await server.send('POST', `/compounds/${C}/funds/${fund}/income`, token, body);
      if (answer && answer.status < 300) acknowledged.set(clientRef, { fund, token, body });
      // Refused (the compound not known yet), cut off by the kill or not up yet: the client tries another.
      else await pause(100);
    }
  };
  const writers = [0, 1].map(writer);
  const killPoints: string[] = [];

  // Kill point k: once k steps of the seed are done (the next is under way), and after the first
  // acknowledged incomes once the funds service knows the compound.
  for (let k = 0; k < STEPS.length; k++) {
    await server.start();
    for (;;) {
      const seed = await seedStatus();
      if (seed.state === 'failed') throw new Error(`the seed failed: ${seed.error}\n${server.output().slice(-3000)}`);
      if (seed.done.length >= k && (k < 3 || acknowledged.size >= 2 * k)) {
        killPoints.push(`${seed.state === 'done' ? 'seeded' : `during ${STEPS[seed.done.length]}`}, ${acknowledged.size} incomes acknowledged`);
        break;
      }
      await pause(10);
    }
    await server.kill();
  }
  await server.start();
  for (let seed = await seedStatus(); seed.state === 'running'; seed = await seedStatus()) await server.send('POST', '/_local/ready?wait=30');
  const acknowledgedBefore = acknowledged.size;
  while (acknowledged.size < acknowledgedBefore + 3) await pause(20);
  writing = false;
  await Promise.all(writers);
  await server.call('POST', '/_local/bus/idle');
  console.log(`seed and journal: kill points ${killPoints.join('; ')}; ${acknowledged.size} incomes acknowledged of ${sent} sent`);

  expect(await seedStatus()).toMatchObject({ state: 'done', done: STEPS });
  expect((await server.call('GET', `/compounds/${C}`, bureau)).json).toMatchObject({ unitCount: 648, rollVersion: 1 });
  expect((await server.call('GET', `/compounds/${C}/complaints`, bureau)).json.items.length).toBeGreaterThan(5);
  expect((await server.call('GET', `/enforcement/compounds/${C}/findings`, bureau)).json.items.map((f: { findingId: string }) => f.findingId)).toEqual(
    expect.arrayContaining(['lane-b03', 'ebike-b07', 'roof-b01']),
  );

  // Every acknowledged income is there: sent again, it is a replay of the recorded entry.
  for (const [clientRef, { fund, token, body }] of acknowledged) {
    const again = await server.call('POST', `/compounds/${C}/funds/${fund}/income`, token, body);
    expect({ clientRef, status: again.status }).toEqual({ clientRef, status: 200 });
  }
  for (const { fund } of journals) expect((await server.call('GET', `/compounds/${C}/funds/${fund}/verify`, bureau)).json).toMatchObject({ ok: true });
  await expectSettled();
}, 900_000);

test('kill -9 while owners cast ballots: every acknowledged ballot is there once, and the count and the ballot log follow from them', async () => {
  const V = 'crash-ballots';
  const committee = await server.token('crash-committee', [`committee:${C}`]);
  const owners = Array.from({ length: 45 }, (_, i) => `O${i + 2}`);
  const choiceOf = (ownerId: string) => (['for', 'against', 'abstain'] as const)[Number(ownerId.slice(1)) % 3]!;
  const tokens = new Map(await Promise.all(owners.map(async (o) => [o, await server.token(`crash-owner-${o}`, [`owner:${C}:${o}`])] as const)));
  await server.start();
  const announced = await server.call('POST', `/compounds/${C}/votes`, committee, {
    kind: 'resolution',
    voteId: V,
    matter: 'other_major',
    question: 'May the owners vote while the server is killed?',
    votingDays: 7,
  });
  expect(announced.status).toBe(201);
  await advanceTo(plusSeconds(announced.json.opensAt, 60));
  expect((await server.call('GET', `/compounds/${C}/votes/${V}`, committee)).json).toMatchObject({ status: 'open' });

  // Three phones; each owner's ballot is sent until answered.
  const outcomes: Outcome<string>[] = [];
  let next = 0;
  const phone = async () => {
    while (next < owners.length && active) {
      const ownerId = owners[next++]!;
      const outcome = await untilAnswered(
        ownerId,
        () => server.send('POST', `/compounds/${C}/votes/${V}/ballots`, tokens.get(ownerId), { choice: choiceOf(ownerId) }),
        () => !active,
      );
      if (outcome) outcomes.push(outcome);
    }
  };
  const phones = [0, 1, 2].map(phone);
  const killPoints = await killWhileAnswering(
    server,
    5,
    () => outcomes.length,
    () => outcomes.length === owners.length,
  );
  await Promise.all(phones);

  const acknowledged = outcomes.filter((o) => o.answer.status === 201);
  // A retry answered 409 "already voted": the attempt the kill cut off had landed.
  const landedBeforeKill = outcomes.filter((o) => o.answer.status === 409 && o.cutOff > 0);
  const cutOff = outcomes.filter((o) => o.cutOff > 0);
  console.log(
    `ballots: kill points ${killPoints.join('; ')}; ${owners.length} owners, ${acknowledged.length} answered 201, ` +
      `${cutOff.length} cut off at least once (${landedBeforeKill.length} of them had landed: 409 on the retry, ${cutOff.length - landedBeforeKill.length} had not: 201 on the retry)`,
  );
  expect(outcomes.flatMap((o) => o.serverErrors.map((e) => ({ ownerId: o.key, ...e })))).toEqual([]);
  expect(outcomes.filter((o) => !acknowledged.includes(o) && !landedBeforeKill.includes(o)).map((o) => ({ ownerId: o.key, ...o.answer }))).toEqual([]);
  for (const o of landedBeforeKill) expect(o.answer.json).toMatchObject({ recordedAsConflict: false, existing: { channel: 'online', byProxy: false } });

  // Each owner's ballot is recorded as acknowledged (the receipt the owner holds); nobody has two.
  const recorded = new Map<string, { choice: string; headcount: number; receipt: string }>();
  for (const ownerId of owners) {
    const mine = await server.call('GET', `/compounds/${C}/votes/${V}/ballots/mine`, tokens.get(ownerId));
    expect({ ownerId, status: mine.status, choice: mine.json.choice }).toEqual({ ownerId, status: 200, choice: choiceOf(ownerId) });
    recorded.set(ownerId, mine.json);
  }
  for (const o of acknowledged) expect({ ownerId: o.key, receipt: recorded.get(o.key)!.receipt }).toEqual({ ownerId: o.key, receipt: o.answer.json.receipt });
  const listed = (await server.all(`/compounds/${C}/votes/${V}/ballots`, committee)).map((b: { voterId: string }) => b.voterId);
  expect([...listed].sort()).toEqual([...owners].sort());
  for (const ownerId of owners.slice(0, 5)) expect((await server.call('POST', `/compounds/${C}/votes/${V}/ballots`, tokens.get(ownerId), { choice: choiceOf(ownerId) })).status).toBe(409);

  // The close (after the grace for ballots in flight): the count is the acknowledged ballots, and the log verifies.
  await advanceTo(plusSeconds(announced.json.closesAt, 120));
  const report = await server.call('GET', `/compounds/${C}/votes/${V}/report`, tokens.get(owners[0]!));
  expect(report.status).toBe(200);
  const expected = (choice?: string) => sum([...recorded.values()].filter((b) => !choice || b.choice === choice).map((b) => b.headcount));
  expect(report.json.result.figures.participatingHeadcount).toBe(expected());
  const first = await server.call('GET', `/compounds/${C}/votes/${V}/log`, tokens.get(owners[0]!));
  expect(first.status).toBe(200);
  const log: PublishedVoteLog = { ...first.json, entries: [...first.json.entries] };
  for (let cursor = first.json.nextCursor; cursor; ) {
    const page = await server.call('GET', `/compounds/${C}/votes/${V}/log?cursor=${encodeURIComponent(cursor)}`, tokens.get(owners[0]!));
    expect(page.json.head).toBe(first.json.head);
    log.entries.push(...page.json.entries);
    cursor = page.json.nextCursor;
  }
  const verified = verifyVoteLog(log);
  expect(verified).toMatchObject({ ok: true, problems: [], counted: owners.length, removed: 0 });
  expect(verified.headcounts).toEqual({ participating: expected(), ...Object.fromEntries(['for', 'against', 'abstain'].map((c) => [c, expected(c)]).filter(([, n]) => n)) });
  expect(log.entries.map((e) => (e as { receipt: string }).receipt).sort()).toEqual([...recorded.values()].map((b) => b.receipt).sort());
  await expectSettled();
}, 300_000);

test('kill -9 while the committee submits expenses: every acknowledged expense is there once, and the project commits exactly their sum', async () => {
  const P = 'crash-flood';
  const APPROVED = 60_000;
  const committee = await server.token('crash-committee', [`committee:${C}`]);
  const bureau = await server.token('crash-bureau', ['bureau']);
  const street = await server.token('crash-street', ['street:donghu']);
  await server.start();
  const deposit = await server.call('POST', `/compounds/${C}/funds/maintenance/income`, bureau, {
    clientRef: 'crash-expenses-deposit',
    source: 'deposits',
    grossFen: 1_000_000,
    memo: 'the deposit the emergency draws on',
    sourceDocument: { type: 'bank_statement', ref: 'crash-expenses-deposit' },
  });
  expect(deposit.status).toBe(201);
  const reported = await server.call('POST', `/compounds/${C}/emergencies`, committee, {
    projectId: P,
    fund: 'maintenance',
    category: 'basement_flooding',
    amountFen: APPROVED,
    description: 'the basement flooded while the server was being killed',
  });
  expect(reported.status).toBe(201);
  expect((await server.call('POST', `/compounds/${C}/projects/${P}/confirm`, street)).json).toMatchObject({ status: 'authorized', approvedFen: APPROVED });

  // 48 expenses of 10 to 25 yuan (83,250 fen in all) against 60,000 fen: the last ones are refused.
  const amountOf = (n: number) => 1_000 + (n % 7) * 250;
  const expenses = Array.from({ length: 48 }, (_, n) => ({
    expenseId: `x-${String(n).padStart(2, '0')}`,
    payee: n % 2 ? 'Donghu Pumps Ltd' : 'Quanzhou Repairs Co',
    amountFen: amountOf(n),
    purpose: 'pumping out the basement of B02',
  }));
  const outcomes: Outcome<(typeof expenses)[number]>[] = [];
  let next = 0;
  const clerk = async () => {
    while (next < expenses.length && active) {
      const expense = expenses[next++]!;
      const outcome = await untilAnswered(
        expense,
        () => server.send('POST', `/compounds/${C}/projects/${P}/expenses`, committee, expense),
        () => !active,
      );
      if (outcome) outcomes.push(outcome);
    }
  };
  const clerks = [0, 1].map(clerk);
  const killPoints = await killWhileAnswering(
    server,
    5,
    () => outcomes.length,
    () => outcomes.length === expenses.length,
  );
  await Promise.all(clerks);

  const acknowledged = outcomes.filter((o) => o.answer.status === 201);
  // A retry answered 409 "already exists": the attempt the kill cut off had gone through.
  const landedBeforeKill = outcomes.filter((o) => o.answer.status === 409 && o.cutOff > 0);
  const refused = outcomes.filter((o) => o.answer.status === 422);
  const landed = [...acknowledged, ...landedBeforeKill];
  const cutOff = outcomes.filter((o) => o.cutOff > 0);
  const project = (await server.call('GET', `/compounds/${C}/projects/${P}`, committee)).json;
  console.log(
    `expenses: kill points ${killPoints.join('; ')}; ${expenses.length} sent, ${acknowledged.length} answered 201, ${refused.length} refused 422 (over the approval), ` +
      `${cutOff.length} cut off at least once (${landedBeforeKill.length} had landed: 409 on the retry); committed ${project.committedFen} of ${project.approvedFen} fen`,
  );
  expect(outcomes.flatMap((o) => o.serverErrors.map((e) => ({ expenseId: o.key.expenseId, ...e })))).toEqual([]);
  expect(outcomes.filter((o) => !landed.includes(o) && !refused.includes(o)).map((o) => ({ expenseId: o.key.expenseId, ...o.answer }))).toEqual([]);

  // Each acknowledged expense is there once, in review, with its amount; the refused are not there.
  const stored = await server.all(`/compounds/${C}/projects/${P}/expenses`, committee);
  const view = (e: { expenseId: string; amountFen: number; status?: string }) => ({ expenseId: e.expenseId, amountFen: e.amountFen, status: e.status ?? 'in_review' });
  expect(stored.map(view).sort((a, b) => a.expenseId.localeCompare(b.expenseId))).toEqual(landed.map((o) => view(o.key)).sort((a, b) => a.expenseId.localeCompare(b.expenseId)));
  // The project commits exactly what was acknowledged, within the approval, and each refusal was right.
  expect(project.committedFen).toBe(sum(landed.map((o) => o.key.amountFen)));
  expect(project.committedFen).toBeLessThanOrEqual(APPROVED);
  for (const o of refused) expect({ expenseId: o.key.expenseId, over: o.key.amountFen > APPROVED - project.committedFen }).toEqual({ expenseId: o.key.expenseId, over: true });

  // The review clock's repair (an expense left submitting) changes nothing: nothing was left half done.
  await advanceTo(plusSeconds((await server.call('GET', '/_local/clock')).json.now, 6 * 60));
  expect(await server.all(`/compounds/${C}/expenses?status=submitting`, committee)).toEqual([]);
  expect((await server.call('GET', `/compounds/${C}/projects/${P}`, committee)).json.committedFen).toBe(project.committedFen);
  expect((await server.all(`/compounds/${C}/projects/${P}/expenses`, committee)).length).toBe(landed.length);
  await expectSettled();
}, 300_000);
