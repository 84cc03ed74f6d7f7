import type { LocalSystem } from './runtime';

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

async function call(system: LocalSystem, token: string, method: string, path: string, body?: string, type = 'application/json') {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  if (!response.ok && response.status !== 409) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status;
}

/** Seeds the demo compound through the public API (the same path a street office would take). */
export async function seedDemo(system: LocalSystem): Promise<boolean> {
  const token = await system.token(['bureau'], 'seed');
  // The demo compound's areas first: a compound lies in a registered community (409 once seeded).
  await call(system, token, 'POST', '/districts', JSON.stringify({ districtId: DEMO.districtId, name: '丰泽区 Fengze District' }));
  await call(system, token, 'POST', '/streets', JSON.stringify({ streetId: DEMO.streetId, districtId: DEMO.districtId, name: '东湖街道 Donghu Street' }));
  await call(system, token, 'POST', '/communities', JSON.stringify({ communityId: DEMO.communityId, streetId: DEMO.streetId, name: '东湖社区 Donghu Community' }));
  const created = await call(
    system,
    token,
    'POST',
    '/compounds',
    JSON.stringify({
      compoundId: DEMO.compoundId,
      name: '东湖花园 Donghu Garden',
      address: '1 Donghu Road, Fengze District, Quanzhou',
      communityId: DEMO.communityId,
      governance: 'committee',
      developerId: DEMO.developerId,
    }),
  );
  if (created === 409) return false;
  await call(system, token, 'POST', `/compounds/${DEMO.compoundId}/roll`, demoRollCsv(), 'text/csv');
  for (let b = 1; b <= DEMO.buildings; b++) {
    const buildingId = `B${String(b).padStart(2, '0')}`;
    await call(
      system,
      token,
      'POST',
      `/compounds/${DEMO.compoundId}/grid-roles`,
      JSON.stringify({ role: 'building_head', personId: `head-${buildingId}`, name: `Head of ${buildingId}`, buildingId }),
    );
  }
  await system.bus.idle();
  return true;
}
