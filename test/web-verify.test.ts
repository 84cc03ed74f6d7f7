import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { buildLog, commitmentOf, headOf, publicEntry, receiptOf, removalEntry, type BallotRecord } from '../services/elections/domain/ballot-log';
import { headcountTally as serverTally } from '../services/elections/domain/verify';
import { headcountTally, verifyInBrowser, type KeptReceipt, type LogEntry, type PublishedLog } from '../web/src/verify';

/**
 * The browser's check (web/src/verify.ts, Web Crypto) agrees with the server's hashing
 * (services/elections/domain/ballot-log.ts, node:crypto) on logs the server builds, and catches
 * every kind of tampering the server's own verifier catches.
 */
function vote(choices: string[]) {
  // Every third ballot on paper, every fourth by proxy: the receipt and commitment bind both.
  const records: (BallotRecord & { receipt: string; salt: string })[] = choices.map((choice, i) => {
    const record: BallotRecord = {
      voteId: 'v1',
      voterId: `O${i + 1}`,
      choice,
      area: 8000 + i * 137,
      headcount: 1,
      castAt: `2026-12-13T0${i % 10}:00:00.000Z`,
      nonce: randomBytes(16).toString('hex'),
      channel: i % 3 === 2 ? 'paper' : 'online',
      ...(i % 4 === 3 ? { proxyHolderId: `P${i}` } : {}),
      ...(i % 3 === 2 ? { paperNumber: `No.${100 + i}` } : {}),
    };
    return { ...record, receipt: receiptOf(record), salt: randomBytes(16).toString('hex') };
  });
  const logged = (r: (typeof records)[number], choice = r.choice) => ({
    receipt: r.receipt,
    choice,
    area: r.area,
    headcount: r.headcount,
    channel: r.channel,
    byProxy: r.proxyHolderId !== undefined,
    salt: r.salt,
  });
  const log = buildLog(records.map((r) => logged(r)));
  const count = (c: string) => records.filter((r) => r.choice === c).length;
  const published: PublishedLog = {
    vote: { voteId: 'v1', kind: 'resolution' },
    head: headOf(log),
    entries: log.map(publicEntry),
    result: { kind: 'resolution', figures: { participatingHeadcount: records.length, forHeadcount: count('for') }, againstHeadcount: count('against'), abstainHeadcount: count('abstain') },
  };
  const kept = (i: number): KeptReceipt => {
    const r = records[i]!;
    return {
      voteId: r.voteId,
      voterId: r.voterId,
      receipt: r.receipt,
      nonce: r.nonce,
      salt: r.salt,
      choice: r.choice,
      area: r.area,
      headcount: r.headcount,
      castAt: r.castAt,
      channel: r.channel,
      ...(r.proxyHolderId ? { proxyHolderId: r.proxyHolderId } : {}),
      ...(r.paperNumber ? { paperNumber: r.paperNumber } : {}),
    };
  };
  return { published, kept, records, logged };
}

const failed = (checks: { name: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.name);

test('a log the server built verifies in full, with any voter’s receipt', async () => {
  const { published, kept } = vote(['for', 'against', 'for', 'abstain', 'for']);
  for (const i of [0, 1, 4]) expect(failed(await verifyInBrowser(published, kept(i)))).toEqual([]);
  expect(
    failed(
      await verifyInBrowser({
        ...published,
        entries: [],
        head: '0'.repeat(64),
        result: { ...published.result, figures: { participatingHeadcount: 0, forHeadcount: 0 }, againstHeadcount: 0, abstainHeadcount: 0 },
      }),
    ),
  ).toEqual([]);
});

test('the headcount tally agrees with the server’s for any ballots', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ choice: fc.constantFrom('for', 'against', 'abstain'), headcount: fc.integer({ min: 0, max: 3 }) })), (entries) => {
      expect(headcountTally('resolution', entries)).toEqual(serverTally('resolution', entries));
    }),
  );
});

