import { z } from 'zod';
import {
  ArrearsCleared,
  ArrearsRecorded,
  CandidateDisqualified,
  CommitteeElected,
  CommitteeTermExpiring,
  CompoundRegistered,
  ResolutionFailed,
  ResolutionPassed,
  ViolationConfirmed,
  ViolationRectified,
  matter,
} from '../../events/catalogue';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/pagination';
import { REGISTRY_EVENTS } from '../../libs/registry-read-model';
import { outboxSweepSchedule, type RouteDecl, type ServiceTopology } from '../../libs/topology';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ or -, up to 64');
const compoundParams = z.strictObject({ compoundId: id });
const voteParams = z.strictObject({ compoundId: id, voteId: id });
const format = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

/** Everyone with a role in the compound. */
const inCompound: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'];
/** Those who call and run votes: the owners' (or temporary) committee and the street office. */
const organisers: Role[] = ['committee', 'street'];
/** Those with a right to inspect who voted what. */
const inspectors: Role[] = ['committee', 'street', 'district', 'inspector', 'bureau'];
const officials: Role[] = ['community', 'street', 'district', 'bureau'];

export const poolAttributes = z.strictObject({
  partyMember: z.boolean().default(false),
  partyBranchSecretary: z.boolean().default(false),
  communityCommitteeMember: z.boolean().default(false),
  retiredCadre: z.boolean().default(false),
  deputyOrCppcc: z.boolean().default(false),
  modelWorker: z.boolean().default(false),
});

