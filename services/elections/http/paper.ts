import { clock } from '../../../libs/clock';
import { forbidden, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { decodeCursor, encodeCursor } from '../../../libs/http/pagination';
import { paperEntryProblem } from '../domain/channels';
import { pageConflicts, votedAmong } from '../store/ballots';
import { routes } from '../topology';
import { castOnce, checkCast, receiptView, sealBallot } from './ballots';
import { openVoteFor } from './open-vote';
import { requireVote } from './votes';

/**
 * Paper ballots (书面表决票): entered by the committee's vote-counting staff, or by the building head
 * who collected them door to door (only for owners with a unit in the head's building). One
 * conditional write, like an online ballot: an owner has one ballot whatever the channel. The entry
 * names the sheet's number, where its scan is kept, and the witness; the enterer is the caller.
 */
const enterPaperBallot = implement(routes.enterPaperBallot, async ({ params, body, principal, location }) => {
  const open = await openVoteFor(params.compoundId, params.voteId);
  const now = clock.nowIso();
  const { voter, choice } = checkCast(open, body.ownerId, body, now);
  const asStaff = principal.can(['committee'], location);
  const heads = principal.buildingsIn(params.compoundId);
  if (!asStaff && !(voter.buildingIds ?? []).some((b) => heads.includes(b))) {
    throw forbidden(
      `a building head records ballots of owners in their building (${heads.join(', ') || 'none'}); ${body.ownerId} holds units in ${(voter.buildingIds ?? []).join(', ') || 'no building on record'}`,
    );
  }
  if (body.proxyHolderId !== undefined && voter.proxy?.holderId !== body.proxyHolderId) {
    throw ruleBroken(`${body.proxyHolderId} holds no proxy of ${body.ownerId} for this vote (proxies are fixed when the vote opens)`, [{ field: 'body.proxyHolderId', reason: 'no proxy' }]);
  }
  const enteredAs = principal.ownerIdIn(params.compoundId);
  const problem = paperEntryProblem({
    enterer: [principal.subject, ...(enteredAs ? [enteredAs] : [])],
    witnessId: body.witness.personId,
    voterId: body.ownerId,
    proxyHolderId: body.proxyHolderId,
    stakeholders: open.stakeholders,
  });
  if (problem) throw problem.field === 'principal' ? forbidden(problem.detail) : ruleBroken(problem.detail, [{ field: problem.field, reason: problem.reason }]);
  const ballot = sealBallot(open.vote, voter, choice, now, {
    channel: 'paper',
    castBy: principal.subject,
    ...(body.proxyHolderId !== undefined ? { proxy: voter.proxy } : {}),
    paper: {
      number: body.paperNumber,
      scanRef: body.scanRef,
      enteredBy: principal.subject,
      ...(enteredAs ? { enteredAs } : {}),
      role: asStaff ? 'committee' : 'grid',
      witness: body.witness,
    },
  });
  await castOnce(open.vote, ballot);
  // What is printed on the owner's copy: the receipt, nonce and salt to find and open the entry in the log.
  return { status: 201, body: { voterId: body.ownerId, ...receiptView(ballot) } };
});

/**
 * Who in a building has not voted yet, for the building head's rounds (no choice is read or shown):
 * the building's voters from the frozen electorate, in owner order, and a keys-only lookup of their
 * ballots, a page at a time.
 */
const notVoted = implement(routes.notVoted, async ({ params, query, principal, location }) => {
  if (!principal.can(['committee', 'street'], location) && !principal.buildingsIn(params.compoundId).includes(params.buildingId)) {
    throw forbidden(`you are not the building head of ${params.buildingId}`);
  }
  const { vote, voters } = await openVoteFor(params.compoundId, params.voteId);
  if (vote.status !== 'open') throw ruleBroken(`the vote is ${vote.status}: the list is kept while voting is open`, [{ field: 'voteId', reason: 'not open' }]);
  const after = (decodeCursor(query.cursor)?.after as string | undefined) ?? '';
  const inBuilding = [...voters.values()].filter((v) => (v.buildingIds ?? []).includes(params.buildingId) && v.voterId > after).sort((a, b) => (a.voterId < b.voterId ? -1 : 1));
  const items: { ownerId: string; name?: string; units: string[] }[] = [];
  let last: string | undefined;
  for (let i = 0; i < inBuilding.length && items.length < query.limit; i += 100) {
    const slice = inBuilding.slice(i, i + 100);
    const voted = await votedAmong(
      vote,
      slice.map((v) => v.voterId),
    );
    for (const v of slice) {
      last = v.voterId;
      if (!voted.has(v.voterId)) items.push({ ownerId: v.voterId, ...(v.name ? { name: v.name } : {}), units: v.unitIds });
      if (items.length >= query.limit) break;
    }
  }
  const more = last !== undefined && inBuilding.at(-1)!.voterId !== last;
  return { body: { buildingId: params.buildingId, closesAt: vote.closesAt, items, ...(more ? { nextCursor: encodeCursor({ after: last }) } : {}) } };
});

/** Refused second ballots, for the committee and the street office to look into. */
const listConflicts = implement(routes.listConflicts, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  return { body: await pageConflicts(vote, query.limit, query.cursor) };
});

export const paperRoutes = [enterPaperBallot, notVoted, listConflicts];
