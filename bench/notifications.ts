import { performance } from 'node:perf_hooks';
import { RollActivated, RollChunkPublished, VoteAnnounced, type UnitRecord } from '../events/catalogue';
import { clock } from '../libs/clock';
import { putIfAbsent } from '../libs/db';
import { table } from '../services/notifications/store/keys';
import { startLocal } from '../infra/local/runtime';
import { topology as notifications } from '../services/notifications/topology';
import { topology as registry } from '../services/registry/topology';
import { client, compoundBody, registerAreas } from '../test/helpers';

const DAY = 86_400_000;

/** A roll of `count` units, 100 a building, each owned by its own owner: as many owners as units. */
function roll(count: number): UnitRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const buildingId = `B${String(Math.ceil(n / 100)).padStart(3, '0')}`;
    return {
      unitId: `${buildingId}-${String(((n - 1) % 100) + 1).padStart(3, '0')}`,
      buildingId,
      area: 8_000 + (n % 4_000),
      areaSource: 'register',
      holding: 'owned',
      ownerId: `O${n}`,
      registered: true,
    };
  });
}

/**
 * A vote announcement in a 20,000-unit compound, end to end on the local runtime: the event, its
 * rule, the broadcasts, 200 building units on the `recipients` queue, one inbox notice per owner,
 * and an SMS to each owner who registered a phone (through the deliveries queue to the local sink).
 * Printed: notices and deliveries per second from the event until every queue is idle.
 */
export async function benchNotifications(units = 20_000, withPhones = 1_000): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5, services: [registry, notifications] });
  const call = client(system);
  const C = 'bench-n';
  try {
    const bureau = await system.token(['bureau']);
    await registerAreas(system);
    await call('POST', '/compounds', { token: bureau, body: compoundBody(C) });
    // The roll reaches notifications as the registry publishes it (chunks, then activation).
    const records = roll(units);
    const chunks = Math.ceil(units / 500);
    const at = { compoundId: C, actor: 'bench', occurredAt: clock.nowIso() };
    for (let c = 0; c < chunks; c++)
      await system.bus.put([
        RollChunkPublished.create({ compoundId: C, rollVersion: 1, chunkIndex: c, chunkCount: chunks, units: records.slice(c * 500, (c + 1) * 500) }, { ...at, id: `bench-roll-${c}` }),
      ]);
    await system.bus.put([
      RollActivated.create({ compoundId: C, rollVersion: 1, chunkCount: chunks, unitCount: units, totalArea: records.reduce((s, u) => s + u.area, 0) }, { ...at, id: 'bench-roll-active' }),
    ]);
    await system.idle();

    // Every 20th owner registered a phone for SMS.
    const step = Math.max(1, Math.floor(units / withPhones));
    const registered = records.filter((_, i) => i % step === 0).slice(0, withPhones);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < registered.length; i = next++) {
          const ownerId = registered[i]!.ownerId;
          const token = await system.token([`owner:${C}:${ownerId}`], `s-${ownerId}`);
          const put = await call('PUT', '/me/notification-preferences', { token, body: { channels: ['sms'], phone: `+86139${String(i).padStart(8, '0')}` } });
          if (put.status !== 200) throw new Error(`preferences ${ownerId}: ${put.status} ${put.text}`);
        }
      }),
    );
    await system.idle();

    // The floor on this machine now: the same conditional PutItem (with its index entry) that each notice is, raw.
    const raw = 2_000;
    let rawNext = 0;
    const rawStarted = performance.now();
    await system.asService('notifications', async () => {
      const name = table();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = rawNext++; i < raw; i = rawNext++)
            await putIfAbsent(name, { pk: `INBOX#bench:${i}`, sk: 'raw', gsi1pk: 'BCAST#raw#B', gsi1sk: `bench:${i}`, message: { zh: { title: '标题', body: '正文'.repeat(40) } } });
        }),
      );
    });
    const rawRate = raw / ((performance.now() - rawStarted) / 1000);

    const now = clock.now().getTime();
    const started = performance.now();
    await system.bus.put([
      VoteAnnounced.create(
        {
          compoundId: C,
          voteId: 'v1',
          kind: 'resolution',
          matter: 'other_major',
          question: 'Benchmark question?',
          noticeAt: clock.nowIso(),
          opensAt: new Date(now + 15 * DAY).toISOString(),
          closesAt: new Date(now + 22 * DAY).toISOString(),
          warnings: [],
        },
        { ...at, occurredAt: clock.nowIso(), id: 'bench-announced' },
      ),
    ]);
    await system.idle();
    const ms = performance.now() - started;
    const sent = (await call('GET', '/_local/notifications?channel=sms')).json.count as number;
    const committee = await system.token([`committee:${C}`]);
    const broadcasts = (await call('GET', `/compounds/${C}/notices`, { token: committee })).json.items as { rule: string; broadcastId: string }[];
    const owners = broadcasts.find((b) => b.rule === 'owners')!;
    const reach = (await call('GET', `/compounds/${C}/notices/${owners.broadcastId}/buildings/B001`, { token: committee })).json as { owners: number; reached: number };
    // Owners' notices (one per owner) plus the building heads' and officials' (none named here but the three officials).
    const notices = units + 3;
    console.log(`\n## Notifications: a vote announcement to a ${units.toLocaleString('en')}-unit compound (${units / 100} buildings), ${registered.length} owners with SMS`);
    console.log(`event → every inbox notice and SMS delivered   ${(ms / 1000).toFixed(1).padStart(7)} s`);
    console.log(`inbox notices                                   ${notices.toString().padStart(7)}    ${(notices / (ms / 1000)).toFixed(0).padStart(6)} notices/s`);
    console.log(
      `raw conditional PutItem, same table and index   ${raw.toString().padStart(7)}    ${rawRate.toFixed(0).padStart(6)} /s   (notices are ${((100 * notices) / (ms / 1000) / rawRate).toFixed(0)} % of it)`,
    );
    console.log(`SMS delivered to the local sink                 ${sent.toString().padStart(7)}    (within the same time: claimed in the log, sent, marked reached)`);
    console.log(`units of work on the recipients queue           ${(units / 100 + 1).toString().padStart(7)}    (one per building, one for the officials; the largest writes 100 notices)`);
    console.log(`building B001: ${reach.owners} owners, ${reach.reached} reached so far (SMS delivered or read in the app)`);
  } finally {
    await system.close();
  }
}