export const routes = {
  createVote: {
    operationId: 'createVote',
    method: 'POST',
    path: '/compounds/{compoundId}/votes',
    summary: 'Announce an owners’ vote or a committee election; opening is at least 15 days after notice',
    allow: organisers,
    params: compoundParams,
    body: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('resolution'),
        voteId: id,
        matter: matter.exclude(['committee_election']),
        question: z.string().min(5).max(2000),
        opensAt: z.iso.datetime().optional().describe('default: the earliest allowed, notice + 15 days'),
        votingDays: z.number().int().min(1).max(60).default(14),
        payload: z
          .strictObject({
            projectId: id.optional(),
            fund: z.enum(['maintenance', 'small_maintenance', 'public_revenue', 'neighbours']).optional(),
            amountFen: z.number().int().nonnegative().optional(),
            levyFenPerSquareMetreMonth: z.number().int().nonnegative().optional(),
          })
          .optional(),
      }),
      z.strictObject({
        kind: z.literal('election'),
        voteId: id,
        question: z.string().min(5).max(2000).default('Election of the owners’ committee'),
        seats: z.number().int().min(3).max(11),
        opensAt: z.iso.datetime().optional(),
        votingDays: z.number().int().min(1).max(60).default(14),
      }),
    ]),
    successStatus: 201,
  },
  listVotes: {
    operationId: 'listVotes',
    method: 'GET',
    path: '/compounds/{compoundId}/votes',
    summary: 'Votes of a compound, newest first',
    allow: inCompound,
    params: compoundParams,
    query: pageQuery,
  },
  getVote: {
    operationId: 'getVote',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}',
    summary: 'A vote, its schedule, live turnout and result',
    allow: inCompound,
    params: voteParams,
  },
  openVote: {
    operationId: 'openVote',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/open',
    summary: 'Open a vote whose opening time has come and freeze its electorate (the schedule does this too)',
    allow: organisers,
    params: voteParams,
  },
  nominate: {
    operationId: 'nominate',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/candidates',
    summary: 'Nominate a candidate (owners’ nomination or the reserve pool); checked against the negative list',
    allow: organisers,
    params: voteParams,
    body: z.strictObject({ personId: id, name: z.string().min(1).max(100), source: z.enum(['owners', 'pool']) }),
    successStatus: 201,
  },
  listCandidates: {
    operationId: 'listCandidates',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/candidates',
    summary: 'Candidates of an election',
    allow: inCompound,
    params: voteParams,
  },
  castBallot: {
    operationId: 'castBallot',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/ballots',
    summary: 'Cast your ballot (owners only, once); returns your receipt',
    allow: ['owner'],
    params: voteParams,
    body: z.union([
      z.strictObject({ choice: z.enum(['for', 'against', 'abstain']) }),
      z.strictObject({ candidates: z.array(id).max(11) }),
    ]),
    successStatus: 201,
  },
  myBallot: {
    operationId: 'myBallot',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/ballots/mine',
    summary: 'Your own ballot and receipt',
    allow: ['owner'],
    params: voteParams,
  },
  listBallots: {
    operationId: 'listBallots',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/ballots',
    summary: 'Who voted what (those with a right to inspect)',
    allow: inspectors,
    params: voteParams,
    query: pageQuery.extend({ format: z.enum(['json', 'csv']).default('json') }),
  },
  turnout: {
    operationId: 'turnout',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/turnout',
    summary: 'Live turnout by area and headcount (JSON or CSV)',
    allow: inCompound,
    params: voteParams,
    query: format,
  },
  closeVote: {
    operationId: 'closeVote',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/close',
    summary: 'Close a vote once its closing time has passed (the schedule does this too); publishes the preliminary result',
    allow: organisers,
    params: voteParams,
  },
  ballotLog: {
    operationId: 'ballotLog',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/log',
    summary: 'The published hash chain of receipts with choices and weights, no names (after closing)',
    allow: inCompound,
    params: voteParams,
  },
  report: {
    operationId: 'report',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/report',
    summary: 'The result report (JSON or CSV)',
    allow: inCompound,
    params: voteParams,
    query: format,
  },
  object: {
    operationId: 'object',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/objections',
    summary: 'Object to a preliminary result (owners, during the objection period)',
    allow: ['owner'],
    params: voteParams,
    body: z.strictObject({ reason: z.string().min(10).max(4000) }),
    successStatus: 201,
  },
  annul: {
    operationId: 'annul',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/annul',
    summary: 'Uphold an objection and annul a preliminary result (street office)',
    allow: ['street'],
    params: voteParams,
    body: z.strictObject({ reason: z.string().min(10).max(4000) }),
  },
  getCommittee: {
    operationId: 'getCommittee',
    method: 'GET',
    path: '/compounds/{compoundId}/committee',
    summary: 'The compound’s owners’ committee or temporary management committee',
    allow: inCompound,
    params: compoundParams,
  },
  setOfficers: {
    operationId: 'setOfficers',
    method: 'PUT',
    path: '/compounds/{compoundId}/committee/officers',
    summary: 'Record the chair and vice chair the members chose (within 7 days of the election)',
    allow: ['committee', 'street'],
    params: compoundParams,
    body: z.strictObject({ chair: id, viceChair: id }),
  },
  setTemporaryCommittee: {
    operationId: 'setTemporaryCommittee',
    method: 'PUT',
    path: '/compounds/{compoundId}/temporary-committee',
    summary: 'Record a temporary property management committee (street office; at most 2 years)',
    allow: ['street'],
    params: compoundParams,
    body: z.strictObject({
      chair: z.strictObject({ personId: id, name: z.string().min(1).max(100) }).describe('the street office’s representative'),
      members: z.array(z.strictObject({ personId: id, name: z.string().min(1).max(100), owner: z.boolean() })).min(6).max(10),
    }),
  },
  addDisqualification: {
    operationId: 'addDisqualification',
    method: 'POST',
    path: '/people/{personId}/disqualifications',
    summary: 'Put a person on the negative list with its source record (street office, community)',
    allow: ['street', 'community', 'bureau'],
    params: z.strictObject({ personId: id }),
    body: z.strictObject({
      compoundId: id,
      reason: z.enum(['fee_arrears', 'fund_arrears', 'unrectified_violation', 'property_company_relation', 'benefits_taken']),
      sourceRef: z.string().min(3).max(200).regex(/^[\w./:#-]+$/),
    }),
    successStatus: 201,
  },
  liftDisqualification: {
    operationId: 'liftDisqualification',
    method: 'POST',
    path: '/people/{personId}/disqualifications/lift',
    summary: 'Lift a manual disqualification once its source is resolved',
    allow: ['street', 'community', 'bureau'],
    params: z.strictObject({ personId: id }),
    body: z.strictObject({ sourceRef: z.string().min(3).max(200), note: z.string().min(3).max(1000) }),
  },
  listDisqualifications: {
    operationId: 'listDisqualifications',
    method: 'GET',
    path: '/people/{personId}/disqualifications',
    summary: 'A person’s negative-list records, active and lifted',
    allow: officials,
    params: z.strictObject({ personId: id }),
  },
  addToPool: {
    operationId: 'addToPool',
    method: 'POST',
    path: '/pool',
    summary: 'Add a vetted person to the reserve pool (street office or community of that street)',
    allow: ['street', 'community', 'bureau'],
    body: z.strictObject({
      personId: id,
      name: z.string().min(1).max(100),
      districtId: id,
      streetId: id,
      communityId: id,
      attributes: poolAttributes,
      compounds: z.array(id).min(1).max(50).describe('compounds this person may serve'),
    }),
    successStatus: 201,
  },
  listPool: {
    operationId: 'listPool',
    method: 'GET',
    path: '/pool',
    summary: 'The reserve pool of a street (or of the city, for the bureau)',
    allow: officials,
    query: pageQuery.extend({ streetId: id.optional(), status: z.enum(['available', 'serving', 'suspended']).optional() }),
  },
  setPoolStatus: {
    operationId: 'setPoolStatus',
    method: 'PUT',
    path: '/pool/{personId}/status',
    summary: 'Mark a pooled person available, serving or suspended (with a reason)',
    allow: ['street', 'community', 'bureau'],
    params: z.strictObject({ personId: id }),
    body: z.discriminatedUnion('status', [
      z.strictObject({ status: z.literal('available') }),
      z.strictObject({ status: z.literal('serving'), compoundId: id }),
      z.strictObject({ status: z.literal('suspended'), reason: z.string().min(5).max(1000) }),
    ]),
  },
  committeeReport: {
    operationId: 'committeeReport',
    method: 'GET',
    path: '/reports/committees',
    summary: 'Committees formal vs temporary, party members, cross-appointment, pool coverage, flags — per compound, street, district or city',
    allow: ['street', 'district', 'bureau'],
    query: z.strictObject({ districtId: id.optional(), streetId: id.optional(), compoundId: id.optional() }),
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'elections',
  source: 'gongzhi.elections',
  ownsTable: true,
  api: { entry: 'services/elections/api.ts', routes: Object.values(routes) },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/elections/consume-registry.ts',
      description: 'Keeps the compounds and their rolls (who owns what, with which area) for electorates',
      pattern: {
        source: [CompoundRegistered.source],
        'detail-type': REGISTRY_EVENTS.map((e) => e.detailType),
      },
    },
    {
      name: 'negative-list',
      entry: 'services/elections/consume-negative-list.ts',
      description: 'Disqualifies and requalifies candidates from violations (enforcement) and arrears (funds)',
      pattern: {
        source: [ViolationConfirmed.source, ArrearsRecorded.source],
        'detail-type': [ViolationConfirmed, ViolationRectified, ArrearsRecorded, ArrearsCleared].map((e) => e.detailType),
      },
    },
  ],
  schedules: [
    {
      name: 'vote-clock',
      entry: 'services/elections/vote-clock.ts',
      description: 'Opens votes whose time has come, closes due votes (preliminary result), finalizes after the objection period',
      expression: 'rate(5 minutes)',
    },
    {
      name: 'term-watch',
      entry: 'services/elections/term-watch.ts',
      description: 'Reminds street offices 3 months before a term ends; flags undersized and overdue committees',
      expression: 'cron(0 1 * * ? *)',
    },
    outboxSweepSchedule('elections'),
  ],
  publishes: [ResolutionPassed, ResolutionFailed, CommitteeElected, CandidateDisqualified, CommitteeTermExpiring].map((e) => e.detailType),
};
