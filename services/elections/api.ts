import { randomBytes, randomUUID } from 'node:crypto';
import { CandidateDisqualified } from '../../events/catalogue';
import { officialScope, type Principal } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { httpApi, implement } from '../../libs/http/api';
import { conflict, forbidden, notFound, ruleBroken } from '../../libs/errors';
import { m2, percent, toCsv } from '../../libs/csv';
import { buildLog, headOf, receiptOf } from './domain/ballot-log';
import { needsNewElection, seatsAllowed } from './domain/committee';
import { addYears, DEFAULT_VOTE_RULES, scheduleVote } from './domain/deadlines';
import type { PublishedVoteLog } from './domain/verify';
import { closeVote, countedBallots, openVote } from './lifecycle';
import * as store from './store';
import { routes } from './topology';

async function requireVote(compoundId: string, voteId: string, consistent = false) {
  const vote = await store.getVote(compoundId, voteId, consistent);
  if (!vote) throw notFound(`vote ${voteId} does not exist in compound ${compoundId}`);
  return vote;
}

/** Live turnout from the ballots themselves (no counter to drift). */
async function turnoutOf(vote: store.VoteItem) {
  if (!vote.electorateId) return undefined;
  const ballots = await store.allBallots(vote);
  const participatingArea = ballots.reduce((s, b) => s + b.area, 0);
  const participatingHeadcount = ballots.length;
  return {
    totalArea: vote.totalArea!,
    totalHeadcount: vote.totalHeadcount!,
    participatingArea,
    participatingHeadcount,
    areaPercent: percent(participatingArea, vote.totalArea!),
    headcountPercent: percent(participatingHeadcount, vote.totalHeadcount!),
    asOf: clock.nowIso(),
  };
}

const createVote = implement(routes.createVote, async ({ params, body, principal, location }) => {
  const compound = location as store.CompoundItem; // the read-model view the HTTP stack located
  const noticeAt = clock.nowIso();
  const schedule = scheduleVote(noticeAt, body.opensAt, body.votingDays, DEFAULT_VOTE_RULES);
  if ('error' in schedule) throw ruleBroken(schedule.error, [{ field: 'body.opensAt', reason: schedule.error }]);
  let seats: number | undefined;
  if (body.kind === 'election') {
    const problem = seatsAllowed(body.seats, compound.unitCount ?? 0);
    if (problem) throw ruleBroken(problem, [{ field: 'body.seats', reason: problem }]);
    seats = body.seats;
  }
  const vote: store.VoteItem = {
    compoundId: params.compoundId,
    voteId: body.voteId,
    kind: body.kind,
    matter: body.kind === 'election' ? 'committee_election' : body.matter,
    question: body.question,
    payload: body.kind === 'resolution' ? body.payload : undefined,
    seats,
    status: 'scheduled',
    ...schedule,
    createdBy: principal.subject,
    createdAt: noticeAt,
  };
  await store.createVote(vote);
  return { status: 201, body: vote, headers: { location: `/compounds/${params.compoundId}/votes/${body.voteId}` } };
});

const listVotes = implement(routes.listVotes, async ({ params, query }) => ({
  body: await store.listVotes(params.compoundId, query.limit, query.cursor),
}));

const getVote = implement(routes.getVote, async ({ params }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  const { electorateId: _e, ...shown } = vote;
  return { body: { ...shown, turnout: vote.status === 'open' ? await turnoutOf(vote) : undefined } };
});