test('tampering is caught: an altered choice, a dropped entry, a swapped order, a wrong head, a changed count', async () => {
  const { published, kept } = vote(['for', 'against', 'for', 'abstain']);
  const entries = published.entries as LogEntry[];
  const altered = { ...published, entries: entries.map((e, i) => (i === 1 ? { ...e, choice: e.choice === 'for' ? 'against' : 'for' } : e)) };
  expect(failed(await verifyInBrowser(altered))).toEqual(['chain', 'tally']);
  expect(failed(await verifyInBrowser({ ...published, entries: published.entries.slice(1) }))).toEqual(expect.arrayContaining(['chain', 'tally']));
  expect(failed(await verifyInBrowser({ ...published, entries: [published.entries[1]!, published.entries[0]!, ...published.entries.slice(2)] }))).toContain('chain');
  expect(failed(await verifyInBrowser({ ...published, head: 'f'.repeat(64) }))).toEqual(['head']);
  expect(failed(await verifyInBrowser({ ...published, result: { ...published.result, againstHeadcount: 2 } }))).toEqual(['tally']);
  // A recomputed chain that leaves out one voter's ballot: consistent, but that voter's receipt is missing.
  const mine = kept(0);
  const without = entries.filter((e) => e.receipt !== mine.receipt);
  expect(failed(await verifyInBrowser({ ...published, entries: without }, mine))).toEqual(expect.arrayContaining(['receiptFound', 'choice', 'commitment']));
});

test('the voter’s own checks: a receipt that does not recompute, a recorded choice not theirs, a commitment to another area', async () => {
  const { published, kept, records, logged } = vote(['for', 'against']);
  expect(failed(await verifyInBrowser(published, { ...kept(0), nonce: '00' }))).toEqual(['receiptRecomputed']);
  expect(failed(await verifyInBrowser(published, { ...kept(0), area: kept(0).area + 1 }))).toEqual(['receiptRecomputed', 'commitment']);
  // The log records another choice under this receipt (a server that lies to this voter, with a consistent chain).
  const r = records[0]!;
  const lied = buildLog(records.map((x) => logged(x, x === r ? 'against' : x.choice)));
  const forged: PublishedLog = {
    ...published,
    head: headOf(lied),
    entries: lied.map(publicEntry),
    result: { ...published.result, figures: { participatingHeadcount: 2, forHeadcount: 0 }, againstHeadcount: 2 },
  };
  expect(failed(await verifyInBrowser(forged, kept(0)))).toEqual(['choice']);
  expect(commitmentOf(r.receipt, { area: r.area, channel: r.channel, byProxy: false }, r.salt)).toBe(
    (published.entries as { receipt: string; commitment: string }[]).find((e) => e.receipt === r.receipt)!.commitment,
  );
});

test('paper and proxy ballots verify like online ones, and a ballot struck by an upheld objection leaves the tally but not the chain', async () => {
  const { published, kept, records } = vote(['for', 'against', 'for', 'abstain', 'for']);
  // Ballot 2 is on paper, ballot 3 by proxy: the voter's checks hold for both.
  for (const i of [2, 3]) expect(failed(await verifyInBrowser(published, kept(i)))).toEqual([]);
  // The street office upholds an objection against ballot 0 (a 'for'): a removal entry is chained after the head.
  const struck = records[0]!;
  const removal = removalEntry(published.entries.length, struck.receipt, 'obj-1', published.head);
  const after: PublishedLog = {
    ...published,
    head: removal.hash,
    entries: [...published.entries, removal],
    result: { ...published.result, figures: { participatingHeadcount: 4, forHeadcount: 2 } },
  };
  expect(failed(await verifyInBrowser(after))).toEqual([]);
  // The struck voter's receipt is in the log but no longer counted, and the check says so.
  const checks = await verifyInBrowser(after, kept(0));
  expect(failed(checks)).toEqual(['receiptFound']);
  expect(checks.find((c) => c.name === 'receiptFound')!.detail).toBe('struck by an upheld objection');
  // A tally that still counts the struck ballot is caught; so is a removal of a ballot that is not in the log.
  expect(failed(await verifyInBrowser({ ...after, result: published.result }))).toEqual(['tally']);
  const bogus = removalEntry(published.entries.length, 'f'.repeat(64), 'obj-2', published.head);
  expect(failed(await verifyInBrowser({ ...after, head: bogus.hash, entries: [...published.entries, bogus] }))).toContain('chain');
});
