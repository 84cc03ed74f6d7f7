import { addDaysToDate, localDate } from './domain/time';

/**
 * The demo's enforcement story for 东湖花园 (demo-donghu), seeded through the public API as the
 * street office and two departments would do it: a campaign over Donghu street planned at once, the
 * joint sweep of the compound with three findings (a blocked fire lane, e-bikes charging in a
 * stairwell, an owner's steel room on a shared roof terrace, with a photo), both checklists, and the
 * e-bikes rectified on re-inspection. The owner O2 is then on the negative list; moving the clock
 * (POST /_local/clock/advance) walks the fire lane up the escalation ladder.
 *
 * Takes anything that knows the base URL and can issue tokens (the local runtime does); the lead
 * wires it into infra/local/seed.ts after the compound is seeded.
 */
export interface DemoTarget {
  url: string;
  token(grants: readonly string[], subject?: string): Promise<string>;
}

export const ENFORCEMENT_DEMO = {
  compoundId: 'demo-donghu',
  districtId: 'fengze',
  streetId: 'donghu',
  campaignId: 'donghu-fire-and-roofs',
  owner: 'O2',
} as const;

/** A 1×1 PNG: the demo's photo evidence. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Seeds the demo campaign; false when it was seeded before (the campaign exists). */
export async function seedEnforcementDemo(target: DemoTarget): Promise<boolean> {
  const { compoundId, districtId, streetId, campaignId, owner } = ENFORCEMENT_DEMO;
  const [street, fire, urban] = await Promise.all([
    target.token([`street:${streetId}`], 'demo-street-office'),
    target.token(['department:fire-rescue'], 'demo-fire-rescue'),
    target.token(['department:urban-management'], 'demo-urban-management'),
  ]);
  const call = async (token: string, method: string, path: string, body?: unknown, accept: number[] = []) => {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json().catch(() => undefined)) as any;
    if (!response.ok && !accept.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return { status: response.status, json };
  };

  // The server's clock (it may have been moved), as a Beijing date.
  const health = await fetch(`${target.url}/health`).then((r) => r.json() as Promise<{ time: string }>);
  const today = localDate(health.time);
  await call(street, 'PUT', `/enforcement/compounds/${compoundId}/profile`, { builtYear: 2003 });
  const created = await call(
    street,
    'POST',
    '/enforcement/campaigns',
    {
      campaignId,
      theme: '消防通道与楼顶违建专项整治 Fire lanes, e-bikes indoors and illegal construction on roofs',
      categories: ['fire_lane_blocked', 'ebike_indoor_charging', 'illegal_construction_common_part'],
      departments: ['fire-rescue', 'urban-management'],
      startsOn: today,
      endsOn: addDaysToDate(today, 60),
      scope: { kind: 'street', districtId, streetId },
    },
    [409],
  );
  // 200: the same campaign was created before (a replay); 409: an earlier day's.
  if (created.status !== 201) return false;
  await call(street, 'POST', `/enforcement/campaigns/${campaignId}/plan`, undefined, [409]);
  const sweepPath = `/enforcement/campaigns/${campaignId}/sweeps/${compoundId}`;
  for (let attempt = 0; (await call(street, 'GET', sweepPath, undefined, [404])).status === 404; attempt++) {
    if (attempt > 100) throw new Error('the demo sweep was not planned within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  const findings = `${sweepPath}/findings`;
  await call(fire, 'POST', findings, {
    findingId: 'lane-b03',
    category: 'fire_lane_blocked',
    severity: 'general',
    location: { buildingId: 'B03', commonPart: 'fire lane between B03 and B04' },
    responsibleParty: { kind: 'property_company', name: 'Haixi Property Services' },
    description: 'Parked cars and a delivery kiosk block the fire lane between B03 and B04',
  });
  await call(fire, 'POST', findings, {
    findingId: 'ebike-b07',
    category: 'ebike_indoor_charging',
    severity: 'serious',
    location: { buildingId: 'B07', commonPart: 'ground-floor stairwell of B07' },
    responsibleParty: { kind: 'tenant', name: 'tenant of B07-101' },
    description: 'Three e-bikes charging in the ground-floor stairwell of B07',
  });
  await call(urban, 'POST', findings, {
    findingId: 'roof-b01',
    category: 'illegal_construction_common_part',
    severity: 'serious',
    location: { buildingId: 'B01', commonPart: 'roof terrace of B01' },
    responsibleParty: { kind: 'owner', ownerId: owner },
    description: 'A steel-frame room built on the shared roof terrace of B01',
  });
  const evidence = await call(urban, 'POST', `/enforcement/compounds/${compoundId}/findings/roof-b01/evidence`, { evidenceId: 'roof-photo-1', contentType: 'image/png', filename: 'roof-b01.png' });
  await fetch(evidence.json.upload.url, { method: 'PUT', headers: evidence.json.upload.headers, body: PHOTO });

  await call(fire, 'POST', `${sweepPath}/inspections`, {
    checklist: [
      { category: 'fire_lane_blocked', result: 'fail' },
      { category: 'ebike_indoor_charging', result: 'fail', note: 'charging cabinet proposed by the committee' },
    ],
  });
  await call(urban, 'POST', `${sweepPath}/inspections`, { checklist: [{ category: 'illegal_construction_common_part', result: 'fail' }] });
  await call(fire, 'POST', `/enforcement/compounds/${compoundId}/findings/ebike-b07/reinspections`, { outcome: 'rectified', note: 'e-bikes moved to the new charging shed' });
  return true;
}
