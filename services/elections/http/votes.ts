import { VoteAnnounced } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { m2, toCsv } from '../../../libs/csv';
import { publicEntry } from '../domain/ballot-log';
import { committeeSizeProblem } from '../domain/committee';
import { noChannels } from '../domain/channels';
import { timeZoneOf } from '../../../libs/calendar';
import { DEFAULT_VOTE_RULES, scheduleVote } from '../domain/deadlines';
import type { ElectionResult } from '../domain/tally';
import type { PublishedVoteLog } from '../domain/verify';
import { candidateWarnings, closeVote, openVote } from '../lifecycle';
import { getLogChunk } from '../store/ballots';
import { countCandidates, listCandidates } from '../store/candidates';
import { getCommittee } from '../store/committee';
import { getCompound } from '../store/registry';
import { createVote, getVote, listVotes, type VoteItem } from '../store/votes';
import { routes } from '../topology';
import { turnoutOf } from './turnout';

export async function requireVote(compoundId: string, voteId: string, consistent = false): Promise<VoteItem> {
  const vote = await getVote(compoundId, voteId, consistent);
  if (!vote) throw notFound(`vote ${voteId} does not exist in compound ${compoundId}`);
  return vote;
}

const correlation = (compoundId: string, voteId: string) => `vote-${compoundId}-${voteId}`;

/** The committee a removal or by-election acts on: an elected one, in office. */
async function sittingCommittee(compoundId: string, now: string) {
  const committee = await getCommittee(compoundId, true);
  if (!committee || committee.kind !== 'committee' || committee.endedAt || committee.termEnd <= now) {
    throw ruleBroken('there is no elected committee in office: removals and by-elections act on one', [{ field: 'body.kind', reason: 'no committee in office' }]);
  }
  return committee;
}

const createVoteRoute = implement(routes.createVote, async ({ params, body, principal }) => {
  const compound = await getCompound(params.compoundId);
  if (!compound) throw notFound(`compound ${params.compoundId} is not known here`);
  const noticeAt = clock.nowIso();
  const timeZone = timeZoneOf(compound);
  const schedule = scheduleVote(noticeAt, body.opensAt, body.votingDays, DEFAULT_VOTE_RULES, timeZone);
  if ('error' in schedule) throw ruleBroken(schedule.error, [{ field: 'body.opensAt', reason: schedule.error }]);
  const base = { compoundId: params.compoundId, voteId: body.voteId, status: 'scheduled' as const, ...schedule, timeZone, createdBy: principal.subject, createdAt: noticeAt };
  let vote: VoteItem;
  if (body.kind === 'resolution') {
    vote = { ...base, kind: 'resolution', matter: body.matter, question: body.question, payload: body.payload, warnings: [] };
  } else if (body.kind === 'election') {
    let committeeId: string | undefined;
    if (body.purpose === 'committee') {
      const problem = committeeSizeProblem(body.seats, compound.unitCount ?? 0);
      if (problem) throw ruleBroken(problem, [{ field: 'body.seats', reason: problem }]);
    } else {
      const committee = await sittingCommittee(params.compoundId, noticeAt);
      const vacancies = committee.seats - committee.members.length;
      if (body.seats > vacancies) throw ruleBroken(`the committee has ${vacancies} vacant seat(s)`, [{ field: 'body.seats', reason: `at most ${vacancies}` }]);
      committeeId = committee.committeeId;
    }
    vote = { ...base, kind: 'election', matter: 'committee_election', question: body.question, seats: body.seats, purpose: body.purpose, committeeId, warnings: [] };
    vote.warnings = candidateWarnings(vote, 0);
  } else {
    // Matter 3, the other half: removing (罢免) named members, who must be sitting.
    const committee = await sittingCommittee(params.compoundId, noticeAt);
    if (new Set(body.members).size !== body.members.length) throw ruleBroken('a member is named twice', [{ field: 'body.members', reason: 'duplicate' }]);
    const sitting = new Map(committee.members.map((m) => [m.personId, m]));
    const strangers = body.members.filter((m) => !sitting.has(m));
    if (strangers.length) throw ruleBroken(`not sitting members of the committee: ${strangers.join(', ')}`, [{ field: 'body.members', reason: 'not a sitting member' }]);
    const members = body.members.map((personId) => ({ personId, ...(sitting.get(personId)!.name ? { name: sitting.get(personId)!.name } : {}) }));
    const question = body.question ?? `Remove ${members.map((m) => m.name ?? m.personId).join(', ')} from the owners’ committee?`;
    vote = { ...base, kind: 'removal', matter: 'committee_election', question, committeeId: committee.committeeId, removal: { members, then: body.then }, warnings: [] };
  }
  const announced = VoteAnnounced.create(
    {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      kind: vote.kind,
      matter: vote.matter,
      question: vote.question,
      noticeAt: vote.noticeAt,
      opensAt: vote.opensAt,
      closesAt: vote.closesAt,
      seats: vote.seats,
      purpose: vote.purpose,
      members: vote.removal?.members,
      then: vote.removal?.then,
      warnings: vote.warnings,
    },
    { compoundId: vote.compoundId, actor: principal.subject, occurredAt: noticeAt, correlationId: correlation(vote.compoundId, vote.voteId), id: `announced-${vote.compoundId}-${vote.voteId}` },
  );
  await createVote(vote, [announced]);
  return { status: 201, body: vote, headers: { location: `/compounds/${params.compoundId}/votes/${body.voteId}` } };
});

