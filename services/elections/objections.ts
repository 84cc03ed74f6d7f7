import { ObjectionDecided, VoteAnnulled } from '../../events/catalogue';
import { clock } from '../../libs/clock';
import { conflict, notFound } from '../../libs/errors';
import { removalEntry } from './domain/ballot-log';
import { channelsWithout, noChannels } from './domain/channels';
import { withoutBallot } from './domain/tally';
import { logged } from './lifecycle';
import { getBallot } from './store/ballots';
import { recordDecision, type ObjectionDecision, type VoteItem } from './store/votes';

/**
 * The street office decides each objection (a case), while the result is preliminary; the result
 * becomes final only once every objection is decided. Each decision is one conditional write of the
 * vote (store/votes.ts, recordDecision), carrying what it changes:
 * - rejected: the decision only;
 * - a result objection upheld: the vote is annulled;
 * - a ballot objection upheld (the ballot recorded for the owner is not theirs): the ballot is
 *   struck. The log gains a removal entry chained to the head it had, and the result is recounted
 *   without that ballot from the published sums (the same as counting the remaining ballots afresh,
 *   which any verifier does from the log). The write is conditional on the head it was computed
 *   from, so two decisions never both recount from one state; the loser is told to decide again.
 */
export async function decideObjection(vote: VoteItem, objectionId: string, upheld: boolean, reason: string, actor: string) {
  if (vote.status !== 'preliminary') throw conflict(`the vote is ${vote.status}: objections are decided while the result is preliminary`);
  const objection = vote.objections?.[objectionId];
  if (!objection) throw notFound(`objection ${objectionId} does not exist in vote ${vote.voteId}`);
  const previous = vote.decisions?.[objectionId];
  if (previous) throw conflict(`objection ${objectionId} was decided at ${previous.at} (${previous.upheld ? 'upheld' : 'rejected'})`);
  const now = clock.nowIso();
  const decision: ObjectionDecision = { kind: objection.kind, upheld, reason, by: actor, at: now };
  const ctx = (id: string) => ({ compoundId: vote.compoundId, actor, occurredAt: now, correlationId: `vote-${vote.compoundId}-${vote.voteId}`, id });
  const decided = (extra: Partial<Parameters<typeof ObjectionDecided.create>[0]> = {}) =>
    ObjectionDecided.create({ compoundId: vote.compoundId, voteId: vote.voteId, objectionId, kind: objection.kind, upheld, reason, ...extra }, ctx(`objection-decided-${objectionId}`));
  const lost = () => conflict('the vote changed meanwhile (another decision or the final step landed first); read it again and decide again');

  if (!upheld) {
    if (!(await recordDecision(vote, objectionId, decision, {}, [decided()]))) throw lost();
    return { decision, vote };
  }
  if (objection.kind === 'result') {
    const objections = vote.objectionCount ?? 0;
    const annulled = { by: actor, reason, at: now, objectionId };
    const events = [decided(), VoteAnnulled.create({ compoundId: vote.compoundId, voteId: vote.voteId, reason, objections, objectionId }, ctx(`annulled-${vote.compoundId}-${vote.voteId}`))];
    if (!(await recordDecision(vote, objectionId, decision, { status: 'annulled', annulled }, events))) throw lost();
    return { decision, vote: { ...vote, status: 'annulled' as const, annulled } };
  }

  const ballot = await getBallot(vote, objection.ownerId, true);
  const struck = vote.removals?.find((r) => r.removes === ballot?.receipt);
  if (!ballot || ballot.receipt !== objection.receipt || ballot.castAt >= vote.closesAt || struck) {
    // Nothing left to strike (another upheld objection struck it already): the decision is recorded, the count stands.
    if (!(await recordDecision(vote, objectionId, decision, {}, [decided()]))) throw lost();
    return { decision, vote };
  }
  const entry = removalEntry((vote.loggedBallots ?? 0) + (vote.removals?.length ?? 0), ballot.receipt, objectionId, vote.logHead!);
  const result = withoutBallot(vote.result!, vote.matter, ballot);
  const changes: Partial<VoteItem> = {
    result,
    outcome: result.outcome,
    logHead: entry.hash,
    ballotCount: (vote.ballotCount ?? 0) - 1,
    channels: channelsWithout(vote.channels ?? noChannels(), logged(ballot)),
  };
  decision.removedReceipt = ballot.receipt;
  const event = decided({ removedReceipt: ballot.receipt, outcome: result.outcome, ballotCount: changes.ballotCount, logHead: entry.hash });
  if (!(await recordDecision(vote, objectionId, decision, changes, [event], entry))) throw lost();
  return { decision, vote: { ...vote, ...changes, removals: [...(vote.removals ?? []), entry] } };
}
