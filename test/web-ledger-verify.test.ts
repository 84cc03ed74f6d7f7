import fc from 'fast-check';
import { chainEntry, entryHash, GENESIS, reversalOf, verifyLedger, type Entry, type EntryDraft } from '../services/funds/domain/ledger';
import { incomePostings, levyChargePostings, levyPaymentPostings, paymentPostings, reservationPostings } from '../services/funds/domain/postings';
import { verifyLedgerInBrowser, type LedgerVerdict } from '../web/src/ledger-verify';

/**
 * The browser's ledger check (web/src/ledger-verify.ts, Web Crypto) agrees with the server's
 * (services/funds/domain/ledger.ts `verifyLedger`, node:crypto) on ledgers the server's own domain
 * code builds, and catches tampering: an altered amount, a dropped entry, a reordering, a wrong
 * head, an unbalanced entry (even one a forger re-hashed), a second reversal.
 */
const at = (day: number) => `2027-0${1 + Math.floor(day / 28)}-${String(1 + (day % 28)).padStart(2, '0')}T02:00:00.000Z`;
const draft = (kind: EntryDraft['kind'], postings: EntryDraft['postings'], i: number, over: Partial<EntryDraft> = {}): EntryDraft => ({
  kind,
  postings,
  memo: `第 ${i} 笔 entry ${i}`,
  sourceDocument: { type: 'receipt', ref: `R-${i}` },
  actor: 'committee-secretary',
  clientRef: `ref-${i}`,
  at: at(i),
  ...over,
});

function build(drafts: EntryDraft[]): Entry[] {
  const entries: Entry[] = [];
  for (const d of drafts) entries.push(chainEntry(entries.at(-1), d));
  return entries;
}

/** A year of a small compound's public revenue and levy: every kind of entry, with details, and a reversal. */
function sampleLedger(): Entry[] {
  const entries = build([
    draft(
      'opening',
      [
        { account: 'cash', amountFen: 1_234_567 },
        { account: 'opening_balance', amountFen: -1_234_567 },
      ],
      1,
      { sourceDocument: { type: 'bank_statement', ref: 'BS-1' } },
    ),
    draft('income', incomePostings({ source: 'advertising', grossFen: 500_000, costsFen: 25_000, costKind: 'tax' }), 2),
    draft('income', incomePostings({ source: 'parking', grossFen: 80_050, costsFen: 0 }), 3),
    draft('levy_charge', levyChargePostings(43_210), 4, {
      sourceDocument: { type: 'levy_run', ref: '2027-01' },
      detail: { period: '2027-01', sheets: [{ bucket: 0, units: 12, totalFen: 43_210, hash: 'a'.repeat(64) }] },
    }),
    draft('levy_payment', levyPaymentPostings(7_200), 5, {
      detail: {
        lines: [
          { unitId: 'B01-0101', amountFen: 3_600, receiptRef: 'LR-1' },
          { unitId: 'B01-0102', amountFen: 3_600, receiptRef: 'LR-2' },
        ],
      },
    }),
    draft('reservation', reservationPostings('lift-b01', 300_000), 6, { sourceDocument: { type: 'resolution', ref: 'vote-7' } }),
    draft('payment', paymentPostings('lift-b01', 150_050), 7, { sourceDocument: { type: 'invoice', ref: 'INV-9' }, detail: { projectId: 'lift-b01', expenseId: 'X1' } }),
  ]);
  entries.push(chainEntry(entries.at(-1), reversalOf(entries[2]!, 'committee-secretary', 'recorded twice', 'req-1', at(8))));
  return entries;
}

const headOf = (entries: readonly Entry[]) => ({ head: entries.at(-1)?.hash ?? GENESIS, entries: entries.length });
const failed = (v: LedgerVerdict) => v.checks.filter((c) => !c.ok).map((c) => c.name);
/** Re-chain entries as a forger would: every hash and link recomputed, whatever the content. */
function rehash(entries: Entry[]): Entry[] {
  let previousHash = GENESIS;
  return entries.map((e, i) => {
    const { hash: _old, ...rest } = { ...e, seq: i + 1, previousHash };
    const hash = entryHash(rest);
    previousHash = hash;
    return { ...rest, hash };
  });
}

/** The running balances restated from whatever the postings say, then re-hashed. */
function restate(entries: Entry[]): Entry[] {
  let running: Record<string, number> = {};
  return rehash(
    entries.map((e) => {
      running = { ...running };
      for (const p of e.postings) running[p.account] = (running[p.account] ?? 0) + p.amountFen;
      return { ...e, balances: running };
    }),
  );
}

async function agree(entries: Entry[], claimed = headOf(entries)): Promise<LedgerVerdict> {
  const server = verifyLedger(entries);
  const browser = await verifyLedgerInBrowser(structuredClone(entries), claimed);
  expect(browser.entries).toBe(server.entries);
  if (server.ok) {
    expect(browser.balances).toEqual(server.balances);
    expect(browser.head).toBe(server.head);
  } else {
    expect(browser.ok).toBe(false);
    expect(browser.firstBad?.seq).toBe(server.firstBad!.seq);
  }
  return browser;
}

test('a ledger the server built verifies in full: same balances and head as the server’s check', async () => {
  const entries = sampleLedger();
  const v = await agree(entries);
  expect(failed(v)).toEqual([]);
  expect(v.ok).toBe(true);
  expect(v.balances.cash).toBe(1_234_567 + 475_000 + 7_200 - 150_050);
  expect(v.head).toBe(entries.at(-1)!.hash);
  // An empty fund: the head is the genesis.
  expect((await verifyLedgerInBrowser([], { head: GENESIS, entries: 0 })).ok).toBe(true);
  // The head claimed before entries were appended is still the hash of the entry it named.
  expect((await verifyLedgerInBrowser(entries, headOf(entries.slice(0, 3)))).ok).toBe(true);
});

