import * as z from '../../events/zod';
import { described } from '../../events/zod';
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
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import { REGISTRY_EVENTS } from '../registry/kit/events';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';

const compoundParams = z.strictObject({ compoundId: id });
const voteParams = z.strictObject({ compoundId: id, voteId: id });
const format = z.strictObject({ format: z._default(z.enum(['json', 'csv']), 'json') });

/** Everyone with a role in the compound. */
const inCompound: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'];
/** Those who call and run votes: the owners' (or temporary) committee and the street office. */
const organisers: Role[] = ['committee', 'street'];
/** Those with a right to inspect who voted what (issue #3): the committee and the street office, nobody else. */
const inspectors: Role[] = ['committee', 'street'];
const officials: Role[] = ['community', 'street', 'district', 'bureau'];

export const poolAttributes = z.strictObject({
  partyMember: z._default(z.boolean(), false),
  partyBranchSecretary: z._default(z.boolean(), false),
  communityCommitteeMember: z._default(z.boolean(), false),
  retiredCadre: z._default(z.boolean(), false),
  deputyOrCppcc: z._default(z.boolean(), false),
  modelWorker: z._default(z.boolean(), false),
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
        matter: z.enum(matter.options.filter((m) => m !== 'committee_election') as Exclude<(typeof matter.options)[number], 'committee_election'>[]),
        question: z.string().check(z.minLength(5), z.maxLength(2000)),
        opensAt: described(z.optional(z.iso.datetime()), 'default: the earliest allowed, notice + 15 days'),
        votingDays: z._default(z.int().check(z.minimum(1), z.maximum(60)), 14),
        payload: z.optional(
          z.strictObject({
            projectId: z.optional(id),
            fund: z.optional(z.enum(['maintenance', 'small_maintenance', 'public_revenue', 'neighbours'])),
            amountFen: z.optional(z.int().check(z.nonnegative())),
            levyFenPerSquareMetreMonth: z.optional(z.int().check(z.nonnegative())),
          }),
        ),
      }),
      z.strictObject({
        kind: z.literal('election'),
        voteId: id,
        question: z._default(z.string().check(z.minLength(5), z.maxLength(2000)), 'Election of the owners’ committee'),
        seats: z.int().check(z.minimum(3), z.maximum(11)),
        opensAt: z.optional(z.iso.datetime()),
        votingDays: z._default(z.int().check(z.minimum(1), z.maximum(60)), 14),
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
    body: z.strictObject({ personId: id, name: z.string().check(z.minLength(1), z.maxLength(100)), source: z.enum(['owners', 'pool']) }),
    successStatus: 201,
  },
  listCandidates: {
    operationId: 'listCandidates',
    method: 'GET',
    path: '/compounds/{compoundId}/votes/{voteId}/candidates',
    summary: 'Candidates of an election',
    allow: inCompound,
    params: voteParams,
    query: pageQuery,
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
      z.strictObject({ candidates: z.array(id).check(z.maxLength(11)) }),
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
    query: z.extend(pageQuery, { format: z._default(z.enum(['json', 'csv']), 'json') }),
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
    body: z.strictObject({ reason: z.string().check(z.minLength(10), z.maxLength(4000)) }),
    successStatus: 201,
  },
  annul: {
    operationId: 'annul',
    method: 'POST',
    path: '/compounds/{compoundId}/votes/{voteId}/annul',
    summary: 'Uphold an objection and annul a preliminary result (street office)',
    allow: ['street'],
    params: voteParams,
    body: z.strictObject({ reason: z.string().check(z.minLength(10), z.maxLength(4000)) }),
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
      chair: described(z.strictObject({ personId: id, name: z.string().check(z.minLength(1), z.maxLength(100)) }), 'the street office’s representative'),
      members: z.array(z.strictObject({ personId: id, name: z.string().check(z.minLength(1), z.maxLength(100)), owner: z.boolean() })).check(z.minLength(6), z.maxLength(10)),
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
      sourceRef: z.string().check(z.minLength(3), z.maxLength(200), z.regex(/^[\w./:#-]+$/)),
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
    body: z.strictObject({ sourceRef: z.string().check(z.minLength(3), z.maxLength(200)), note: z.string().check(z.minLength(3), z.maxLength(1000)) }),
  },
  listDisqualifications: {
    operationId: 'listDisqualifications',
    method: 'GET',
    path: '/people/{personId}/disqualifications',
    summary: 'A person’s negative-list records, active and lifted',
    allow: officials,
    params: z.strictObject({ personId: id }),
    query: pageQuery,
  },
  addToPool: {
    operationId: 'addToPool',
    method: 'POST',
    path: '/pool',
    summary: 'Add a vetted person to the reserve pool (street office or community of that street)',
    allow: ['street', 'community', 'bureau'],
    body: z.strictObject({
      personId: id,
      name: z.string().check(z.minLength(1), z.maxLength(100)),
      districtId: id,
      streetId: id,
      communityId: id,
      attributes: poolAttributes,
      compounds: described(z.array(id).check(z.minLength(1), z.maxLength(50)), 'compounds this person may serve'),
    }),
    successStatus: 201,
  },
  listPool: {
    operationId: 'listPool',
    method: 'GET',
    path: '/pool',
    summary: 'The reserve pool of a street (or of the city, for the bureau)',
    allow: officials,
    query: z.extend(pageQuery, { streetId: z.optional(id), status: z.optional(z.enum(['available', 'serving', 'suspended'])) }),
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
      z.strictObject({ status: z.literal('suspended'), reason: z.string().check(z.minLength(5), z.maxLength(1000)) }),
    ]),
  },
  committeeReport: {
    operationId: 'committeeReport',
    method: 'GET',
    path: '/reports/committees',
    summary: 'Committees formal vs temporary, party members, cross-appointment, pool coverage, flags — per compound, street, district or city',
    allow: ['street', 'district', 'bureau'],
    query: z.strictObject({ districtId: z.optional(id), streetId: z.optional(id), compoundId: z.optional(id) }),
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
      description: 'Finds votes whose next step is due (open, count, finalize) and queues each',
      expression: 'rate(5 minutes)',
      sendsTo: ['vote-steps'],
    },
    {
      name: 'term-watch',
      entry: 'services/elections/term-watch.ts',
      description: 'Finds committees whose term ends within 3 months, not yet reminded, and queues each',
      expression: 'cron(0 1 * * ? *)',
      sendsTo: ['term-reminders'],
    },
  ],
  queues: [
    {
      name: 'vote-steps',
      entry: 'services/elections/vote-steps.ts',
      description: 'Takes one vote’s due step: opens it and freezes the electorate, counts it (preliminary result), or makes it final',
      batchSize: 5,
      maxConcurrency: 5,
    },
    {
      name: 'term-reminders',
      entry: 'services/elections/term-reminder.ts',
      description: 'Reminds the street office once that a committee’s term ends in 3 months (CommitteeTermExpiring)',
    },
  ],
  publishes: [ResolutionPassed, ResolutionFailed, CommitteeElected, CandidateDisqualified, CommitteeTermExpiring].map((e) => e.detailType),
};
