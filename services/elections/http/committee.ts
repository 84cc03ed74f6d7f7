import { CommitteeOfficersSet, PartyBranchRecorded, TemporaryCommitteeFormed } from '../../../events/catalogue';
import { timeZoneOf } from '../../../libs/calendar';
import { clock } from '../../../libs/clock';
import { conflict, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { DEFAULT_COMMITTEE_RULES, needsNewElection, temporaryCommitteeProblem } from '../domain/committee';
import { officersOverdue, termEndOf } from '../domain/deadlines';
import { getCommittee, writeCommittee, type CommitteeItem } from '../store/committee';
import { getCompound } from '../store/registry';
import { putProfile } from '../store/summaries';
import { routes } from '../topology';

/** What the city must see at a glance about a committee, as of now. */
export function committeeFlags(committee: CommitteeItem, now: string) {
  return {
    needsNewElection: committee.kind === 'committee' && needsNewElection(committee.members.length, committee.seats),
    vacancies: Math.max(0, committee.seats - committee.members.length),
    termEnded: committee.endedAt !== undefined || committee.termEnd <= now,
    officersOverdue: officersOverdue(committee, now),
    disqualifiedMembers: committee.members.filter((m) => m.disqualified).map((m) => ({ personId: m.personId, ...m.disqualified! })),
  };
}

const getCommitteeRoute = implement(routes.getCommittee, async ({ params }) => {
  const committee = await getCommittee(params.compoundId);
  if (!committee) throw notFound(`compound ${params.compoundId} has no committee on record`);
  const { applied: _a, released: _r, ...shown } = committee;
  return { body: { ...shown, flags: committeeFlags(committee, clock.nowIso()) } };
});

const setOfficers = implement(routes.setOfficers, async ({ params, body, principal }) => {
  const committee = await getCommittee(params.compoundId, true);
  if (!committee || committee.kind !== 'committee' || committee.endedAt) throw notFound('no elected committee in office on record');
  const ids = new Set(committee.members.map((m) => m.personId));
  if (!ids.has(body.chair) || !ids.has(body.viceChair) || body.chair === body.viceChair) {
    throw ruleBroken('the chair and vice chair are two different members', [{ field: 'body', reason: 'not members' }]);
  }
  const now = clock.nowIso();
  const late = officersOverdue(committee, now);
  const members = committee.members.map((m) => ({ ...m, role: m.personId === body.chair ? ('chair' as const) : m.personId === body.viceChair ? ('vice_chair' as const) : ('member' as const) }));
  const next = { ...committee, members, revision: committee.revision + 1, recordedAt: now, recordedBy: principal.subject };
  const event = CommitteeOfficersSet.create(
    { compoundId: params.compoundId, committeeId: committee.committeeId, chair: body.chair, viceChair: body.viceChair, late },
    { compoundId: params.compoundId, actor: principal.subject, occurredAt: now, id: `officers-${params.compoundId}-${committee.committeeId}-${next.revision}` },
  );
  if (!(await writeCommittee(next, { committeeId: committee.committeeId, revision: committee.revision }, [event]))) throw conflict('the committee changed meanwhile; read it again');
  const { applied: _a, released: _r, ...shown } = next;
  return { body: { ...shown, flags: committeeFlags(next, now), ...(late ? { warnings: ['the officers were due within 7 days of the election'] } : {}) } };
});

const setTemporaryCommittee = implement(routes.setTemporaryCommittee, async ({ params, body, principal }) => {
  const size = body.members.length + 1;
  const problem = temporaryCommitteeProblem(size, body.members.filter((m) => m.owner).length);
  if (problem) throw ruleBroken(problem.detail, [{ field: problem.field, reason: problem.reason }]);
  const ids = [body.chair.personId, ...body.members.map((m) => m.personId)];
  if (new Set(ids).size !== ids.length) throw ruleBroken('a person is listed twice', [{ field: 'body.members', reason: 'duplicate' }]);
  const now = clock.nowIso();
  const existing = await getCommittee(params.compoundId, true);
  const committee: CommitteeItem = {
    compoundId: params.compoundId,
    kind: 'temporary_committee',
    committeeId: `T-${now.slice(0, 10)}`,
    seats: size,
    members: [
      { personId: body.chair.personId, name: body.chair.name, role: 'chair', source: 'appointed', owner: false, since: now },
      ...body.members.map((m) => ({ personId: m.personId, name: m.name, role: 'member' as const, source: 'appointed' as const, owner: m.owner, since: now })),
    ],
    alternates: [],
    termStart: now,
    termEnd: termEndOf(now, DEFAULT_COMMITTEE_RULES.temporaryTermYears, timeZoneOf(await getCompound(params.compoundId))),
    released: existing ? existing.members.map((m) => m.personId).filter((p) => !ids.includes(p)) : [],
    revision: (existing?.revision ?? 0) + 1,
    applied: [],
    recordedAt: now,
    recordedBy: principal.subject,
  };
  const event = TemporaryCommitteeFormed.create(
    { compoundId: params.compoundId, committeeId: committee.committeeId, chair: body.chair, members: body.members, termStart: committee.termStart, termEnd: committee.termEnd },
    { compoundId: params.compoundId, actor: principal.subject, occurredAt: now, id: `temporary-${params.compoundId}-${committee.committeeId}-${committee.revision}` },
  );
  // One conditional write: it lands only while no elected committee is in office.
  if (!(await writeCommittee(committee, { replaceable: true, now }, [event]))) throw conflict('the compound has an elected committee in office');
  const { applied: _a, released: _r, ...shown } = committee;
  return { body: shown };
});

const setPartyBranch = implement(routes.setPartyBranch, async ({ params, body, principal }) => {
  const now = clock.nowIso();
  const profile = { compoundId: params.compoundId, partyBranch: body.hasBranch, secretaryPersonId: body.secretaryPersonId, recordedAt: now, recordedBy: principal.subject };
  const event = PartyBranchRecorded.create(
    { compoundId: params.compoundId, hasBranch: body.hasBranch, secretaryPersonId: body.secretaryPersonId },
    { compoundId: params.compoundId, actor: principal.subject, occurredAt: now },
  );
  await putProfile(profile, [event]);
  return { body: profile };
});

export const committeeRoutes = [getCommitteeRoute, setOfficers, setTemporaryCommittee, setPartyBranch];
