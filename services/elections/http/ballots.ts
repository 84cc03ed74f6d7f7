import { randomBytes } from 'node:crypto';
import { clock } from '../../../libs/clock';
import { m2, percent, toCsv } from '../../../libs/csv';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { checkBallot } from '../domain/ballot';
import { areaCommitmentOf, receiptOf } from '../domain/ballot-log';
import { votingOpen } from '../domain/deadlines';
import { allBallots, claimTurnoutRefresh, getBallot, getTurnout, loadElectorate, pageBallots, putBallot, refreshTurnout } from '../store/ballots';
import { listCandidates } from '../store/candidates';
import { getVote, type VoteItem } from '../store/votes';
import { routes } from '../topology';

/**
 * A ballot is one conditional write. While a vote is open nothing a ballot depends on changes: the
 * electorate was frozen when it opened, the candidates were fixed then, and whether a ballot is on
 * time is decided by the clock against the vote's own opening and closing times (an open vote
 * changes status only a grace period after its closing time). So an instance loads an open vote,
 * its electorate and its candidates once, and keeps them; a ballot then reads nothing (the compound's
 * location for authorization is cached too: store/registry.ts).
 */
interface OpenVote {
  vote: VoteItem;
  voters: Map<string, { area: number; headcount: number }>;
  candidates: Set<string>;
}

const openVotes = new Map<string, Promise<OpenVote>>();
/** About 20 MB per 100,000 voters held; a few large votes at a time per instance. */
const MAX_VOTES_HELD = 16;

async function loadOpenVote(compoundId: string, voteId: string): Promise<OpenVote> {
  const vote = await getVote(compoundId, voteId);
  if (!vote) throw notFound(`vote ${voteId} does not exist in compound ${compoundId}`);
  if (vote.status !== 'open') return { vote, voters: new Map(), candidates: new Set() };
  const [voters, candidates] = await Promise.all([
    loadElectorate(vote, vote.electorateId!),
    vote.kind === 'election' ? listCandidates(vote).then((list) => new Set(list.map((c) => c.personId))) : Promise.resolve(new Set<string>()),
  ]);
  return { vote, voters, candidates };
}

/** The vote as a ballot needs it: from this instance's memory once it was seen open. */
export async function openVoteFor(compoundId: string, voteId: string): Promise<OpenVote> {
  const key = `${compoundId}/${voteId}`;
  const held = openVotes.get(key);
  if (held) {
    const entry = await held.catch(() => undefined);
    if (entry?.vote.status === 'open') return entry;
    openVotes.delete(key);
  }
  const loading = loadOpenVote(compoundId, voteId);
  openVotes.set(key, loading);
  const entry = await loading.catch((error) => {
    openVotes.delete(key);
    throw error;
  });
  // Only an open vote is kept: a scheduled one is read again until it opens.
  if (entry.vote.status !== 'open') openVotes.delete(key);
  else if (openVotes.size > MAX_VOTES_HELD) openVotes.delete(openVotes.keys().next().value!);
  return entry;
}

const castBallot = implement(routes.castBallot, async ({ params, body, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId);
  if (!ownerId) throw forbidden('only an owner of this compound may vote');
  const { vote, voters, candidates } = await openVoteFor(params.compoundId, params.voteId);
  const now = clock.nowIso();
  if (!votingOpen(vote, now)) throw conflict(`voting is not open (the vote is ${vote.status}; it runs ${vote.opensAt} to ${vote.closesAt})`);
  const voter = voters.get(ownerId);
  if (!voter) throw forbidden(`${ownerId} is not in this vote's electorate (frozen when it opened)`);
  const check = checkBallot(vote, body, candidates);
  if (!check.ok) throw ruleBroken(check.detail, [{ field: check.field, reason: check.reason }]);
  const record = { voteId: vote.voteId, voterId: ownerId, choice: check.choice, area: voter.area, headcount: voter.headcount, castAt: now, nonce: randomBytes(16).toString('hex') };
  const receipt = receiptOf(record);
  const areaSalt = randomBytes(16).toString('hex');
  if (!(await putBallot(vote, { ...record, receipt, areaSalt, castBy: principal.subject }))) {
    throw conflict(`${ownerId} has already voted in ${vote.voteId}; a ballot cannot be changed`);
  }
  return {
    status: 201,
    body: { receipt, nonce: record.nonce, areaSalt, areaCommitment: areaCommitmentOf(receipt, voter.area, areaSalt), choice: check.choice, area: voter.area, headcount: voter.headcount, castAt: now },
  };
});

