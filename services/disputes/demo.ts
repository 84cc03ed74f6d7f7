/**
 * The disputes part of the demo compound (东湖花园, `demo-donghu`): cases in every state, a court
 * visit, petitions this year and last, the compound's place for Open311 and an api key — all made
 * through the public API, as the people concerned would. The local runtime's seed calls it with a
 * `call` that mints a token for the grants given (infra/local/seed.ts wires it); it needs the
 * compound registered with its roll (owners O2…O30 in building B01/B02).
 */
export type DemoCall = (method: 'GET' | 'POST' | 'PUT', path: string, grants: readonly string[], body?: unknown, subject?: string) => Promise<{ status: number; json: any }>;

const C = 'demo-donghu';
const COMMUNITY = 'community:donghu-k1';
const STREET = 'street:donghu';
const PROPERTY = `property:${C}`;
const owner = (o: string) => [`owner:${C}:${o}`];

export interface DisputesDemo {
  complaints: Record<string, string>;
  apiKey: string;
}

export async function seedDisputesDemo(call: DemoCall): Promise<DisputesDemo> {
  const must = async (method: 'GET' | 'POST' | 'PUT', path: string, grants: readonly string[], body?: unknown, subject?: string) => {
    const r = await call(method, path, grants, body, subject);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const file = async (o: string, body: Record<string, unknown>) => (await must('POST', `/compounds/${C}/complaints`, owner(o), body, `owner-${o}`)).complaint.complaintId as string;
  const step = (id: string, action: string, grants: readonly string[], body: unknown, subject?: string) => must('POST', `/complaints/${id}/${action}`, grants, body, subject);
  // The server's clock, not this process's: the local clock may have been moved (it is kept across
  // restarts, and a seed step added later runs on an instance whose clock moved long ago).
  const serverNow = Date.parse((await must('GET', '/health', [])).time as string);
  const at = (offsetMs: number) => new Date(serverNow + offsetMs).toISOString();
  const today = new Date(serverNow + 8 * 3600_000).toISOString().slice(0, 10);
  const lastYear = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;

  await must('PUT', `/compounds/${C}/place`, [STREET], { lat: 24.9101, long: 118.6107, radiusMetres: 400, address: '1 Donghu Road, Fengze District, Quanzhou', zipcode: '362000' });

  const received = await file('O2', { category: 'parking', description: 'A van has blocked the fire lane next to B02 for three days.', public: true });
  const acknowledged = await file('O3', {
    category: 'noise',
    description: 'Drilling from the flat above B01-1201 after 22:00 every night.',
    respondent: { kind: 'owner', unitId: 'B01-1202' },
    attributes: { time_of_day: 'night' },
  });
  await step(acknowledged, 'acknowledge', [PROPERTY], { note: 'we will speak to the renovating owner today' });
  const inProgress = await file('O4', {
    category: 'leaks_repairs',
    description: 'Water comes through the bathroom ceiling of B01-401.',
    location: { buildingId: 'B01', unitId: 'B01-401' },
    public: true,
  });
  await step(inProgress, 'start', [PROPERTY], { note: 'plumber booked for Thursday morning' });

  const inMediation = await file('O5', {
    category: 'fees',
    description: 'The property company charges a lift fee to ground-floor flats of B02.',
    respondent: { kind: 'property_company' },
    contact: { name: '陈明' },
  });
  await step(inMediation, 'mediation', [COMMUNITY], { mediator: { kind: 'community', name: '林华 Lin Hua' }, parties: [{ kind: 'property_company', name: 'Haixi Property Services' }] });
  await step(inMediation, 'mediation/sessions', [COMMUNITY], { scheduledAt: at(3 * 86_400_000), place: 'community office, room 2' });

  // Mediated: agreement signed by both parties, judicial confirmation applied for and granted.
  const mediated = await file('O6', {
    category: 'property_service',
    description: 'The lift of B01 has stopped three times this month.',
    respondent: { kind: 'property_company' },
    contact: { name: '黄丽' },
  });
  await step(mediated, 'mediation', [COMMUNITY], {
    mediator: { kind: 'centre', name: '住建领域协同解纷中心 dispute-resolution centre' },
    parties: [{ kind: 'property_company', name: 'Haixi Property Services' }],
  });
  await step(mediated, 'mediation/sessions', [COMMUNITY], { scheduledAt: at(-3600_000), place: 'the centre' });
  await step(mediated, 'mediation/sessions/1', [COMMUNITY], { status: 'held', outcome: 'the company accepts a full overhaul' });
  const drafted = await step(mediated, 'mediation/agreement', [COMMUNITY], { terms: 'Haixi Property Services overhauls the lift of B01 within 30 days and reports to the committee.' });
  const termsHash = drafted.mediation.agreement.termsHash as string;
  await step(mediated, 'mediation/agreement/confirmations', owner('O6'), { partyId: 'P1', termsHash }, 'owner-O6');
  await step(mediated, 'mediation/agreement/confirmations', [PROPERTY], { partyId: 'P2', termsHash });
  const applied = await step(mediated, 'judicial-confirmation', [COMMUNITY], { court: 'Fengze District People’s Court' });
  // Decided the moment it was applied for: the one instant sure to lie between the application and
  // the server's now, wherever the clock was moved meanwhile.
  const decidedAt = applied.judicialConfirmation.appliedAt as string;
  await step(mediated, 'judicial-confirmation/decision', [COMMUNITY], { decision: 'confirmed', rulingRef: `(${decidedAt.slice(0, 4)})闽0503民特88号`, decidedAt });

  const resolved = await file('O7', { category: 'common_parts', description: 'Bicycles stored in the B02 corridor block the way.', public: true });
  await step(resolved, 'resolve', [`committee:${C}`], { note: 'the corridor was cleared and a bicycle shed assigned' });

  const referredToCourt = await file('O8', {
    category: 'leaks_repairs',
    description: 'Water from B02-501 damaged my ceiling; the owner refuses to pay for the repair.',
    respondent: { kind: 'owner', unitId: 'B02-501' },
    contact: { name: '郑强' },
  });
  await step(referredToCourt, 'mediation', [COMMUNITY], { mediator: { kind: 'community', name: '林华 Lin Hua' }, parties: [{ kind: 'owner', name: 'owner of B02-501' }] });
  await step(referredToCourt, 'mediation/failure', [COMMUNITY], { reason: 'the owner of B02-501 refused any payment' });
  await step(referredToCourt, 'court-referral', [STREET], { court: 'Fengze District People’s Court', note: 'litigation referral (诉调对接) for damages' });

  const referredForEnforcement = await file('O9', {
    category: 'illegal_construction',
    description: 'A steel room is being built on the shared roof terrace of B01.',
    respondent: { kind: 'owner', unitId: 'B01-1201' },
    attributes: { structure: 'roof_terrace' },
  });
  await step(referredForEnforcement, 'acknowledge', [STREET], { note: 'inspected on site: steel frame on the roof terrace' });
  await step(referredForEnforcement, 'enforcement-referral', [STREET], { note: 'confirmed on site', locationNote: 'roof terrace of B01' });

  const closed = await file('O10', { category: 'pets', description: 'A large dog is walked without a lead near the playground.' });
  await step(closed, 'resolve', [COMMUNITY], { note: 'the owner now uses a lead; agreed with the building head' });
  await step(closed, 'confirm', owner('O10'), { rating: 5, comment: 'solved quickly' }, 'owner-O10');

  const withdrawn = await file('O11', { category: 'other', description: 'The notice board is out of date.' });
  await step(withdrawn, 'withdraw', owner('O11'), { note: 'the committee updated it the same day' }, 'owner-O11');

  await must('POST', `/compounds/${C}/court-visits`, [STREET], {
    visitedOn: today,
    court: 'Fengze District People’s Court',
    judges: ['Judge Wu', 'Judge Xu'],
    casesHandled: 4,
    settledOnSite: 2,
    complaintIds: [referredToCourt],
  });
  for (const receivedOn of [lastYear, lastYear, lastYear, today, today]) {
    await must('POST', `/compounds/${C}/petitions`, [STREET], { category: 'fees', channel: 'hotline', receivedOn, summary: 'fees raised without an owners’ vote' });
  }
  const key = await must('POST', '/disputes/api-keys', ['bureau'], { organisation: 'Quanzhou 12345 citizen hotline', areas: [{ districtId: 'fengze' }] });

  return {
    complaints: {
      received,
      acknowledged,
      in_progress: inProgress,
      in_mediation: inMediation,
      mediated,
      resolved,
      referred_to_court: referredToCourt,
      referred_for_enforcement: referredForEnforcement,
      closed,
      withdrawn,
    },
    apiKey: key.apiKey as string,
  };
}
