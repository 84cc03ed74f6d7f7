import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime, fen } from './common';

// Events published by the elections service. Every state change of the service publishes one
// (docs/elections.md lists them); individual ballots do not: the published ballot log is their record.
// A notice (notifications) finds in VoteAnnounced, VoteOpened, VoteClosed and ResolutionPassed/Failed
// the question, the dates and the outcome; in VoteReminderDue the owners of a building not yet voting.

/** The nine matters of Civil Code art. 278; 6-8 need 3/4, the rest more than half. */
export const matter = z.enum([
  'rules_of_procedure',
  'management_covenant',
  'committee_election',
  'property_company',
  'maintenance_fund_use',
  'maintenance_fund_raise',
  'rebuilding',
  'common_parts_use',
  'other_major',
]);

const count = z.int().check(z.nonnegative());
const person = z.strictObject({ personId: id, name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))) });
const disqualificationReason = z.enum(['fee_arrears', 'fund_arrears', 'unrectified_violation', 'property_company_relation', 'benefits_taken']);
const voteKind = z.enum(['resolution', 'election', 'removal']);
const failureReason = z.enum(['no_quorum', 'not_enough_votes', 'too_few_elected']);

const channelFigures = z.strictObject({ ballots: count, area: count, headcount: count });
/** Ballots per channel (online, paper) and by proxy (a proxy's ballot is also online or paper). */
const channels = z.strictObject({ online: channelFigures, paper: channelFigures, byProxy: channelFigures });
const channel = z.enum(['online', 'paper']);

const resolutionFigures = z.strictObject({
  totalArea: count,
  totalHeadcount: count,
  participatingArea: count,
  participatingHeadcount: count,
  forArea: count,
  forHeadcount: count,
});

const resolutionData = z.strictObject({
  compoundId: id,
  voteId: id,
  matter,
  question: z.string(),
  figures: resolutionFigures,
  /** What the resolution decided, e.g. a maintenance-fund project and its approved amount in fen. */
  payload: z.optional(
    z.strictObject({
      projectId: z.optional(id),
      fund: z.optional(z.enum(['maintenance', 'small_maintenance', 'public_revenue', 'neighbours'])),
      amountFen: z.optional(fen.check(z.nonnegative())),
      levyFenPerSquareMetreMonth: z.optional(fen.check(z.nonnegative())),
    }),
  ),
  decidedAt: isoTime,
  /** For a notice: the vote's kind, its voting period and how the ballots came. */
  kind: z.optional(voteKind),
  opensAt: z.optional(isoTime),
  closesAt: z.optional(isoTime),
  ballotCount: z.optional(count),
  channels: z.optional(channels),
});

export const ResolutionPassed = defineEvent('gongzhi.elections', 'ResolutionPassed', 1, resolutionData);
/** `too_few_elected`: an election where some won a majority but too few to form a committee by its rules. */
export const ResolutionFailed = defineEvent('gongzhi.elections', 'ResolutionFailed', 1, z.extend(resolutionData, { reason: failureReason }));

/** A committee was elected (the registry sets the compound's governance to `committee`). */
export const CommitteeElected = defineEvent(
  'gongzhi.elections',
  'CommitteeElected',
  1,
  z.strictObject({
    compoundId: id,
    electionId: id,
    members: z
      .array(z.strictObject({ personId: id, role: z.enum(['chair', 'vice_chair', 'member']), name: z.optional(z.string()), source: z.optional(z.enum(['owners', 'pool'])) }))
      .check(z.minLength(3), z.maxLength(11)),
    alternates: z.array(id),
    termStart: isoTime,
    termEnd: isoTime,
  }),
);

/** A person was put on the negative list (a disqualification recorded, with its source). */
export const CandidateDisqualified = defineEvent(
  'gongzhi.elections',
  'CandidateDisqualified',
  1,
  z.strictObject({ compoundId: id, personId: id, reason: disqualificationReason, sourceRef: z.string().check(z.minLength(1)) }),
);

/** A negative-list record was lifted (its source resolved, or an official lifted a manual one). */
export const DisqualificationLifted = defineEvent(
  'gongzhi.elections',
  'DisqualificationLifted',
  1,
  z.strictObject({ compoundId: id, personId: id, reason: disqualificationReason, sourceRef: z.string().check(z.minLength(1)), note: z.string() }),
);

export const CommitteeTermExpiring = defineEvent(
  'gongzhi.elections',
  'CommitteeTermExpiring',
  1,
  z.strictObject({ compoundId: id, committeeId: id, termEnd: isoTime, kind: z.enum(['committee', 'temporary_committee']) }),
);

// ---- the life of a vote ---------------------------------------------------------------------------

export const VoteAnnounced = defineEvent(
  'gongzhi.elections',
  'VoteAnnounced',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    kind: voteKind,
    matter,
    question: z.string(),
    noticeAt: isoTime,
    opensAt: isoTime,
    closesAt: isoTime,
    seats: z.optional(count),
    purpose: z.optional(z.enum(['committee', 'by_election'])),
    /** Removal resolutions: the members named, and what happens to their seats. */
    members: z.optional(z.array(person)),
    then: z.optional(z.enum(['fill_from_alternates', 'by_election'])),
    warnings: z.array(z.string()),
  }),
);