const openVoteRoute = implement(routes.openVote, async ({ params, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  const opened = await openVote(vote, principal.subject);
  return { body: { status: opened.status, totalArea: opened.totalArea, totalHeadcount: opened.totalHeadcount, voterCount: opened.voterCount } };
});

const nominate = implement(routes.nominate, async ({ params, body, principal, location }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  if (vote.kind !== 'election') throw ruleBroken('candidates stand in elections, not in resolutions');
  if (vote.status !== 'scheduled') throw conflict('nominations close when voting opens');
  const active = (await store.disqualifications(body.personId)).filter((d) => d.active);
  if (active.length) {
    throw ruleBroken(`${body.personId} is on the negative list`, active.map((d) => ({ field: 'body.personId', reason: `${d.reason} (source: ${d.sourceRef})` })));
  }
  if (body.source === 'pool') {
    const person = await store.getPoolPerson(body.personId);
    if (!person) throw ruleBroken(`${body.personId} is not in the reserve pool`);
    if (person.status !== 'available') throw ruleBroken(`${body.personId} is ${person.status} in the pool`);
    if (!person.compounds.includes(params.compoundId)) throw ruleBroken(`${body.personId} is not vetted for compound ${params.compoundId}`);
  } else {
    // Owners' nominees must own a unit here (the registry's roll, as this service holds it).
    const roll = await store.loadActiveRoll(location as store.CompoundItem);
    if (!roll?.units.some((u) => u.holding === 'owned' && u.ownerId === body.personId)) {
      throw ruleBroken(`${body.personId} owns no unit in compound ${params.compoundId}`);
    }
  }
  const candidate = { personId: body.personId, name: body.name, source: body.source, nominatedBy: principal.subject, nominatedAt: clock.nowIso() };
  await store.putCandidate(vote, candidate);
  return { status: 201, body: candidate };
});

const listCandidates = implement(routes.listCandidates, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  return { body: await store.pageCandidates(vote, query.limit, query.cursor) };
});

/**
 * Open votes are cached briefly per instance: during voting the clock, not the item, decides whether
 * a ballot is on time (an open vote changes status only a grace period after its closing time).
 */
const openVotes = new Map<string, { vote: store.VoteItem; candidates: Set<string>; until: number }>();
async function openVoteFor(compoundId: string, voteId: string): Promise<{ vote: store.VoteItem; candidates: Set<string> }> {
  const key = `${compoundId}/${voteId}`;
  const cached = openVotes.get(key);
  if (cached && cached.until > Date.now()) return cached;
  const vote = await requireVote(compoundId, voteId);
  // Nominations close when voting opens, so an open election's candidates are fixed.
  const candidates = new Set(vote.kind === 'election' && vote.status === 'open' ? (await store.listCandidates(vote)).map((c) => c.personId) : []);
  if (vote.status === 'open') openVotes.set(key, { vote, candidates, until: Date.now() + 5_000 });
  return { vote, candidates };
}

const castBallot = implement(routes.castBallot, async ({ params, body, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId);
  if (!ownerId) throw forbidden('only an owner of this compound may vote');
  const { vote, candidates: known } = await openVoteFor(params.compoundId, params.voteId);
  const now = clock.nowIso();
  if (vote.status !== 'open' || now < vote.opensAt || now >= vote.closesAt) throw conflict(`voting is not open (the vote is ${vote.status}; it runs ${vote.opensAt} to ${vote.closesAt})`);
  const voter = await store.getVoter(vote, ownerId);
  if (!voter) throw forbidden(`${ownerId} is not in this vote's electorate (frozen when it opened)`);

  let choice: string | string[];
  if (vote.kind === 'resolution') {
    if (!('choice' in body)) throw ruleBroken('this vote takes {"choice": "for" | "against" | "abstain"}', [{ field: 'body.choice', reason: 'required' }]);
    choice = body.choice;
  } else {
    if (!('candidates' in body)) throw ruleBroken('an election ballot lists candidates: {"candidates": [...]}', [{ field: 'body.candidates', reason: 'required' }]);
    if (body.candidates.length > vote.seats!) throw ruleBroken(`vote for at most ${vote.seats} candidates`, [{ field: 'body.candidates', reason: 'too many' }]);
    if (new Set(body.candidates).size !== body.candidates.length) throw ruleBroken('a candidate is listed twice', [{ field: 'body.candidates', reason: 'duplicate' }]);
    const unknown = body.candidates.filter((c) => !known.has(c));
    if (unknown.length) throw ruleBroken(`not candidates: ${unknown.join(', ')}`, [{ field: 'body.candidates', reason: 'unknown candidate' }]);
    choice = [...body.candidates].sort();
  }
  const record = { voteId: vote.voteId, voterId: ownerId, choice, area: voter.area, headcount: voter.headcount, castAt: now, nonce: randomBytes(16).toString('hex') };
  const receipt = receiptOf(record);
  if (!(await store.putBallot(vote, { ...record, receipt, castBy: principal.subject }))) {
    throw conflict(`${ownerId} has already voted in ${vote.voteId}; a ballot cannot be changed`);
  }
  return { status: 201, body: { receipt, nonce: record.nonce, choice, area: voter.area, headcount: voter.headcount, castAt: now } };
});