const listVotesRoute = implement(routes.listVotes, async ({ params, query }) => ({ body: await listVotes(params.compoundId, query.limit, query.cursor) }));

/** What anyone in the compound sees of a vote (the electorate's storage id is internal). */
export function shown(vote: VoteItem) {
  const { electorateId: _e, ...rest } = vote;
  return rest;
}

const getVoteRoute = implement(routes.getVote, async ({ params }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  // Until it opens, an election's warnings follow its nominations.
  const warnings = vote.kind === 'election' && vote.status === 'scheduled' ? candidateWarnings(vote, await countCandidates(vote)) : vote.warnings;
  return { body: { ...shown(vote), warnings, turnout: vote.status === 'open' ? await turnoutOf(vote) : undefined } };
});

const openVoteRoute = implement(routes.openVote, async ({ params, principal }) => {
  const opened = await openVote(await requireVote(params.compoundId, params.voteId, true), principal.subject);
  return { body: { status: opened.status, totalArea: opened.totalArea, totalHeadcount: opened.totalHeadcount, voterCount: opened.voterCount, warnings: opened.warnings } };
});

const closeVoteRoute = implement(routes.closeVote, async ({ params, principal }) => {
  const closed = await closeVote(await requireVote(params.compoundId, params.voteId, true), principal.subject);
  return { body: { status: closed.status, result: closed.result, outcome: closed.outcome, logHead: closed.logHead, objectionEndsAt: closed.objectionEndsAt } };
});

/** Who is elected and who is an alternate, by name: the final seats once final, the count's until then. */
function seatsOf(vote: VoteItem) {
  const result = vote.result as ElectionResult;
  const names = new Map(result.candidates.map((c) => [c.candidateId, c.name]));
  const named = (ids: readonly string[]) => ids.map((personId) => ({ personId, name: names.get(personId) }));
  const formation = vote.finalCommittee?.formation ?? result.committee;
  return {
    committee: formation,
    elected: formation.formed ? named(formation.members) : [],
    alternates: named(formation.alternates),
    droppedAtFinalCheck: named(vote.finalCommittee?.dropped ?? []),
  };
}

