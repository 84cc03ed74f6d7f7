import { createHash, randomBytes } from 'node:crypto';
import { BallotConflictRecorded } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { m2, toCsv } from '../../../libs/csv';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { checkBallot, type BallotBody } from '../domain/ballot';
import { commitmentOf, receiptOf } from '../domain/ballot-log';
import { attemptKey, refusal } from '../domain/channels';
import { votingOpen } from '../domain/deadlines';
import { allBallots, conflictsOf, getBallot, pageBallots, putBallot, putConflict, type BallotItem, type FrozenVoter } from '../store/ballots';
import { getVote, type VoteItem } from '../store/votes';
import { routes } from '../topology';
import { openVoteFor, type OpenVote } from './open-vote';

/**
 * Why a ballot is refused as to timing. The vote item may be a cached copy whose status still says
 * open after the close (the count has not run yet), so the clock decides the words, not the status.
 */
function notOpenReason(vote: Pick<VoteItem, 'status' | 'opensAt' | 'closesAt'>, now: string): string {
  if (now >= vote.closesAt) return `voting closed at ${vote.closesAt} (it ran from ${vote.opensAt})`;
  if (now < vote.opensAt || vote.status === 'scheduled') return `voting has not opened: it runs ${vote.opensAt} to ${vote.closesAt}`;
  return `voting is not open (the vote is ${vote.status}; it runs ${vote.opensAt} to ${vote.closesAt})`;
}

/** Why a caller may not cast for this voter now, or the checked choice. One ballot check for every channel. */
export function checkCast(open: OpenVote, voterId: string, body: BallotBody, now: string): { voter: FrozenVoter; choice: string | string[] } {
  const { vote, voters, candidates } = open;
  if (!votingOpen(vote, now)) throw conflict(notOpenReason(vote, now));
  const voter = voters.get(voterId);
  if (!voter) throw forbidden(`${voterId} is not in this vote's electorate (frozen when it opened)`);
  const check = checkBallot(vote, body, candidates);
  if (!check.ok) throw ruleBroken(check.detail, [{ field: check.field, reason: check.reason }]);
  return { voter, choice: check.choice };
}

/** A new ballot record with its receipt, nonce and salt (a paper ballot's are printed on the owner's copy). */
export function sealBallot(vote: VoteItem, voter: FrozenVoter, choice: string | string[], now: string, rest: Pick<BallotItem, 'channel' | 'castBy' | 'proxy' | 'paper'>): BallotItem {
  const record = {
    voteId: vote.voteId,
    voterId: voter.voterId,
    choice,
    area: voter.area,
    headcount: voter.headcount,
    castAt: now,
    nonce: randomBytes(16).toString('hex'),
    channel: rest.channel,
    ...(rest.proxy ? { proxyHolderId: rest.proxy.holderId } : {}),
    ...(rest.paper ? { paperNumber: rest.paper.number } : {}),
  };
  return {
    ...record,
    receipt: receiptOf(record),
    salt: randomBytes(16).toString('hex'),
    castBy: rest.castBy,
    ...(rest.proxy ? { proxy: rest.proxy } : {}),
    ...(rest.paper ? { paper: rest.paper } : {}),
  };
}

/**
 * One conditional write, whatever the channel: the first ballot of an owner lands, any later one is
 * refused with the reason. A later one by another channel, by the proxy, or another sheet is also
 * recorded as a conflict for the committee (a second item, written only on refusal); the same ballot
 * sent again is not. The refusal reads the ballot that landed, to say which it was.
 */
export async function castOnce(vote: VoteItem, ballot: BallotItem): Promise<void> {
  if (await putBallot(vote, ballot)) return;
  const existing = await getBallot(vote, ballot.voterId, true);
  if (!existing) throw conflict(`${ballot.voterId} has already voted`);
  const attempt = { channel: ballot.channel, castBy: ballot.castBy, proxyHolderId: ballot.proxy?.holderId, paperNumber: ballot.paper?.number };
  const stored = { channel: existing.channel ?? 'online', castBy: existing.castBy, proxyHolderId: existing.proxy?.holderId, paperNumber: existing.paper?.number, castAt: existing.castAt };
  const refused = refusal(ballot.voterId, stored, attempt);
  if (refused.conflict) {
    const key = attemptKey(attempt);
    const eventId = `conflict-${createHash('sha256')
      .update(JSON.stringify([vote.compoundId, vote.voteId, ballot.voterId, key]))
      .digest('hex')
      .slice(0, 40)}`;
    const event = BallotConflictRecorded.create(
      {
        compoundId: vote.compoundId,
        voteId: vote.voteId,
        ownerId: ballot.voterId,
        attempted: attempt.channel,
        existing: stored.channel,
        byProxy: attempt.proxyHolderId !== undefined,
        ...(attempt.paperNumber ? { paperNumber: attempt.paperNumber } : {}),
      },
      { compoundId: vote.compoundId, actor: ballot.castBy, occurredAt: ballot.castAt, correlationId: `vote-${vote.compoundId}-${vote.voteId}`, id: eventId },
    );
    await putConflict(
      vote,
      key,
      {
        voterId: ballot.voterId,
        attempted: {
          channel: attempt.channel,
          by: ballot.castBy,
          at: ballot.castAt,
          ...(attempt.proxyHolderId ? { proxyHolderId: attempt.proxyHolderId } : {}),
          ...(ballot.paper ? { paperNumber: ballot.paper.number, scanRef: ballot.paper.scanRef } : {}),
        },
        existing: {
          channel: stored.channel,
          castAt: stored.castAt,
          ...(stored.proxyHolderId ? { proxyHolderId: stored.proxyHolderId } : {}),
          ...(stored.paperNumber ? { paperNumber: stored.paperNumber } : {}),
        },
        reason: refused.detail,
      },
      [event],
    );
  }
  throw conflict(refused.detail, { existing: { channel: stored.channel, castAt: stored.castAt, byProxy: stored.proxyHolderId !== undefined }, recordedAsConflict: refused.conflict });
}