const myBallot = implement(routes.myBallot, async ({ params, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId)!;
  const vote = await requireVote(params.compoundId, params.voteId);
  const ballot = await store.getBallot(vote, ownerId);
  if (!ballot) throw notFound(`${ownerId} has not voted in ${params.voteId}`);
  return { body: ballot };
});

const listBallots = implement(routes.listBallots, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  if (query.format === 'csv') {
    const ballots = await store.allBallots(vote);
    const rows = ballots.map((b) => [b.voterId, Array.isArray(b.choice) ? b.choice.join(' ') : b.choice, m2(b.area), b.headcount, b.castAt, b.receipt]);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['owner', 'choice', 'area_m2', 'headcount', 'cast_at', 'receipt'], rows) };
  }
  return { body: await store.pageBallots(vote, query.limit, query.cursor) };
});

const turnout = implement(routes.turnout, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  const t = await turnoutOf(vote);
  if (!t) throw conflict('turnout exists once the vote is open');
  if (query.format === 'csv') {
    return {
      contentType: 'text/csv; charset=utf-8',
      body: toCsv(
        ['measure', 'total', 'participating', 'percent', 'as_of'],
        [
          ['area_m2', m2(t.totalArea), m2(t.participatingArea), t.areaPercent, t.asOf],
          ['headcount', t.totalHeadcount, t.participatingHeadcount, t.headcountPercent, t.asOf],
        ],
      ),
    };
  }
  return { body: t };
});

const closeVoteRoute = implement(routes.closeVote, async ({ params, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  const closed = await closeVote(vote, principal.subject);
  return { body: { status: closed.status, result: closed.result, logHead: closed.logHead, objectionEndsAt: closed.objectionEndsAt } };
});

async function publishedLog(vote: store.VoteItem): Promise<PublishedVoteLog> {
  if (!vote.result || !vote.logHead) throw conflict('the log is published when the vote closes');
  const entries = buildLog(await countedBallots(vote));
  if (headOf(entries) !== vote.logHead) throw new Error(`ballot log of ${vote.voteId} does not match its recorded head`);
  const candidates = vote.kind === 'election' ? (await store.listCandidates(vote)).map((c) => c.personId) : undefined;
  return {
    vote: { compoundId: vote.compoundId, voteId: vote.voteId, kind: vote.kind, matter: vote.matter, seats: vote.seats, candidates, totalArea: vote.totalArea!, totalHeadcount: vote.totalHeadcount! },
    head: vote.logHead,
    entries,
    result: vote.result,
  };
}

const ballotLog = implement(routes.ballotLog, async ({ params }) => ({ body: await publishedLog(await requireVote(params.compoundId, params.voteId)) }));

const report = implement(routes.report, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  if (!vote.result) throw conflict('the report exists once the vote closes');
  const r = vote.result;
  const stage = vote.status === 'preliminary' ? 'preliminary' : vote.status;
  if (query.format === 'csv') {
    const f = r.figures;
    const rows: (string | number)[][] = [
      ['total', m2(f.totalArea), f.totalHeadcount],
      ['participating', m2(f.participatingArea), f.participatingHeadcount],
    ];
    if (r.kind === 'resolution') {
      rows.push(['for', m2(r.figures.forArea), r.figures.forHeadcount], ['against', m2(r.againstArea), r.againstHeadcount], ['abstain', m2(r.abstainArea), r.abstainHeadcount]);
    } else {
      for (const c of [...r.candidates].sort((a, b) => b.forHeadcount - a.forHeadcount)) {
        const status = r.allocation.elected.some((e) => e.candidateId === c.candidateId) ? 'elected' : r.allocation.alternates.some((e) => e.candidateId === c.candidateId) ? 'alternate' : 'not elected';
        rows.push([`candidate ${c.candidateId} (${status})`, m2(c.forArea), c.forHeadcount]);
      }
    }
    rows.push([`outcome (${stage})`, r.outcome.passed ? 'passed' : `failed: ${r.outcome.reason}`, ''], ['log head', vote.logHead ?? '', '']);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['line', 'area_m2', 'headcount'], rows) };
  }
  return { body: { voteId: vote.voteId, matter: vote.matter, question: vote.question, stage, result: r, logHead: vote.logHead, objectionEndsAt: vote.objectionEndsAt, finalAt: vote.finalAt } };
});

