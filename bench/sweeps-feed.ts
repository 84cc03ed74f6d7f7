import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EnforcementEscalated, FindingConfirmed, FindingRectified, InspectionRecorded, type EnforcementCategory } from '../events/catalogue';
import type { BusEvent, DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { localDate } from '../services/enforcement/domain/time';

/**
 * A year of the alliance's work at Quanzhou's scale, as the enforcement service's own events, fed
 * to its statistics consumer (as the bus would deliver them): 1,391 compounds swept for illegal
 * construction, 365 fire-safety hazards with 40 cases and 10 procuratorate recommendations, 1,189
 * public-safety hazards rectified, water restored in 36 compounds, 96 illegal-construction cases of
 * which 94 were dealt with (30 by demolition), 4 criminal and 20 administrative police cases.
 * `scale` takes a fraction of it (the bench uses a tenth on a slow machine; 1 is the full year).
 */
export async function feedQuanzhouYear(system: LocalSystem, districtId: string, scale = 1, width = 16): Promise<{ events: number; sweeps: number; findings: number; seconds: number; year: string }> {
  const k = (count: number) => Math.round(count * scale);
  const year = localDate(clock.nowIso()).slice(0, 4);
  const events: BusEvent[] = [];
  let n = 0;
  const at = () => {
    const month = String((n++ % 12) + 1).padStart(2, '0');
    return `${year}-${month}-15T04:00:00.000Z`;
  };
  const compound = (i: number) => `${districtId}-c${i % 2000}`;
  const ctx = (compoundId: string) => ({ compoundId, actor: 'bench', occurredAt: at() });
  let findings = 0;
  const found = (i: number, category: EnforcementCategory, department: string) => {
    findings++;
    const c = compound(i);
    events.push(
      FindingConfirmed.create(
        {
          compoundId: c,
          findingId: `F${findings}`,
          source: 'sweep',
          category,
          severity: 'general',
          department,
          responsibleParty: { kind: 'other' },
          location: { commonPart: 'bench' },
          deadline: '2030-01-01T00:00:00.000Z',
          legalBasis: 'bench',
          publicInterest: true,
          criminal: false,
        },
        ctx(c),
      ),
    );
    return { c, findingId: `F${findings}` };
  };
  const rectified = (f: { c: string; findingId: string }, category: EnforcementCategory, department: string, abatement?: 'demolition') =>
    events.push(FindingRectified.create({ compoundId: f.c, findingId: f.findingId, category, department, how: abatement ? 'abatement' : 'reinspection', abatement }, ctx(f.c)));
  const step = (f: { c: string; findingId: string }, category: EnforcementCategory, stepName: 'administrative_case' | 'procuratorate_recommendation' | 'police_case', department: string) =>
    events.push(
      EnforcementEscalated.create(
        { compoundId: f.c, findingId: f.findingId, category, step: stepName, department, legalBasis: 'bench', caseRef: `${f.c}/${f.findingId}/${stepName}`, dueAt: '2030-01-01T00:00:00.000Z' },
        ctx(f.c),
      ),
    );

  for (let i = 0; i < k(1391); i++) {
    const c = compound(i);
    events.push(
      InspectionRecorded.create(
        { campaignId: 'bench', compoundId: c, department: 'urban-management', checklist: [{ category: 'illegal_construction_common_part', result: i < k(96) ? 'fail' : 'pass' }], findings: [] },
        ctx(c),
      ),
    );
  }
  for (let i = 0; i < k(365); i++) {
    const f = found(i, i % 2 ? 'fire_lane_blocked' : 'ebike_indoor_charging', 'fire-rescue');
    if (i < k(40)) step(f, i % 2 ? 'fire_lane_blocked' : 'ebike_indoor_charging', 'administrative_case', 'fire-rescue');
    if (i < k(10)) step(f, i % 2 ? 'fire_lane_blocked' : 'ebike_indoor_charging', 'procuratorate_recommendation', 'procuratorate');
  }
  for (let i = 0; i < k(1189); i++) rectified(found(i, 'public_safety_hazard', 'work-safety'), 'public_safety_hazard', 'work-safety');
  for (let i = 0; i < k(36); i++) rectified(found(i, 'water_power_cutoff', 'housing-bureau'), 'water_power_cutoff', 'housing-bureau');
  for (let i = 0; i < k(96); i++) {
    const f = found(i, 'illegal_construction_common_part', 'urban-management');
    step(f, 'illegal_construction_common_part', 'administrative_case', 'urban-management');
    if (i < k(94)) rectified(f, 'illegal_construction_common_part', 'urban-management', i < k(30) ? 'demolition' : undefined);
  }
  for (let i = 0; i < k(20); i++) step(found(i, 'group_rental', 'police'), 'group_rental', 'administrative_case', 'police');
  for (let i = 0; i < k(4); i++) step(found(i, 'public_order', 'police'), 'public_order', 'police_case', 'police');

  const delivered = (e: BusEvent): DeliveredEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': e.detailType,
    source: e.source,
    account: '000000000000',
    time: e.detail.metadata.occurredAt,
    region: 'local',
    resources: [],
    detail: e.detail,
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < events.length; i = next++) await system.invoke('enforcement', 'statistics', delivered(events[i]!));
    }),
  );
  return { events: events.length, sweeps: k(1391), findings, seconds: (performance.now() - started) / 1000, year };
}