const reportRoute = implement(routes.report, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  if (!vote.result) throw conflict('the report exists once the vote is counted');
  const r = vote.result;
  const stage = vote.status;
  const outcome = vote.outcome ?? r.outcome;
  const seats = r.kind === 'election' ? seatsOf(vote) : undefined;
  if (query.format === 'csv') {
    const f = r.figures;
    const rows: (string | number)[][] = [
      ['total', m2(f.totalArea), f.totalHeadcount],
      ['participating', m2(f.participatingArea), f.participatingHeadcount],
    ];
    if (r.kind === 'resolution') {
      rows.push(['for', m2(r.figures.forArea), r.figures.forHeadcount], ['against', m2(r.againstArea), r.againstHeadcount], ['abstain', m2(r.abstainArea), r.abstainHeadcount]);
    } else {
      const elected = new Set(seats!.elected.map((e) => e.personId));
      const alternates = new Set(seats!.alternates.map((e) => e.personId));
      for (const c of [...r.candidates].sort((a, b) => b.forHeadcount - a.forHeadcount || b.forArea - a.forArea)) {
        const status = elected.has(c.candidateId) ? 'elected' : alternates.has(c.candidateId) ? 'alternate' : 'not elected';
        rows.push([`candidate ${c.candidateId} ${c.name ?? ''} (${status})`.replace('  ', ' '), m2(c.forArea), c.forHeadcount]);
      }
    }
    const c = vote.channels ?? noChannels();
    rows.push(
      [`ballots online (${c.online.ballots})`, m2(c.online.area), c.online.headcount],
      [`ballots on paper (${c.paper.ballots})`, m2(c.paper.area), c.paper.headcount],
      [`ballots by proxy (${c.byProxy.ballots})`, m2(c.byProxy.area), c.byProxy.headcount],
      [`ballots struck by upheld objections (${vote.removals?.length ?? 0})`, '', ''],
    );
    rows.push([`outcome (${stage})`, outcome.passed ? 'passed' : `failed: ${outcome.reason}`, ''], ['log head', vote.logHead ?? '', '']);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['line', 'area_m2', 'headcount'], rows) };
  }
  return {
    body: {
      voteId: vote.voteId,
      kind: vote.kind,
      matter: vote.matter,
      question: vote.question,
      stage,
      outcome,
      result: r,
      ...(seats ?? {}),
      ...(vote.removal ? { removal: vote.removal } : {}),
      logHead: vote.logHead,
      ballotCount: vote.ballotCount,
      // How the ballots that count came: by channel and by proxy; and those upheld objections struck.
      channels: vote.channels ?? noChannels(),
      removed: (vote.removals ?? []).map((r) => ({ receipt: r.removes, objectionId: r.objectionId, decision: vote.decisions?.[r.objectionId] })),
      objectionEndsAt: vote.objectionEndsAt,
      finalAt: vote.finalAt,
      annulled: vote.annulled,
    },
  };
});

/**
 * One page of the published log (a stored chunk of ballot entries; the last page also carries the
 * removal entries, kept in the vote item), public or weighted, with what a verifier needs.
 */
async function logPage(vote: VoteItem, cursor: string | undefined, view: 'public' | 'weighted'): Promise<PublishedVoteLog & { nextCursor?: string; page: number; pages: number }> {
  if (!vote.result || !vote.logHead) throw conflict('the log is published when the vote is counted');
  const page = cursor === undefined ? 0 : Number(cursor);
  const pages = vote.logChunks ?? 0;
  if (!Number.isInteger(page) || page < 0 || (page >= pages && !(page === 0 && pages === 0)))
    throw ruleBroken('cursor is not one this API issued', [{ field: 'query.cursor', reason: 'invalid cursor' }]);
  const chunk = pages === 0 ? [] : await getLogChunk(vote, vote.ballotLogHead ?? vote.logHead, page);
  if (!chunk) throw new Error(`the log of ${vote.voteId} is missing chunk ${page}`);
  const removals = page + 1 >= pages ? (vote.removals ?? []) : [];
  const candidates = vote.kind === 'election' ? (await listCandidates(vote)).map((c) => ({ candidateId: c.personId, name: c.name })) : undefined;
  return {
    vote: {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      kind: vote.kind,
      matter: vote.matter,
      seats: vote.seats,
      purpose: vote.purpose,
      households: vote.households,
      candidates,
      totalArea: vote.totalArea!,
      totalHeadcount: vote.totalHeadcount!,
    },
    head: vote.logHead,
    view,
    result: vote.result,
    channels: vote.channels,
    stage: { status: vote.status, outcome: vote.outcome, ...(vote.finalCommittee ? { committee: vote.finalCommittee.formation, dropped: vote.finalCommittee.dropped } : {}) },
    entries: [...(view === 'weighted' ? chunk : chunk.map(publicEntry)), ...removals],
    page,
    pages,
    ...(page + 1 < pages ? { nextCursor: String(page + 1) } : {}),
  };
}

const ballotLogRoute = implement(routes.ballotLog, async ({ params, query }) => ({ body: await logPage(await requireVote(params.compoundId, params.voteId), query.cursor, 'public') }));
const weightedLogRoute = implement(routes.weightedLog, async ({ params, query }) => ({ body: await logPage(await requireVote(params.compoundId, params.voteId), query.cursor, 'weighted') }));

export const voteRoutes = [createVoteRoute, listVotesRoute, getVoteRoute, openVoteRoute, closeVoteRoute, reportRoute, ballotLogRoute, weightedLogRoute];
