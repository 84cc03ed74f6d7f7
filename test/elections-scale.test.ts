import { clock } from '../libs/clock';
import { db } from '../libs/db';
import type { LocalSystem } from '../infra/local/runtime';
import { advancePast, client, compoundBody, rollCsv, startSystem } from './helpers';

/**
 * City scale, measured in DynamoDB calls rather than time: a ballot is one conditional write, and
 * live turnout reads a snapshot, not every ballot.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
const tokens = new Map<string, string>();
const owner = async (ownerId: string) => {
  if (!tokens.has(ownerId)) tokens.set(ownerId, await system.token([`owner:sc:${ownerId}`], `person-${ownerId}`));
  return tokens.get(ownerId)!;
};
const ballot = async (ownerId: string) => call('POST', '/compounds/sc/votes/v1/ballots', { token: await owner(ownerId), body: { choice: 'for' } });

/** Counts the commands every handler sends through the process's one DynamoDB document client. */
function countCommands(during: () => Promise<void>, tableContaining?: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const name = `count-${Math.random()}`;
  db().middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? 'unknown';
      const table = (args as { input?: { TableName?: string } }).input?.TableName ?? '';
      if (tableContaining === undefined || table.includes(tableContaining)) counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return during()
    .then(() => counts)
    .finally(() => db().middlewareStack.remove(name));
}

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  const bureau = await system.token(['bureau'], 'bureau');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('sc') })).status).toBe(201);
  expect((await call('POST', '/compounds/sc/roll', { token: bureau, raw: rollCsv(600), type: 'text/csv' })).status).toBe(201);
  await system.idle();
  const committee = await system.token(['committee:sc'], 'committee');
  const created = await call('POST', '/compounds/sc/votes', { token: committee, body: { kind: 'resolution', voteId: 'v1', matter: 'other_major', question: 'Count the calls?', votingDays: 7 } });
  expect(created.status).toBe(201);
  await advancePast(system, created.json.opensAt);
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

test('a ballot is one conditional write: the instance holds the frozen electorate and the open vote', async () => {
  // The first ballot an instance takes loads the vote, its electorate and the compound's location.
  expect((await ballot('O2')).status).toBe(201);
  const voters = Array.from({ length: 20 }, (_, i) => `O${i + 3}`);
  const counts = await countCommands(async () => {
    for (const ownerId of voters) expect((await ballot(ownerId)).status).toBe(201);
  });
  expect(counts).toEqual({ PutItemCommand: voters.length });
  // A second ballot by the same owner is refused by that same write's condition; the refusal reads
  // the ballot that landed, to say which it was (channel, time, proxy).
  const again = await countCommands(async () => {
    expect((await ballot('O3')).status).toBe(409);
  });
  expect(again).toEqual({ PutItemCommand: 1, GetItemCommand: 1 });
});

test('live turnout reads one snapshot; the ballots are counted at most every half minute', async () => {
  const first = (await call('GET', '/compounds/sc/votes/v1/turnout', { token: await owner('O2') })).json;
  expect(first.participatingHeadcount).toBe(21);
  for (const ownerId of ['O30', 'O31', 'O32']) expect((await ballot(ownerId)).status).toBe(201);
  const reads = await countCommands(async () => {
    for (let i = 0; i < 5; i++) {
      const t = (await call('GET', '/compounds/sc/votes/v1/turnout', { token: await owner('O2') })).json;
      expect(t.participatingHeadcount).toBe(21); // the snapshot, not yet refreshed
    }
  });
  // Per request: the vote and the snapshot, two reads; no query of the ballots.
  expect(reads).toEqual({ GetItemCommand: 10 });
  await system.scheduler.advance(31_000);
  const refreshed = await countCommands(async () => {
    const t = (await call('GET', '/compounds/sc/votes/v1/turnout', { token: await owner('O2') })).json;
    expect(t.participatingHeadcount).toBe(24);
  });
  expect(refreshed.QueryCommand).toBe(1);
});

test('a paper ballot is the same one write; a refused one by another channel adds the conflict record', async () => {
  const committee = await system.token(['committee:sc'], 'clerk');
  const sheet = (ownerId: string, number: string) => ({ ownerId, choice: 'for', paperNumber: number, scanRef: `scans/${number}.jpg`, witness: { personId: 'W1', name: 'Witness' } });
  expect((await call('POST', '/compounds/sc/votes/v1/paper-ballots', { token: committee, body: sheet('O46', 'P-46') })).status).toBe(201);
  const paper = await countCommands(async () => {
    for (const n of [47, 48, 49, 51, 52]) expect((await call('POST', '/compounds/sc/votes/v1/paper-ballots', { token: committee, body: sheet(`O${n}`, `P-${n}`) })).status).toBe(201);
  });
  expect(paper).toEqual({ PutItemCommand: 5 });
  // The request's own calls, on this service's table (not the event's deliveries to consumers).
  const conflict = await countCommands(async () => {
    expect((await ballot('O47')).status).toBe(409);
  }, 'elections');
  // The refused put, the read of the ballot that landed, the conflict item with its event, and its
  // outbox read and cleared once published (libs/outbox.ts): five calls, only for a refused ballot.
  expect(conflict).toEqual({ PutItemCommand: 2, GetItemCommand: 2, UpdateItemCommand: 1 });
});
