import { randomUUID } from 'node:crypto';
import { ObjectionFiled, VoteAnnulled } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { MAX_OBJECTIONS_PER_VOTE, objectionOpen } from '../domain/deadlines';
import { decideObjection } from '../objections';
import { getBallot } from '../store/ballots';
import { listObjections, putObjection } from '../store/candidates';
import { fileObjection, transition } from '../store/votes';
import { routes } from '../topology';
import { requireVote } from './votes';

const correlation = (compoundId: string, voteId: string) => `vote-${compoundId}-${voteId}`;

/**
 * An owner objects during the objection period: to the preliminary result, or (`ballot`) to the
 * ballot recorded for them, which they say is not theirs (a paper sheet they did not sign, a proxy
 * they did not give). A ballot objection names the ballot by its receipt, so the decision strikes
 * that ballot and no other.
 */
const objectRoute = implement(routes.object, async ({ params, body, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId)!;
  const vote = await requireVote(params.compoundId, params.voteId);
  const now = clock.nowIso();
  if (!objectionOpen(vote, now)) throw conflict('objections are taken only while the preliminary result is out');
  let receipt: string | undefined;
  if (body.kind === 'ballot') {
    const ballot = await getBallot(vote, ownerId, true);
    if (!ballot || ballot.castAt >= vote.closesAt) throw ruleBroken(`no ballot is counted for ${ownerId} in this vote`, [{ field: 'body.kind', reason: 'no ballot to object to' }]);
    if (vote.removals?.some((r) => r.removes === ballot.receipt)) throw conflict('that ballot has already been struck by an upheld objection');
    receipt = ballot.receipt;
  }
  const mine = vote.objectors?.[`${body.kind}#${ownerId}`];
  if (mine) throw conflict(`you have already objected (${mine}); an owner files one objection of each kind`);
  const summary = { ownerId, kind: body.kind, ...(receipt ? { receipt } : {}), at: now };
  const objection = { objectionId: randomUUID(), ...summary, reason: body.reason };
  const filed = ObjectionFiled.create(
    { compoundId: vote.compoundId, voteId: vote.voteId, objectionId: objection.objectionId, reason: body.reason, kind: body.kind },
    { compoundId: vote.compoundId, actor: principal.subject, occurredAt: now, correlationId: correlation(vote.compoundId, vote.voteId), id: `objection-${objection.objectionId}` },
  );
  // The reason in its own item first; then the one write on the vote that files it (and that the final step is conditional on).
  await putObjection(vote, objection);
  if (!(await fileObjection(vote, objection.objectionId, summary, [filed]))) {
    const after = await requireVote(params.compoundId, params.voteId, true);
    if (after.objectors?.[`${body.kind}#${ownerId}`]) throw conflict(`you have already objected (${after.objectors[`${body.kind}#${ownerId}`]}); an owner files one objection of each kind`);
    if ((after.objectionCount ?? 0) >= MAX_OBJECTIONS_PER_VOTE)
      throw conflict(`this vote holds ${MAX_OBJECTIONS_PER_VOTE} objections, as many as it records; the street office takes further objections in writing`);
    throw conflict(`the result is ${after.status} and objections ended at ${after.objectionEndsAt}: the objection was not filed`);
  }
  return { status: 201, body: { ...objection, decidedBy: 'the street office', objectionEndsAt: vote.objectionEndsAt } };
});

/** Objections with their decisions: the committee and the street office see all; an owner their own. */
const listObjectionsRoute = implement(routes.listObjections, async ({ params, principal, location }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  // Filed are those the vote records (a record whose filing was refused is not an objection).
  const all = (await listObjections(vote)).filter((o) => vote.objections === undefined || vote.objections[o.objectionId] !== undefined);
  const me = principal.ownerIdIn(params.compoundId);
  const visible = principal.can(['committee', 'street'], location) ? all : all.filter((o) => o.ownerId === me);
  return { body: { items: visible.sort((a, b) => (a.at < b.at ? -1 : 1)).map((o) => ({ ...o, decision: vote.decisions?.[o.objectionId] ?? null })), objectionEndsAt: vote.objectionEndsAt } };
});

const decideRoute = implement(routes.decideObjection, async ({ params, body, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  const { decision, vote: after } = await decideObjection(vote, params.objectionId, body.upheld, body.reason, principal.subject);
  return { body: { objectionId: params.objectionId, decision, status: after.status, outcome: after.outcome, ballotCount: after.ballotCount, logHead: after.logHead, result: after.result } };
});

/** The street office annuls a preliminary result on its own finding (an upheld result objection does the same). */
const annulRoute = implement(routes.annul, async ({ params, body, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  if (vote.status !== 'preliminary') throw conflict('only a preliminary result can be annulled');
  const now = clock.nowIso();
  const objections = await listObjections(vote);
  const annulled = { by: principal.subject, reason: body.reason, at: now };
  const event = VoteAnnulled.create(
    { compoundId: vote.compoundId, voteId: vote.voteId, reason: body.reason, objections: objections.length },
    { compoundId: vote.compoundId, actor: principal.subject, occurredAt: now, correlationId: correlation(vote.compoundId, vote.voteId), id: `annulled-${vote.compoundId}-${vote.voteId}` },
  );
  if (!(await transition(vote, 'preliminary', { status: 'annulled', annulled }, [event]))) throw conflict('the vote changed meanwhile');
  return { body: { status: 'annulled', annulled, objections } };
});

export const objectionRoutes = [objectRoute, listObjectionsRoute, decideRoute, annulRoute];