const myBallot = implement(routes.myBallot, async ({ params, principal }) => {
  const ownerId = principal.ownerIdIn(params.compoundId)!;
  const ballot = await getBallot({ compoundId: params.compoundId, voteId: params.voteId }, ownerId);
  if (!ballot) throw notFound(`${ownerId} has not voted in ${params.voteId}`);
  return { body: { ...ballot, areaCommitment: areaCommitmentOf(ballot.receipt, ballot.area, ballot.areaSalt) } };
});

const listBallots = implement(routes.listBallots, async ({ params, query }) => {
  const vote = await getVote(params.compoundId, params.voteId);
  if (!vote) throw notFound(`vote ${params.voteId} does not exist in compound ${params.compoundId}`);
  if (query.format === 'csv') {
    const ballots = await allBallots(vote);
    const rows = ballots.map((b) => [b.voterId, Array.isArray(b.choice) ? b.choice.join(' ') : b.choice, m2(b.area), b.headcount, b.castAt, b.receipt]);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['owner', 'choice', 'area_m2', 'headcount', 'cast_at', 'receipt'], rows) };
  }
  return { body: await pageBallots(vote, query.limit, query.cursor) };
});

/** How old a turnout snapshot may be before a request refreshes it. */
export const TURNOUT_MAX_AGE_MS = 30_000;

/**
 * Live turnout from a snapshot item: a request that finds it older than half a minute takes a short
 * lease and recounts the ballots (area and headcount only); everyone else reads the snapshot. So
 * turnout costs one read per request and at most one count of the ballots per half minute, and a
 * ballot stays one write (no counter to update, nothing to drift).
 */
export async function turnoutOf(vote: VoteItem) {
  if (!vote.electorateId) return undefined;
  const totals = { totalArea: vote.totalArea!, totalHeadcount: vote.totalHeadcount! };
  if (vote.result) {
    // Counted: the turnout is the count's, and no longer moves.
    const { participatingArea, participatingHeadcount } = vote.result.figures;
    return { ...totals, participatingArea, participatingHeadcount, areaPercent: percent(participatingArea, totals.totalArea), headcountPercent: percent(participatingHeadcount, totals.totalHeadcount), asOf: vote.closedAt! };
  }
  const now = clock.now();
  let snapshot = await getTurnout(vote);
  const stale = !snapshot || Date.parse(snapshot.asOf) < now.getTime() - TURNOUT_MAX_AGE_MS || Number.isNaN(Date.parse(snapshot.asOf));
  if (stale && (await claimTurnoutRefresh(vote, now.toISOString(), new Date(now.getTime() + 10_000).toISOString()))) {
    snapshot = await refreshTurnout(vote, now.toISOString());
  }
  const participatingArea = snapshot?.participatingArea ?? 0;
  const participatingHeadcount = snapshot?.participatingHeadcount ?? 0;
  const asOf = snapshot && !Number.isNaN(Date.parse(snapshot.asOf)) ? snapshot.asOf : now.toISOString();
  return {
    totalArea: vote.totalArea!,
    totalHeadcount: vote.totalHeadcount!,
    participatingArea,
    participatingHeadcount,
    areaPercent: percent(participatingArea, vote.totalArea!),
    headcountPercent: percent(participatingHeadcount, vote.totalHeadcount!),
    asOf,
  };
}

const turnout = implement(routes.turnout, async ({ params, query }) => {
  const vote = await getVote(params.compoundId, params.voteId);
  if (!vote) throw notFound(`vote ${params.voteId} does not exist in compound ${params.compoundId}`);
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

export const ballotRoutes = [castBallot, myBallot, listBallots, turnout];