/** What a voter (or the owner's copy of a paper ballot) gets back: enough to find and open their entry of the log. */
export const receiptView = (b: BallotItem) => ({
  receipt: b.receipt,
  nonce: b.nonce,
  salt: b.salt,
  commitment: commitmentOf(b.receipt, { area: b.area, channel: b.channel ?? 'online', byProxy: b.proxy !== undefined }, b.salt),
  choice: b.choice,
  area: b.area,
  headcount: b.headcount,
  channel: b.channel ?? 'online',
  castAt: b.castAt,
  ...(b.proxy ? { proxy: b.proxy } : {}),
  ...(b.paper ? { paper: b.paper } : {}),
});

const castBallot = implement(routes.castBallot, async ({ params, body, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId);
  if (!ownerId) throw forbidden('only an owner of this compound may vote');
  const open = await openVoteFor(params.compoundId, params.voteId);
  const now = clock.nowIso();
  // An owner votes for themselves, or, holding a proxy frozen for this vote, for the owner who gave it.
  const voterId = body.for ?? ownerId;
  const { voter, choice } = checkCast(open, voterId, body, now);
  if (voterId !== ownerId && voter.proxy?.holderId !== ownerId) throw forbidden(`you hold no proxy of ${voterId} for this vote (proxies are fixed when the vote opens)`);
  const ballot = sealBallot(open.vote, voter, choice, now, { channel: 'online', castBy: principal.subject, ...(voterId !== ownerId ? { proxy: voter.proxy } : {}) });
  await castOnce(open.vote, ballot);
  return { status: 201, body: receiptView(ballot) };
});

/**
 * How the ballot was recorded for an owner: channel, time, choice, who entered and witnessed a paper
 * ballot, the proxy; whether an upheld objection struck it; and the refused attempts recorded for
 * them. The owner asks for their own; a proxy holder for an owner whose proxy they hold (`for`).
 */
const myBallot = implement(routes.myBallot, async ({ params, query, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId)!;
  const voterId = query.for ?? ownerId;
  const vote = await getVote(params.compoundId, params.voteId);
  if (!vote) throw notFound(`vote ${params.voteId} does not exist in compound ${params.compoundId}`);
  const ballot = await getBallot(vote, voterId);
  if (voterId !== ownerId && ballot?.proxy?.holderId !== ownerId) {
    const frozen = vote.status === 'open' ? (await openVoteFor(params.compoundId, params.voteId)).voters.get(voterId)?.proxy : undefined;
    if (frozen?.holderId !== ownerId) throw forbidden(`you hold no proxy of ${voterId} for this vote`);
  }
  if (!ballot) throw notFound(`${voterId} has not voted in ${params.voteId}`);
  const removal = vote.removals?.find((r) => r.removes === ballot.receipt);
  const counted = ballot.castAt < vote.closesAt && !removal;
  const status = !vote.result ? 'cast' : counted ? 'counted' : removal ? 'removed' : 'not counted';
  return {
    body: {
      voterId,
      ...receiptView(ballot),
      status,
      ...(removal ? { removedBy: { objectionId: removal.objectionId, decision: vote.decisions?.[removal.objectionId] } } : {}),
      conflicts: await conflictsOf(vote, voterId),
      objectionEndsAt: vote.objectionEndsAt,
    },
  };
});

const listBallots = implement(routes.listBallots, async ({ params, query }) => {
  const vote = await getVote(params.compoundId, params.voteId);
  if (!vote) throw notFound(`vote ${params.voteId} does not exist in compound ${params.compoundId}`);
  const removed = new Set(vote.removals?.map((r) => r.removes) ?? []);
  if (query.format === 'csv') {
    const ballots = await allBallots(vote);
    const rows = ballots.map((b) => [
      b.voterId,
      Array.isArray(b.choice) ? b.choice.join(' ') : b.choice,
      m2(b.area),
      b.headcount,
      b.channel ?? 'online',
      b.proxy?.holderId ?? '',
      b.paper?.number ?? '',
      b.paper?.enteredBy ?? '',
      b.paper?.witness.personId ?? '',
      b.castAt,
      b.receipt,
      removed.has(b.receipt) ? 'removed' : '',
    ]);
    return {
      contentType: 'text/csv; charset=utf-8',
      body: toCsv(['owner', 'choice', 'area_m2', 'headcount', 'channel', 'proxy', 'paper_number', 'entered_by', 'witness', 'cast_at', 'receipt', 'removed'], rows),
    };
  }
  const page = await pageBallots(vote, query.limit, query.cursor);
  return { body: { ...page, items: page.items.map((b) => ({ ...b, channel: b.channel ?? 'online', ...(removed.has(b.receipt) ? { removed: true } : {}) })) } };
});

export const ballotRoutes = [castBallot, myBallot, listBallots];