const object = implement(routes.object, async ({ params, body, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId)!;
  const vote = await requireVote(params.compoundId, params.voteId);
  if (vote.status !== 'preliminary' || clock.nowIso() >= vote.objectionEndsAt!) throw conflict('objections are taken only while the preliminary result is out');
  const objection = { objectionId: randomUUID(), ownerId, reason: body.reason, at: clock.nowIso() };
  await store.putObjection(vote, objection);
  return { status: 201, body: objection };
});

const annul = implement(routes.annul, async ({ params, body, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  if (vote.status !== 'preliminary') throw conflict('only a preliminary result can be annulled');
  const annulled = { by: principal.subject, reason: body.reason, at: clock.nowIso() };
  if (!(await store.transition(vote, 'preliminary', { status: 'annulled', annulled }))) throw conflict('the vote changed meanwhile');
  return { body: { status: 'annulled', annulled, objections: await store.listObjections(vote) } };
});

const getCommittee = implement(routes.getCommittee, async ({ params }) => {
  const committee = await store.getCommittee(params.compoundId);
  if (!committee) throw notFound(`compound ${params.compoundId} has no committee on record`);
  const now = clock.nowIso();
  return {
    body: {
      ...committee,
      flags: {
        needsNewElection: needsNewElection(committee.members.length, committee.seats),
        termEnded: committee.termEnd <= now,
      },
    },
  };
});

const setOfficers = implement(routes.setOfficers, async ({ params, body, principal }) => {
  const committee = await store.getCommittee(params.compoundId);
  if (!committee || committee.kind !== 'committee') throw notFound('no elected committee on record');
  const ids = new Set(committee.members.map((m) => m.personId));
  if (!ids.has(body.chair) || !ids.has(body.viceChair) || body.chair === body.viceChair) {
    throw ruleBroken('the chair and vice chair are two different members', [{ field: 'body', reason: 'not members' }]);
  }
  const members = committee.members.map((m) => ({ ...m, role: m.personId === body.chair ? ('chair' as const) : m.personId === body.viceChair ? ('vice_chair' as const) : ('member' as const) }));
  await store.putCommittee({ ...committee, members, recordedAt: clock.nowIso(), recordedBy: principal.subject });
  return { body: { ...committee, members } };
});

const setTemporaryCommittee = implement(routes.setTemporaryCommittee, async ({ params, body, principal }) => {
  const size = body.members.length + 1;
  if (size % 2 === 0 || size < 7 || size > 11) throw ruleBroken('a temporary committee has an odd number of 7 to 11 members, chair included', [{ field: 'body.members', reason: `${size} in all` }]);
  const owners = body.members.filter((m) => m.owner).length;
  if (owners * 2 < size) throw ruleBroken('owners must be at least half of the temporary committee', [{ field: 'body.members', reason: `${owners} owners of ${size}` }]);
  const existing = await store.getCommittee(params.compoundId);
  if (existing?.kind === 'committee' && existing.termEnd > clock.nowIso()) throw conflict('the compound has an elected committee in office');
  const now = clock.nowIso();
  const committee: store.CommitteeItem = {
    compoundId: params.compoundId,
    kind: 'temporary_committee',
    seats: size,
    members: [{ personId: body.chair.personId, name: body.chair.name, role: 'chair', owner: false }, ...body.members.map((m) => ({ ...m, role: 'member' as const }))],
    alternates: [],
    termStart: now,
    termEnd: addYears(now, 2),
    recordedAt: now,
    recordedBy: principal.subject,
  };
  await store.putCommittee(committee);
  return { body: committee };
});

/** Manual records must come from the compound's own street or community (or the bureau). */
async function requireOfficialFor(principal: Principal, compoundId: string) {
  const location = await store.locateCompound(compoundId);
  if (!location) throw ruleBroken(`compound ${compoundId} is not known`, [{ field: 'body.compoundId', reason: 'unknown compound' }]);
  if (!principal.can(['street', 'community', 'bureau'], location)) throw forbidden(`compound ${compoundId} is outside your remit`);
}

const addDisqualification = implement(routes.addDisqualification, async ({ params, body, principal }) => {
  await requireOfficialFor(principal, body.compoundId);
  const record: store.Disqualification = { personId: params.personId, ...body, origin: 'manual', active: true, recordedAt: clock.nowIso(), recordedBy: principal.subject };
  const event = CandidateDisqualified.create(
    { compoundId: body.compoundId, personId: params.personId, reason: body.reason, sourceRef: body.sourceRef },
    { compoundId: body.compoundId, actor: principal.subject, occurredAt: record.recordedAt, id: `disqualified-${params.personId}-${body.sourceRef}` },
  );
  if (!(await store.recordDisqualification(record, [event]))) throw conflict(`a record with source ${body.sourceRef} already exists`);
  return { status: 201, body: record };
});

const liftDisqualification = implement(routes.liftDisqualification, async ({ params, body, principal }) => {
  const record = (await store.disqualifications(params.personId)).find((d) => d.sourceRef === body.sourceRef);
  if (!record) throw notFound(`no record ${body.sourceRef} for ${params.personId}`);
  await requireOfficialFor(principal, record.compoundId);
  if (record.origin === 'event') {
    // Event-sourced records lift with their source (arrears cleared, violation rectified).
    throw conflict(`this record lifts when its source is resolved (${record.sourceRef})`);
  }
  if (!(await store.liftDisqualification(params.personId, body.sourceRef, principal.subject, body.note))) throw conflict('already lifted');
  return { body: { ...record, active: false } };
});

const listDisqualifications = implement(routes.listDisqualifications, async ({ params, query }) => ({
  body: await store.pageDisqualifications(params.personId, query.limit, query.cursor),
}));

const addToPool = implement(routes.addToPool, async ({ body, principal }) => {
  const location = { compoundId: '-', districtId: body.districtId, streetId: body.streetId, communityId: body.communityId };
  if (!principal.can(['street', 'community', 'bureau'], location)) throw forbidden('you may add people only in your own street or community');
  const now = clock.nowIso();
  const person: store.PoolPerson = { ...body, attributes: body.attributes, status: 'available', addedBy: principal.subject, addedAt: now, updatedAt: now };
  await store.addToPool(person);
  return { status: 201, body: person };
});

const listPool = implement(routes.listPool, async ({ query, principal }) => {
  let streetId = query.streetId;
  if (!principal.can(['bureau', 'district'])) {
    const own = principal.grants.find((g) => g.role === 'street')?.scope;
    if (own) {
      if (streetId && streetId !== own) throw forbidden('you may list only your own street');
      streetId = own;
    } else if (!streetId) {
      throw ruleBroken('give streetId', [{ field: 'query.streetId', reason: 'required for community officers' }]);
    }
  }
  const page = await store.listPool(streetId, query.limit, query.cursor);
  const items = principal.can(['bureau', 'district', 'street']) ? page.items : page.items.filter((p) => principal.can(['community'], { compoundId: '-', ...p }));
  return { body: { items: query.status ? items.filter((p) => p.status === query.status) : items, nextCursor: page.nextCursor } };
});

const setPoolStatus = implement(routes.setPoolStatus, async ({ params, body, principal }) => {
  const person = await store.getPoolPerson(params.personId);
  if (!person) throw notFound(`${params.personId} is not in the pool`);
  if (!principal.can(['street', 'community', 'bureau'], { compoundId: '-', ...person })) throw forbidden('outside your remit');
  const changes =
    body.status === 'suspended'
      ? { status: body.status, suspendedReason: body.reason, servingCompoundId: undefined }
      : body.status === 'serving'
        ? { status: body.status, servingCompoundId: body.compoundId, suspendedReason: undefined }
        : { status: body.status, servingCompoundId: undefined, suspendedReason: undefined };
  await store.setPoolStatus(params.personId, changes);
  return { body: { ...person, ...changes } };
});

const committeeReport = implement(routes.committeeReport, async ({ query, principal }) => {
  const { districtId, streetId } = officialScope(principal, query);
  let compounds = await store.compoundsIn({ districtId, streetId });
  if (streetId) compounds = compounds.filter((c) => c.streetId === streetId);
  if (query.compoundId) compounds = compounds.filter((c) => c.compoundId === query.compoundId);

  const now = clock.nowIso();
  const counts = {
    compounds: compounds.length,
    formalCommittees: 0,
    temporaryCommittees: 0,
    withoutCommittee: 0,
    members: 0,
    membersInPool: 0,
    partyMembers: 0,
    committeesWithPartyMajority: 0,
    chairsWhoAreBranchSecretaries: 0,
    communityCommitteeMembersOnCommittees: 0,
  };
  const flags: { compoundId: string; flag: string }[] = [];
  for (const compound of compounds) {
    const committee = await store.getCommittee(compound.compoundId);
    if (!committee) {
      counts.withoutCommittee++;
      continue;
    }
    if (committee.kind === 'committee') counts.formalCommittees++;
    else counts.temporaryCommittees++;
    const people = await store.poolPeople(committee.members.map((m) => m.personId));
    const party = committee.members.filter((m) => people.get(m.personId)?.attributes.partyMember).length;
    counts.members += committee.members.length;
    counts.membersInPool += people.size;
    counts.partyMembers += party;
    if (party * 2 > committee.members.length) counts.committeesWithPartyMajority++;
    if (committee.members.some((m) => m.role === 'chair' && people.get(m.personId)?.attributes.partyBranchSecretary)) counts.chairsWhoAreBranchSecretaries++;
    counts.communityCommitteeMembersOnCommittees += committee.members.filter((m) => people.get(m.personId)?.attributes.communityCommitteeMember).length;
    if (committee.kind === 'committee' && needsNewElection(committee.members.length, committee.seats)) flags.push({ compoundId: compound.compoundId, flag: 'below half its seats or below 5 members: a new election is required' });
    if (committee.termEnd <= now) flags.push({ compoundId: compound.compoundId, flag: committee.kind === 'temporary_committee' ? 'temporary committee past its 2-year limit' : 'term ended' });
  }
  const committees = counts.formalCommittees + counts.temporaryCommittees;
  return {
    body: {
      scope: { districtId, streetId, compoundId: query.compoundId },
      ...counts,
      partyMajorityPercent: percent(counts.committeesWithPartyMajority, committees),
      flags,
      asOf: now,
    },
  };
});

export const handler = httpApi({
  service: 'elections',
  idempotency: true,
  locate: store.locateCompound,
  implementations: [
    createVote,
    listVotes,
    getVote,
    openVoteRoute,
    nominate,
    listCandidates,
    castBallot,
    myBallot,
    listBallots,
    turnout,
    closeVoteRoute,
    ballotLog,
    report,
    object,
    annul,
    getCommittee,
    setOfficers,
    setTemporaryCommittee,
    addDisqualification,
    liftDisqualification,
    listDisqualifications,
    addToPool,
    listPool,
    setPoolStatus,
    committeeReport,
  ],
});
