import type { DeliveredEvent } from '../events/envelope';
import { ResolutionPassed } from '../events/catalogue';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import type { LocalSystem } from '../infra/local/runtime';
import { client, compoundBody, registerAreas, startSystem } from './helpers';

/**
 * What the funds tests share: a local system with a probe on the funds events, tokens for every
 * role, compounds with a small roll (owned, unsold and sold-but-undelivered units, an owner with two
 * units), and owners' resolutions put straight on the bus (the elections tests cover the voting).
 */
export const DAY = 86_400_000;

/**
 * 12 units in two buildings. O1 holds two units; B02-0301 is sold to BUYER9 but not delivered;
 * B02-0401 is unsold. Areas in m² with two decimals.
 */
export const SMALL_ROLL = [
  'building,unit,area,area_source,holding,owner_id,owner_name,registered',
  'B01,0101,89.50,register,owned,O1,Chen Mei,yes',
  'B01,0102,92.00,register,owned,O2,Lin Zhiqiang,yes',
  'B01,0201,89.50,register,owned,O3,Huang Xiuying,yes',
  'B01,0202,92.00,register,owned,O1,Chen Mei,yes',
  'B01,0301,89.47,survey,owned,O4,Wang Jianguo,no',
  'B01,0302,92.00,register,owned,O5,Zheng Lihua,yes',
  'B02,0101,118.36,register,owned,O6,Hong Wenbin,yes',
  'B02,0102,76.20,register,owned,O7,Xu Li,yes',
  'B02,0201,118.36,register,owned,O8,Zhuang Yaqin,yes',
  'B02,0202,76.20,register,owned,O10,Su Zhenhua,yes',
  'B02,0301,118.36,contract,sold_undelivered,BUYER9,Chen Wei,no',
  'B02,0401,76.20,contract,unsold,,,no',
  '',
].join('\n');

export interface FundsWorld {
  system: LocalSystem;
  call: ReturnType<typeof client>;
  /** The same call from a client that honours 503 Busy: it waits as Retry-After says and tries again. */
  callRetrying: ReturnType<typeof client>;
  received: DeliveredEvent[];
  events(type: string): DeliveredEvent[];
  /** Move the clock (schedules due on the way fire once) and wait for the bus and the queues. */
  advance(ms: number): Promise<void>;
  /** Move the clock to `iso` plus a minute. */
  advanceTo(iso: string): Promise<void>;
  tokens: Record<'bureau' | 'committee' | 'property' | 'street' | 'reviewerA' | 'reviewerB' | 'inspector', string>;
  owner(compoundId: string, ownerId: string): Promise<string>;
  /** Register a compound (district D1, street S1, community K1 unless told) with the small roll. */
  compound(compoundId: string, over?: Record<string, unknown>, roll?: string): Promise<void>;
  /** What a passed owners' resolution does, delivered as the elections service would publish it. */
  resolution(compoundId: string, voteId: string, matter: string, payload: Record<string, unknown>, question?: string): Promise<void>;
  close(): Promise<void>;
}

