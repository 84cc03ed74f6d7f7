import { ArrearsRecorded } from '../events/catalogue';
import type { BusEvent } from '../events/envelope';
import { disputesFixtures } from '../events/fixtures/disputes';
import type { LocalSystem } from '../infra/local/runtime';
import { services } from '../services/index';
import { client, compoundBody, startSystem } from './helpers';

/**
 * The audit trail's lists page like every list: a page filtered by service holds up to `limit` of
 * that service's records (the filter is the key queried, not a cut after the page), and a
 * correlation's chain pages with a cursor.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let street: string;

beforeAll(async () => {
  ({ system, call } = await startSystem({ services: services.filter((s) => s.name === 'registry' || s.name === 'audit') }));
  const bureau = await system.token(['bureau'], 'bureau-1');
  street = await system.token(['street:S1'], 'street-1');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('au-a') })).status).toBe(201);
  // 12 funds records, then 30 disputes-like records (newer) under one correlation: the newest page of
  // the unfiltered trail holds no funds record at all.
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 2, minute)).toISOString();
  const events: BusEvent[] = [];
  for (let i = 0; i < 12; i++) {
    events.push(
      ArrearsRecorded.create(
        { compoundId: 'au-a', ownerId: 'O1', unitId: 'B1-101', kind: 'small_maintenance_levy', amountFen: 100 + i, arrearsId: `A${i}` },
        { compoundId: 'au-a', actor: 'funds-test', occurredAt: at(i), id: `funds-${i}`, correlationId: `arrears-${i}` },
      ),
    );
  }
  for (let i = 0; i < 30; i++) events.push(chainRecord(i, at(20 + i)));
  await system.bus.put(events);
  await system.idle();
});
afterAll(() => system.close());

/** A disputes record in one chain (a complaint's): the fixture, as if it concerned au-a. */
function chainRecord(i: number, occurredAt: string): BusEvent {
  const fixture = disputesFixtures.ComplaintAcknowledged!;
  return { ...fixture, detail: { data: fixture.detail.data, metadata: { ...fixture.detail.metadata, compoundId: 'au-a', occurredAt, id: `chain-${i}`, correlationId: 'chain-1' } } };
}

async function walk(path: string, limit: number) {
  const pages: { items: { eventId: string; service: string }[]; nextCursor?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: street });
    expect(page.status).toBe(200);
    pages.push(page.json);
    cursor = page.json.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('the audit trail by service', () => {
  test('a filtered page holds up to `limit` matching records; no empty page with a cursor', async () => {
    const first = await call('GET', '/compounds/au-a/audit?service=funds&limit=5', { token: street });
    expect(first.status).toBe(200);
    expect(first.json.items.map((r: { eventId: string }) => r.eventId)).toEqual(['funds-11', 'funds-10', 'funds-9', 'funds-8', 'funds-7']);
    const pages = await walk('/compounds/au-a/audit?service=funds', 5);
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(pages.flatMap((p) => p.items).every((r) => r.service === 'funds')).toBe(true);
    expect(new Set(pages.flatMap((p) => p.items.map((r) => r.eventId))).size).toBe(12);
  });

  test('the filter keeps the time range, and the unfiltered trail is unchanged', async () => {
    const ranged = await call('GET', `/compounds/au-a/audit?service=funds&from=${encodeURIComponent('2026-11-01T02:03:00.000Z')}&to=${encodeURIComponent('2026-11-01T02:05:00.000Z')}`, {
      token: street,
    });
    expect(ranged.json.items.map((r: { eventId: string }) => r.eventId)).toEqual(['funds-5', 'funds-4', 'funds-3']);
    const all = await walk('/compounds/au-a/audit', 25);
    expect(all.flatMap((p) => p.items)).toHaveLength(43); // and the compound's registration
    const none = await call('GET', '/compounds/au-a/audit?service=elections', { token: street });
    expect(none.json).toEqual({ items: [] });
  });
});

describe('a correlation pages', () => {
  test('a chain longer than a page is walked with the cursor, oldest first, each record once', async () => {
    const pages = await walk('/compounds/au-a/audit/correlations/chain-1', 12);
    expect(pages.map((p) => p.items.length)).toEqual([12, 12, 6]);
    expect(pages.flatMap((p) => p.items.map((r) => r.eventId))).toEqual(Array.from({ length: 30 }, (_, i) => `chain-${i}`));
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
  });

  test('a chain never recorded is 404; a cursor from another list is refused', async () => {
    expect((await call('GET', '/compounds/au-a/audit/correlations/nothing-here', { token: street })).status).toBe(404);
    const other = await call('GET', '/compounds/au-a/audit?limit=1', { token: street });
    const refused = await call('GET', `/compounds/au-a/audit/correlations/chain-1?cursor=${other.json.nextCursor}`, { token: street });
    expect(refused.status).toBe(400);
  });
});
