import { seedDisputesDemo } from '../../services/disputes/demo';
import { seedEnforcementDemo } from '../../services/enforcement/demo';
import type { SeedStep } from './seeding';

export const DEMO = {
  compoundId: 'demo-donghu',
  districtId: 'fengze',
  streetId: 'donghu',
  communityId: 'donghu-k1',
  developerId: 'dev-haixi',
  buildings: 27,
  unitsPerBuilding: 24,
} as const;

/** The demo roll: 27 buildings (as in the brief), a few units still unsold, one owner holding two. */
export function demoRollCsv(buildings: number = DEMO.buildings, unitsPerBuilding: number = DEMO.unitsPerBuilding): string {
  const lines = ['building,unit,area,area_source,holding,owner_id,owner_name,registered'];
  for (let b = 1; b <= buildings; b++) {
    for (let u = 1; u <= unitsPerBuilding; u++) {
      const building = `B${String(b).padStart(2, '0')}`;
      const unit = `${Math.ceil(u / 2)}0${u % 2 === 0 ? 2 : 1}`;
      const area = `${80 + ((b * 7 + u * 13) % 60)}.${String((b * u) % 100).padStart(2, '0')}`;
      const n = (b - 1) * unitsPerBuilding + u;
      if (n % 50 === 0) lines.push(`${building},${unit},${area},contract,unsold,,,no`);
      else if (n % 97 === 0) lines.push(`${building},${unit},${area},contract,sold_undelivered,O${n},Buyer ${n},no`);
      else {
        const owner = n % 61 === 0 ? 'O1' : `O${n}`; // O1 holds several units: one person, full area
        // Not yet registered (every 13th): some of those have only a surveyed area; a registered unit has its registered area.
        const registered = n % 13 !== 0;
        const source = !registered && n % 2 === 0 ? 'survey' : 'register';
        lines.push(`${building},${unit},${area},${source},owned,${owner},Owner ${owner.slice(1)},${registered ? 'yes' : 'no'}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The demo compound's registration, as a street office would send it. */
export const demoCompound = {
  compoundId: DEMO.compoundId,
  name: '东湖花园 Donghu Garden',
  address: '1 Donghu Road, Fengze District, Quanzhou',
  communityId: DEMO.communityId,
  governance: 'committee',
  developerId: DEMO.developerId,
} as const;

const BUREAU = ['bureau'] as const;
const ok = (step: string, r: { status: number; json: unknown }, ...also: number[]) => {
  if (r.status >= 300 && !also.includes(r.status)) throw new Error(`${step}: ${r.status} ${JSON.stringify(r.json)}`);
  return r;
};

/**
 * The demo, step by step, through the public API (the path a street office or an owner would take).
 * Each step is idempotent (infra/local/seeding.ts runs what an interrupted seed left); add a step at
 * the end of the list, with `after: 'settled'` when it needs the read models to know the steps before.
 */
export const DEMO_SEED: readonly SeedStep[] = [
  {
    name: 'areas',
    // A compound lies in a registered community; 409: registered by an earlier, interrupted run.
    run: async ({ call }) => {
      ok('register the district', await call('POST', '/districts', BUREAU, { districtId: DEMO.districtId, name: '丰泽区 Fengze District' }), 409);
      ok('register the street', await call('POST', '/streets', BUREAU, { streetId: DEMO.streetId, districtId: DEMO.districtId, name: '东湖街道 Donghu Street' }), 409);
      ok('register the community', await call('POST', '/communities', BUREAU, { communityId: DEMO.communityId, streetId: DEMO.streetId, name: '东湖社区 Donghu Community' }), 409);
    },
  },
  {
    name: 'compound',
    // 409: registered by an earlier, interrupted run.
    run: async ({ call }) => void ok('register the compound', await call('POST', '/compounds', BUREAU, demoCompound), 409),
  },
  {
    name: 'roll',
    run: async ({ call }) => {
      // A roll import is one request that activates a new version at its end: if one was active, this step is done.
      const compound = ok('read the compound', await call('GET', `/compounds/${DEMO.compoundId}`, BUREAU));
      if ((compound.json as { rollVersion: number }).rollVersion >= 1) return;
      ok('import the roll', await call('POST', `/compounds/${DEMO.compoundId}/roll`, BUREAU, demoRollCsv(), undefined, 'text/csv'));
    },
  },
  {
    name: 'grid-roles',
    run: async ({ call }) => {
      for (let b = 1; b <= DEMO.buildings; b++) {
        const buildingId = `B${String(b).padStart(2, '0')}`;
        const role = { role: 'building_head', personId: `head-${buildingId}`, name: `Head of ${buildingId}`, buildingId };
        ok('name a building head', await call('POST', `/compounds/${DEMO.compoundId}/grid-roles`, BUREAU, role), 409);
      }
    },
  },
  {
    name: 'disputes',
    // Complaints need the disputes service to know the compound and its roll.
    after: 'settled',
    run: async ({ call }) => void (await seedDisputesDemo((method, path, grants, body, subject) => call(method, path, grants, body, subject))),
  },
  {
    name: 'enforcement',
    // The campaign plans a sweep of the compound: the enforcement service must know it and its area.
    after: 'settled',
    run: async ({ target }) => void (await seedEnforcementDemo(target)),
  },
];

export const seededMessage = `Seeded the demo compound ${DEMO.compoundId} (${DEMO.buildings} buildings, ${DEMO.buildings * DEMO.unitsPerBuilding} units, complaints in every state, an enforcement campaign with findings).`;
