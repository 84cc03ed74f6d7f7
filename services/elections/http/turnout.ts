import { clock } from '../../../libs/clock';
import { m2, percent, toCsv } from '../../../libs/csv';
import { conflict, notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { noChannels } from '../domain/channels';
import { claimTurnoutRefresh, getTurnout, refreshTurnout } from '../store/ballots';
import { getVote, type VoteItem } from '../store/votes';
import { routes } from '../topology';

/** How old a turnout snapshot may be before a request refreshes it. */
export const TURNOUT_MAX_AGE_MS = 30_000;

/**
 * Live turnout from a snapshot item: a request that finds it older than half a minute takes a short
 * lease and recounts the ballots (weights and channels only); everyone else reads the snapshot. So
 * turnout costs one read per request and at most one count of the ballots per half minute, and a
 * ballot stays one write (no counter to update, nothing to drift). Once counted, the turnout is the
 * count's (after any ballot an upheld objection struck).
 */
export async function turnoutOf(vote: VoteItem) {
  if (!vote.electorateId) return undefined;
  const totals = { totalArea: vote.totalArea!, totalHeadcount: vote.totalHeadcount! };
  if (vote.result) {
    const { participatingArea, participatingHeadcount } = vote.result.figures;
    return {
      ...totals,
      participatingArea,
      participatingHeadcount,
      areaPercent: percent(participatingArea, totals.totalArea),
      headcountPercent: percent(participatingHeadcount, totals.totalHeadcount),
      channels: vote.channels ?? noChannels(),
      asOf: vote.closedAt!,
    };
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
    ...totals,
    participatingArea,
    participatingHeadcount,
    areaPercent: percent(participatingArea, totals.totalArea),
    headcountPercent: percent(participatingHeadcount, totals.totalHeadcount),
    channels: snapshot?.channels ?? noChannels(),
    asOf,
  };
}

const turnout = implement(routes.turnout, async ({ params, query }) => {
  const vote = await getVote(params.compoundId, params.voteId);
  if (!vote) throw notFound(`vote ${params.voteId} does not exist in compound ${params.compoundId}`);
  const t = await turnoutOf(vote);
  if (!t) throw conflict('turnout exists once the vote is open');
  if (query.format === 'csv') {
    const row = (name: string, f: { ballots: number; area: number; headcount: number }) => [name, '', f.ballots, percent(f.headcount, t.totalHeadcount), t.asOf];
    return {
      contentType: 'text/csv; charset=utf-8',
      body: toCsv(
        ['measure', 'total', 'participating', 'percent', 'as_of'],
        [
          ['area_m2', m2(t.totalArea), m2(t.participatingArea), t.areaPercent, t.asOf],
          ['headcount', t.totalHeadcount, t.participatingHeadcount, t.headcountPercent, t.asOf],
          row('ballots_online', t.channels.online),
          row('ballots_paper', t.channels.paper),
          row('ballots_by_proxy', t.channels.byProxy),
        ],
      ),
    };
  }
  return { body: t };
});

export const turnoutRoutes = [turnout];