test('on random ledgers and random alterations the browser agrees with the server', async () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('income' as const), gross: fc.integer({ min: 1, max: 10_000_000 }), costs: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('levy' as const), gross: fc.integer({ min: 1, max: 1_000_000 }), costs: fc.constant(0) }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 12 }),
      fc.nat(),
      fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0),
      async (steps, pick, delta) => {
        const entries = build(
          steps.map((s, i) =>
            s.kind === 'income'
              ? draft('income', incomePostings({ source: 'rents', grossFen: s.gross + s.costs, costsFen: s.costs, costKind: 'tax' }), i + 1)
              : draft('levy_charge', levyChargePostings(s.gross), i + 1),
          ),
        );
        expect((await agree(entries)).ok).toBe(true);
        const i = pick % entries.length;
        const tampered = entries.map((e, j) => (j === i ? { ...e, postings: e.postings.map((p, k) => (k === 0 ? { ...p, amountFen: p.amountFen + delta } : p)) } : e));
        const v = await agree(tampered);
        expect(v.firstBad?.position).toBe(i + 1);
      },
    ),
    { numRuns: 60 },
  );
});

test('an altered amount is caught, even balanced and re-hashed, by the links or the head', async () => {
  const entries = sampleLedger();
  const altered = entries.map((e, i) => (i === 2 ? { ...e, postings: e.postings.map((p) => ({ ...p, amountFen: p.amountFen * 2 })) } : e));
  // Doubled on both sides: still balanced, but the hash, the running balances and its reversal no longer follow.
  expect(failed(await agree(altered))).toEqual(['hashes', 'balances', 'reversals']);
  // Balanced, balances restated, that entry re-hashed: the next entry's link breaks.
  const forged = [...entries];
  const e = entries[1]!;
  const postings = e.postings.map((p) => ({ ...p, amountFen: p.account === 'cash' ? p.amountFen - 100 : p.account.startsWith('income:') ? p.amountFen + 100 : p.amountFen }));
  const { hash: _h, ...rest } = { ...e, postings, balances: { ...e.balances, cash: e.balances.cash! - 100, 'income:advertising': e.balances['income:advertising']! + 100 } };
  forged[1] = { ...rest, hash: entryHash(rest) };
  expect(failed(await agree(forged))).toEqual(expect.arrayContaining(['links']));
  // The whole chain re-hashed by a forger, balances restated: only the published head gives it away.
  const rebuilt = build(
    entries.map((x, i) => ({
      kind: x.kind,
      postings: i === 1 ? postings : x.postings,
      memo: x.memo,
      sourceDocument: x.sourceDocument,
      actor: x.actor,
      clientRef: x.clientRef,
      at: x.at,
      ...(x.detail ? { detail: x.detail } : {}),
    })),
  );
  expect(verifyLedger(rebuilt).ok).toBe(true);
  expect(failed(await verifyLedgerInBrowser(rebuilt, headOf(entries)))).toEqual(['head']);
});

test('a dropped entry, a reordering, a wrong head are caught', async () => {
  const entries = sampleLedger();
  expect(failed(await agree([...entries.slice(0, 3), ...entries.slice(4)], headOf(entries)))).toEqual(expect.arrayContaining(['sequence', 'links', 'balances', 'head']));
  // The last entry dropped: the chain before it holds, the head the server published does not.
  expect(failed(await verifyLedgerInBrowser(entries.slice(0, -1), headOf(entries)))).toEqual(['head']);
  expect(failed(await agree([entries[0]!, entries[2]!, entries[1]!, ...entries.slice(3)]))).toEqual(expect.arrayContaining(['sequence', 'links']));
  expect(failed(await verifyLedgerInBrowser(entries, { head: 'f'.repeat(64), entries: entries.length }))).toEqual(['head']);
  expect(failed(await verifyLedgerInBrowser(entries, { head: entries.at(-1)!.hash, entries: entries.length + 1 }))).toEqual(['head']);
});

test('an unbalanced entry is caught even when a forger restates its balances and re-hashes the chain', async () => {
  const entries = sampleLedger();
  const unbalanced = rehash(
    entries.map((e, i) =>
      i === 2
        ? {
            ...e,
            postings: [
              { account: 'cash', amountFen: 90_050 },
              { account: 'income:parking', amountFen: -80_050 },
            ],
          }
        : e,
    ),
  );
  // Balances restated as the forger's postings give them, so only the balancing rule is broken.
  const restated = restate(unbalanced);
  const v = await agree(restated, headOf(restated));
  expect(v.firstBad).toMatchObject({ seq: 3, check: 'balanced' });
  expect(failed(v)).toEqual(['balanced', 'reversals']);
  const fractional = rehash(
    entries.map((e, i) =>
      i === 2
        ? {
            ...e,
            postings: [
              { account: 'cash', amountFen: 0.5 },
              { account: 'income:parking', amountFen: -0.5 },
            ],
          }
        : e,
    ),
  );
  expect(failed(await agree(fractional, headOf(fractional)))).toEqual(expect.arrayContaining(['balanced']));
});

test('a second reversal of the same entry is caught', async () => {
  const entries = sampleLedger();
  const twice = restate([...entries, { ...entries.at(-1)!, clientRef: 'again' }]);
  const v = await agree(twice, headOf(twice));
  expect(failed(v)).toEqual(['reversals']);
  expect(v.firstBad).toMatchObject({ seq: entries.length + 1, check: 'reversals' });
});