export const VoteOpened = defineEvent(
  'gongzhi.elections',
  'VoteOpened',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    rollVersion: z.int().check(z.positive()),
    totalArea: count,
    totalHeadcount: count,
    voterCount: count,
    households: count,
    candidates: z.optional(count),
    warnings: z.array(z.string()),
    /** For a notice: what is asked and until when. */
    kind: z.optional(voteKind),
    matter: z.optional(matter),
    question: z.optional(z.string()),
    opensAt: z.optional(isoTime),
    closesAt: z.optional(isoTime),
    /** Written proxies frozen for this vote, and how many owners one person may represent. */
    proxies: z.optional(count),
    proxyLimit: z.optional(count),
  }),
);

/** Counted: the preliminary result, open to objections until `objectionEndsAt`. */
export const VoteClosed = defineEvent(
  'gongzhi.elections',
  'VoteClosed',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    ballotCount: count,
    figures: z.strictObject({ totalArea: count, totalHeadcount: count, participatingArea: count, participatingHeadcount: count }),
    outcome: z.strictObject({ passed: z.boolean(), reason: z.optional(failureReason) }),
    logHead: z.string().check(z.length(64)),
    objectionEndsAt: isoTime,
    /** For a notice: what was asked, the voting period, and how the ballots came. */
    kind: z.optional(voteKind),
    matter: z.optional(matter),
    question: z.optional(z.string()),
    opensAt: z.optional(isoTime),
    closesAt: z.optional(isoTime),
    channels: z.optional(channels),
  }),
);

export const VoteAnnulled = defineEvent('gongzhi.elections', 'VoteAnnulled', 1, z.strictObject({ compoundId: id, voteId: id, reason: z.string(), objections: count, objectionId: z.optional(id) }));

const objectionKind = z.enum(['ballot', 'result']);

/** `ballot`: an owner says the ballot recorded for them is not theirs; `result`: an objection to the preliminary result. */
export const ObjectionFiled = defineEvent(
  'gongzhi.elections',
  'ObjectionFiled',
  1,
  z.strictObject({ compoundId: id, voteId: id, objectionId: id, reason: z.string(), kind: z.optional(objectionKind) }),
);

/**
 * The street office decided an objection. A ballot objection upheld strikes that ballot from the
 * count: the log gains a removal entry (new head) and the preliminary result is recounted (its
 * outcome here); a result objection upheld annuls the vote (VoteAnnulled too).
 */
export const ObjectionDecided = defineEvent(
  'gongzhi.elections',
  'ObjectionDecided',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    objectionId: id,
    kind: objectionKind,
    upheld: z.boolean(),
    reason: z.string(),
    removedReceipt: z.optional(z.string().check(z.length(64))),
    outcome: z.optional(z.strictObject({ passed: z.boolean(), reason: z.optional(failureReason) })),
    ballotCount: z.optional(count),
    logHead: z.optional(z.string().check(z.length(64))),
  }),
);

/**
 * A second ballot for an owner was refused (the first that landed counts): another channel, the
 * owner and their proxy, or two paper sheets. Recorded for the committee; no choice is carried.
 */
export const BallotConflictRecorded = defineEvent(
  'gongzhi.elections',
  'BallotConflictRecorded',
  1,
  z.strictObject({ compoundId: id, voteId: id, ownerId: id, attempted: channel, existing: channel, byProxy: z.boolean(), paperNumber: z.optional(z.string()) }),
);

/**
 * Two days before the close, per building (and in parts of at most 2,000 owners, so an event stays
 * far below EventBridge's 256 KB): the owners who have not voted yet, for the building head to
 * remind (notifications). An owner of units in several buildings is listed under each.
 */
export const VoteReminderDue = defineEvent(
  'gongzhi.elections',
  'VoteReminderDue',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    kind: voteKind,
    question: z.string(),
    opensAt: isoTime,
    closesAt: isoTime,
    buildingId: id,
    ownerIds: z.array(id).check(z.minLength(1), z.maxLength(2000)),
    part: z.int().check(z.nonnegative()),
    parts: z.int().check(z.positive()),
  }),
);

// ---- written proxies ----------------------------------------------------------------------------

/** An owner authorized another person in writing (委托书 `documentRef`), for one vote or a period. */
export const ProxyRegistered = defineEvent(
  'gongzhi.elections',
  'ProxyRegistered',
  1,
  z.strictObject({
    compoundId: id,
    proxyId: id,
    ownerId: id,
    holder: z.strictObject({ personId: id, name: z.string() }),
    voteId: z.optional(id),
    from: isoTime,
    until: isoTime,
    documentRef: z.string(),
  }),
);

export const ProxyRevoked = defineEvent('gongzhi.elections', 'ProxyRevoked', 1, z.strictObject({ compoundId: id, proxyId: id, ownerId: id, holderId: id }));

/** The compound's rules of procedure: how many owners one person may represent in a vote. */
export const ProxyLimitSet = defineEvent('gongzhi.elections', 'ProxyLimitSet', 1, z.strictObject({ compoundId: id, maxProxiesPerHolder: z.int().check(z.positive()) }));