export async function fundsWorld(): Promise<FundsWorld> {
  clock.reset();
  const { system, call } = await startSystem();
  const received: DeliveredEvent[] = [];
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.funds'] }, invoke: async (e) => void received.push(e) });
  const tokens = {
    bureau: await system.token(['bureau'], 'bureau'),
    committee: '',
    property: '',
    street: await system.token(['street:S1'], 'street-officer'),
    reviewerA: await system.token(['community:K1'], 'community-reviewer-a'),
    reviewerB: await system.token(['community:K1'], 'branch-secretary-b'),
    inspector: await system.token(['inspector:S1'], 'inspector'),
  };
  const compounds: string[] = [];
  const world: FundsWorld = {
    system,
    call,
    callRetrying: retryingBusy(call),
    received,
    events: (type) => received.filter((e) => e['detail-type'] === type),
    async advance(ms) {
      await system.scheduler.advance(ms);
      await system.idle();
    },
    async advanceTo(iso) {
      await world.advance(Math.max(0, Date.parse(iso) - clock.now().getTime() + 60_000));
    },
    tokens,
    owner: (compoundId, ownerId) => system.token([`owner:${compoundId}:${ownerId}`], ownerId),
    async compound(compoundId, over = {}, roll = SMALL_ROLL) {
      // A compound is placed by its community; other areas than D1/S1/K1 are registered first.
      const { districtId = 'D1', streetId = 'S1', ...body } = over as { districtId?: string; streetId?: string; communityId?: string };
      if (body.communityId && body.communityId !== 'K1') await registerAreas(system, [{ districtId, streetId, communityId: body.communityId }]);
      const made = await call('POST', '/compounds', { token: tokens.bureau, body: compoundBody(compoundId, body) });
      if (made.status !== 201) throw new Error(`compound ${compoundId}: ${made.status} ${made.text}`);
      const imported = await call('POST', `/compounds/${compoundId}/roll`, { token: tokens.bureau, raw: roll, type: 'text/csv' });
      if (imported.status >= 300) throw new Error(`roll ${compoundId}: ${imported.status} ${imported.text}`);
      compounds.push(compoundId);
      // One committee and property token for all compounds of the test (grants for each).
      tokens.committee = await system.token(
        compounds.map((c) => `committee:${c}`),
        'committee-chair',
      );
      tokens.property = await system.token(
        compounds.map((c) => `property:${c}`),
        'property-co',
      );
      await system.idle();
    },
    async resolution(compoundId, voteId, matter, payload, question = `resolution ${voteId}`) {
      const event = ResolutionPassed.create(
        {
          compoundId,
          voteId,
          matter: matter as never,
          question,
          figures: { totalArea: 1000, totalHeadcount: 10, participatingArea: 800, participatingHeadcount: 8, forArea: 800, forHeadcount: 8 },
          payload,
          decidedAt: clock.nowIso(),
        },
        { compoundId, actor: 'elections', occurredAt: clock.nowIso(), id: `result-${compoundId}-${voteId}`, correlationId: `vote-${compoundId}-${voteId}` },
      );
      await system.bus.put([event]);
      await system.idle();
    },
    close: async () => {
      await system.close();
      clock.reset();
    },
  };
  return world;
}

/** A client that honours 503 Busy: waits (Retry-After, shortened for tests) and tries again. */
export function retryingBusy(call: ReturnType<typeof client>): ReturnType<typeof client> {
  return async (method, path, options) => {
    for (let attempt = 0; ; attempt++) {
      const response = await call(method, path, options);
      if (response.status !== 503 || attempt >= 50) return response;
      // Busy from the ledger says Retry-After: 1; a 503 of the runtime itself (an instance at capacity) may not.
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null) expect(retryAfter).toBe('1');
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  };
}

/** Run tasks `width` at a time, keeping their order in the results. */
export async function inParallel<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
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

/**
 * A crash between two writes, injected at the store: the next `times` DynamoDB commands that match
 * fail before reaching the table, as if the function died there. Returns how many were failed.
 */
export function crashOn(match: (command: string, input: string) => boolean, times = 1): { count: () => number } {
  let failed = 0;
  const name = `crash-${Math.random().toString(36).slice(2)}`;
  const stack = db().middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      if (failed < times && match(String((context as { commandName?: string }).commandName), JSON.stringify(args.input))) {
        failed++;
        if (failed >= times) stack.remove(name);
        throw new Error(`injected crash before ${(context as { commandName?: string }).commandName}`);
      }
      return next(args);
    },
    { step: 'initialize', name, priority: 'high' },
  );
  return { count: () => failed };
}

/** Every DynamoDB command sent until `stop()`: its name and its input, as JSON. */
export function recordCommands(): { commands: { name: string; input: string }[]; stop: () => void } {
  const commands: { name: string; input: string }[] = [];
  const name = `record-${Math.random().toString(36).slice(2)}`;
  db().middlewareStack.add(
    (next, context) => async (args) => {
      commands.push({ name: String((context as { commandName?: string }).commandName), input: JSON.stringify(args.input) });
      return next(args);
    },
    { step: 'initialize', name, priority: 'high' },
  );
  return { commands, stop: () => void db().middlewareStack.remove(name) };
}
