import { officialScope } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { toCsv } from '../../../libs/csv';
import { ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { aggregate, flagsOf } from '../domain/report';
import { poolSummariesIn } from '../store/pool';
import { summariesIn } from '../store/summaries';
import { routes } from '../topology';

/** Days are the city's (Asia/Shanghai): a period from D1 to D2 runs from 00:00 on D1 to 24:00 on D2 there. */
const SHANGHAI_OFFSET = '+08:00';
const startOfDay = (date: string) => new Date(`${date}T00:00:00${SHANGHAI_OFFSET}`).toISOString();
const today = () => new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The committee report of a street, a district or the city, from aggregates: one summary item per
 * compound in scope (one query, projected) and one pool summary per street. No committee is read.
 */
const committeeReport = implement(routes.committeeReport, async ({ query, principal }) => {
  const { districtId, streetId } = officialScope(principal, query);
  const from = query.from ?? `${today().slice(0, 4)}-01-01`;
  const to = query.to ?? today();
  if (from > to) throw ruleBroken('the period ends before it starts', [{ field: 'query.to', reason: 'before from' }]);
  const period = { from: startOfDay(from), to: new Date(Date.parse(startOfDay(to)) + 86_400_000).toISOString() };
  const now = clock.nowIso();
  const [summaries, pools] = await Promise.all([summariesIn({ districtId, streetId, compoundId: query.compoundId }), poolSummariesIn({ districtId, streetId })]);
  const counts = aggregate(summaries, pools, now, period);
  const byCompound = summaries.map((s) => ({
    compoundId: s.compoundId,
    name: s.name,
    districtId: s.districtId,
    streetId: s.streetId,
    communityId: s.communityId,
    kind: s.kind,
    seats: s.seats,
    members: s.members,
    partyMembers: s.partyMembers,
    partyMajority: s.partyMajority,
    chairIsBranchSecretary: s.chairIsBranchSecretary,
    communityCommitteeMembers: s.communityCommitteeMembers,
    partyBranch: s.partyBranch,
    disqualifiedMembers: s.disqualifiedMembers,
    termEnd: s.termEnd,
    flags: flagsOf(s, now),
  }));
  if (query.format === 'csv') {
    const header = [
      'compound',
      'name',
      'district',
      'street',
      'community',
      'kind',
      'seats',
      'members',
      'party_members',
      'party_majority',
      'chair_is_branch_secretary',
      'community_committee_members',
      'party_branch',
      'disqualified_members',
      'term_end',
      'flags',
    ];
    const rows = byCompound.map((c) => [
      c.compoundId,
      c.name,
      c.districtId,
      c.streetId,
      c.communityId,
      c.kind,
      c.seats,
      c.members,
      c.partyMembers,
      c.partyMajority ? 'yes' : 'no',
      c.chairIsBranchSecretary ? 'yes' : 'no',
      c.communityCommitteeMembers,
      c.partyBranch ? 'yes' : 'no',
      c.disqualifiedMembers,
      c.termEnd ?? '',
      c.flags.join('; '),
    ]);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(header, rows) };
  }
  return { body: { scope: { districtId, streetId, compoundId: query.compoundId }, ...counts, period: { ...counts.period, fromDate: from, toDate: to }, byCompound, asOf: now } };
});

export const reportRoutes = [committeeReport];