export const CandidateNominated = defineEvent(
  'gongzhi.elections',
  'CandidateNominated',
  1,
  z.strictObject({
    compoundId: id,
    voteId: id,
    personId: id,
    name: z.string(),
    source: z.enum(['owners', 'pool']),
    ownsUnitHere: z.boolean(),
    unitId: z.optional(id),
    /** Whether the name was checked against the roll (false when the roll carries no names). */
    nameChecked: z.boolean(),
    nonOwnerException: z.optional(z.string()),
  }),
);

// ---- the committee on record --------------------------------------------------------------------

export const CommitteeOfficersSet = defineEvent('gongzhi.elections', 'CommitteeOfficersSet', 1, z.strictObject({ compoundId: id, committeeId: id, chair: id, viceChair: id, late: z.boolean() }));

/** The street office formed a temporary property management committee (the registry sets governance `temporary_committee`). */
export const TemporaryCommitteeFormed = defineEvent(
  'gongzhi.elections',
  'TemporaryCommitteeFormed',
  1,
  z.strictObject({
    compoundId: id,
    committeeId: id,
    chair: person,
    members: z.array(z.strictObject({ personId: id, name: z.optional(z.string()), owner: z.boolean() })),
    termStart: isoTime,
    termEnd: isoTime,
  }),
);

/** A committee left office: its term ended, or an elected committee replaced it (the registry sets governance `none`, or follows CommitteeElected). */
export const CommitteeDissolved = defineEvent(
  'gongzhi.elections',
  'CommitteeDissolved',
  1,
  z.strictObject({ compoundId: id, committeeId: id, kind: z.enum(['committee', 'temporary_committee']), reason: z.enum(['term_ended', 'replaced']), replacedBy: z.optional(id) }),
);

/** Owners removed committee members (art. 278 matter 3, a resolution passed by majority). */
export const CommitteeMembersRemoved = defineEvent(
  'gongzhi.elections',
  'CommitteeMembersRemoved',
  1,
  z.strictObject({ compoundId: id, committeeId: id, voteId: id, removed: z.array(person).check(z.minLength(1)), then: z.enum(['fill_from_alternates', 'by_election']), vacancies: count }),
);

/** A vacant seat was filled: by the next alternate after a removal, or by a by-election. */
export const CommitteeSeatFilled = defineEvent(
  'gongzhi.elections',
  'CommitteeSeatFilled',
  1,
  z.strictObject({ compoundId: id, committeeId: id, voteId: id, personId: id, name: z.optional(z.string()), from: z.enum(['alternate', 'by_election']) }),
);

/** A sitting member is on the negative list: the city must act (the member is flagged, not removed: removal is the owners' matter 3). */
export const CommitteeMemberDisqualified = defineEvent(
  'gongzhi.elections',
  'CommitteeMemberDisqualified',
  1,
  z.strictObject({ compoundId: id, committeeId: id, personId: id, reason: disqualificationReason, sourceRef: z.string().check(z.minLength(1)) }),
);

/** The last active record against a sitting member was lifted: the flag is cleared. */
export const CommitteeMemberRequalified = defineEvent('gongzhi.elections', 'CommitteeMemberRequalified', 1, z.strictObject({ compoundId: id, committeeId: id, personId: id }));

/** Whether the compound has a party branch (a compound attribute the city reports on). */
export const PartyBranchRecorded = defineEvent('gongzhi.elections', 'PartyBranchRecorded', 1, z.strictObject({ compoundId: id, hasBranch: z.boolean(), secretaryPersonId: z.optional(id) }));

// ---- the reserve pool ---------------------------------------------------------------------------

const poolAttributes = z.strictObject({
  partyMember: z.boolean(),
  partyBranchSecretary: z.boolean(),
  communityCommitteeMember: z.boolean(),
  retiredCadre: z.boolean(),
  deputyOrCppcc: z.boolean(),
  modelWorker: z.boolean(),
});

export const PoolPersonAdded = defineEvent(
  'gongzhi.elections',
  'PoolPersonAdded',
  1,
  z.strictObject({
    personId: id,
    name: z.string(),
    districtId: id,
    streetId: id,
    communityId: z.optional(id),
    compounds: z.array(id),
    attributes: poolAttributes,
    nonOwnerException: z.optional(z.string()),
    importId: z.optional(id),
  }),
);

export const PoolStatusChanged = defineEvent(
  'gongzhi.elections',
  'PoolStatusChanged',
  1,
  z.strictObject({
    personId: id,
    streetId: id,
    status: z.enum(['available', 'serving', 'suspended']),
    previous: z.enum(['available', 'serving', 'suspended']),
    compoundId: z.optional(id),
    reason: z.optional(z.string()),
  }),
);

/** A bulk import (all rows or none): one event for the file, the people are in the pool. */
export const PoolImported = defineEvent(
  'gongzhi.elections',
  'PoolImported',
  1,
  z.strictObject({ importId: id, districtId: id, streetId: id, count: z.int().check(z.positive()), personIds: z.array(id) }),
);
