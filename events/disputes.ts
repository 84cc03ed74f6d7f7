import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime } from './common';

// Events published by the disputes service. Every change of a complaint, a mediation, a court
// referral, a court visit, a petition or an Open311 api key is one of these; none carries the
// complainant's identity (the audit trail is read by people who may not see it).

/** The one-window categories (一站受理); the Open311 service codes are the same words. */
export const complaintCategory = z.enum([
  'property_service',
  'fees',
  'noise',
  'parking',
  'leaks_repairs',
  'renovation',
  'pets',
  'common_parts',
  'committee_conduct',
  'illegal_construction',
  'fire_safety',
  'utilities_cut_off',
  'other',
]);

/** Who handles a complaint: the compound's property company or committee, a community, a street office, a district, or an 8+X department. */
export const complaintHandler = z.strictObject({
  kind: z.enum(['property', 'committee', 'community', 'street', 'district', 'department']),
  /** The compound (property, committee), community, street, district or department id. */
  id,
});

const complaintRef = { compoundId: id, complaintId: id };
const minutes = z.int().check(z.nonnegative());

export const ComplaintReceived = defineEvent(
  'gongzhi.disputes',
  'ComplaintReceived',
  1,
  z.strictObject({
    ...complaintRef,
    category: complaintCategory,
    channel: z.enum(['app', 'open311', 'grid', 'counter']),
    handler: complaintHandler,
    respondentKind: z.enum(['property_company', 'committee', 'owner', 'developer', 'department', 'other', 'none']),
    anonymous: z.boolean(),
    acknowledgeBy: isoTime,
    resolveBy: isoTime,
    receivedAt: isoTime,
  }),
);

export const ComplaintRouted = defineEvent(
  'gongzhi.disputes',
  'ComplaintRouted',
  1,
  z.strictObject({ ...complaintRef, from: complaintHandler, to: complaintHandler, reason: z.string().check(z.minLength(1), z.maxLength(500)) }),
);

export const ComplaintAcknowledged = defineEvent(
  'gongzhi.disputes',
  'ComplaintAcknowledged',
  1,
  z.strictObject({ ...complaintRef, handler: complaintHandler, minutesToAcknowledge: minutes, onTime: z.boolean() }),
);

export const ComplaintInProgress = defineEvent('gongzhi.disputes', 'ComplaintInProgress', 1, z.strictObject({ ...complaintRef, handler: complaintHandler }));

/** A deadline passed without the step it asked for: the case moves one level up (community → street → district). */
export const ComplaintEscalated = defineEvent(
  'gongzhi.disputes',
  'ComplaintEscalated',
  1,
  z.strictObject({
    ...complaintRef,
    from: complaintHandler,
    to: complaintHandler,
    missed: z.enum(['acknowledge', 'resolve']),
    dueAt: isoTime,
    level: z.int().check(z.positive()),
  }),
);

export const ComplaintAttachmentAdded = defineEvent(
  'gongzhi.disputes',
  'ComplaintAttachmentAdded',
  1,
  z.strictObject({ ...complaintRef, attachmentId: id, contentType: z.string().check(z.maxLength(100)), source: z.enum(['upload', 'link']) }),
);

export const ComplaintResolved = defineEvent(
  'gongzhi.disputes',
  'ComplaintResolved',
  1,
  z.strictObject({
    ...complaintRef,
    category: complaintCategory,
    resolution: z.enum(['handled', 'mediated', 'settled_on_site']),
    minutesToResolve: minutes,
    onTime: z.boolean(),
    confirmBy: isoTime,
  }),
);

export const ComplaintReopened = defineEvent('gongzhi.disputes', 'ComplaintReopened', 1, z.strictObject({ ...complaintRef, resolveBy: isoTime }));

export const ComplaintClosed = defineEvent(
  'gongzhi.disputes',
  'ComplaintClosed',
  1,
  z.strictObject({
    ...complaintRef,
    reason: z.enum(['confirmed', 'confirmation_lapsed', 'withdrawn', 'duplicate', 'not_a_matter', 'court_decided']),
    /** The complainant's satisfaction, 1 (very unsatisfied) to 5 (very satisfied), when they gave one. */
    rating: z.optional(z.int().check(z.minimum(1), z.maximum(5))),
  }),
);

const mediatorKind = z.enum(['community', 'centre']);

export const MediationOpened = defineEvent('gongzhi.disputes', 'MediationOpened', 1, z.strictObject({ ...complaintRef, mediatorKind, parties: z.int().check(z.minimum(2), z.maximum(20)) }));

export const MediationSessionRecorded = defineEvent(
  'gongzhi.disputes',
  'MediationSessionRecorded',
  1,
  z.strictObject({ ...complaintRef, sessionNo: z.int().check(z.positive()), status: z.enum(['scheduled', 'held', 'cancelled']), at: isoTime }),
);

export const MediationAgreementDrafted = defineEvent('gongzhi.disputes', 'MediationAgreementDrafted', 1, z.strictObject({ ...complaintRef, termsHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)) }));

export const MediationAgreementConfirmed = defineEvent(
  'gongzhi.disputes',
  'MediationAgreementConfirmed',
  1,
  z.strictObject({ ...complaintRef, partyId: id, inPerson: z.boolean(), remaining: z.int().check(z.nonnegative()) }),
);

/** Every party confirmed the mediation agreement (调解协议): the case is mediated. */
export const MediationAgreementSigned = defineEvent(
  'gongzhi.disputes',
  'MediationAgreementSigned',
  1,
  z.strictObject({ ...complaintRef, mediatorKind, termsHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)), signedAt: isoTime }),
);

export const MediationFailed = defineEvent('gongzhi.disputes', 'MediationFailed', 1, z.strictObject({ ...complaintRef, mediatorKind, reason: z.string().check(z.minLength(1), z.maxLength(1000)) }));

/** Litigation referral (诉调对接): the case goes to the court. */
export const CaseReferredToCourt = defineEvent(
  'gongzhi.disputes',
  'CaseReferredToCourt',
  1,
  z.strictObject({ ...complaintRef, court: z.string().check(z.minLength(1), z.maxLength(200)), afterMediation: z.boolean() }),
);

export const CourtOutcomeRecorded = defineEvent(
  'gongzhi.disputes',
  'CourtOutcomeRecorded',
  1,
  z.strictObject({ ...complaintRef, outcome: z.enum(['judgment', 'court_mediation', 'withdrawn', 'dismissed']), caseNumber: z.string().check(z.minLength(1), z.maxLength(100)), decidedAt: isoTime }),
);

/** The parties applied to a court to confirm their mediation agreement (司法确认). */
export const JudicialConfirmationApplied = defineEvent(
  'gongzhi.disputes',
  'JudicialConfirmationApplied',
  1,
  z.strictObject({ ...complaintRef, court: z.string().check(z.minLength(1), z.maxLength(200)), appliedAt: isoTime }),
);

export const JudicialConfirmationDecided = defineEvent(
  'gongzhi.disputes',
  'JudicialConfirmationDecided',
  1,
  z.strictObject({ ...complaintRef, decision: z.enum(['confirmed', 'rejected']), rulingRef: z.string().check(z.minLength(1), z.maxLength(100)), decidedAt: isoTime }),
);

/** Judges went into a compound (法官进小区) and settled disputes on the spot. */
export const CourtVisitRecorded = defineEvent(
  'gongzhi.disputes',
  'CourtVisitRecorded',
  1,
  z.strictObject({
    compoundId: id,
    visitId: id,
    visitedOn: z.iso.date(),
    court: z.string().check(z.minLength(1), z.maxLength(200)),
    judges: z.int().check(z.positive(), z.maximum(50)),
    casesHandled: z.int().check(z.nonnegative(), z.maximum(10_000)),
    settledOnSite: z.int().check(z.nonnegative(), z.maximum(10_000)),
  }),
);

/** A petition (信访) about a compound, so the city can see whether they fall. */
export const PetitionRecorded = defineEvent(
  'gongzhi.disputes',
  'PetitionRecorded',
  1,
  z.strictObject({
    compoundId: id,
    petitionId: id,
    category: complaintCategory,
    channel: z.enum(['letter', 'visit', 'online', 'hotline']),
    receivedOn: z.iso.date(),
    complaintId: z.optional(id),
  }),
);

/** The bureau issued an Open311 api key to an organisation, for some compounds or areas. */
export const ApiKeyIssued = defineEvent(
  'gongzhi.disputes',
  'ApiKeyIssued',
  1,
  z.strictObject({
    keyId: id,
    organisation: z.string().check(z.minLength(1), z.maxLength(200)),
    compounds: z.array(id).check(z.maxLength(500)),
    areas: z.array(z.strictObject({ districtId: z.optional(id), streetId: z.optional(id) })).check(z.maxLength(100)),
  }),
);

export const ApiKeyRevoked = defineEvent('gongzhi.disputes', 'ApiKeyRevoked', 1, z.strictObject({ keyId: id, reason: z.string().check(z.minLength(1), z.maxLength(500)) }));

/** Where a compound is, for Open311 requests that give a position instead of an address id. */
export const CompoundLocated = defineEvent(
  'gongzhi.disputes',
  'CompoundLocated',
  1,
  z.strictObject({
    compoundId: id,
    lat: z.number().check(z.minimum(-90), z.maximum(90)),
    long: z.number().check(z.minimum(-180), z.maximum(180)),
    radiusMetres: z.int().check(z.positive(), z.maximum(2000)),
  }),
);

/**
 * The working calendar of a year (public holidays and make-up working days) that deadlines are counted
 * in: the whole year's lists replace the earlier ones. `holidays` and `workdays` count them (the event's
 * first form); `holidayDates` and `workdayDates` are the local dates themselves, which other services
 * (elections: the Civil Code's periods, art. 203) keep a copy of. Optional only so that an event
 * published before the lists were added still parses; every event published now carries them.
 */
export const WorkingCalendarSet = defineEvent(
  'gongzhi.disputes',
  'WorkingCalendarSet',
  1,
  z.strictObject({
    year: z.int().check(z.minimum(2000), z.maximum(2100)),
    holidays: z.int().check(z.nonnegative()),
    workdays: z.int().check(z.nonnegative()),
    holidayDates: z.optional(z.array(z.iso.date()).check(z.maxLength(366))),
    workdayDates: z.optional(z.array(z.iso.date()).check(z.maxLength(366))),
  }),
);

/**
 * A complaint the handling office confirmed as a matter for the 8+X enforcement departments (an
 * owner's illegal construction, a fire hazard, a utility cut off): the enforcement service makes it
 * a finding to inspect.
 */
export const ComplaintReferredForEnforcement = defineEvent(
  'gongzhi.disputes',
  'ComplaintReferredForEnforcement',
  1,
  z.strictObject({
    compoundId: id,
    complaintId: id,
    category: z.enum(['illegal_construction', 'fire_safety', 'public_safety', 'water_power_supply', 'property_company_violation', 'other']),
    /** Where in the compound: a unit, a building, or a common part described in words. */
    location: z.strictObject({ buildingId: z.optional(id), unitId: z.optional(id), description: z.optional(z.string().check(z.maxLength(500))) }),
    description: z.string().check(z.minLength(1), z.maxLength(4000)),
    /** The owner complained about, when the complaint names one (for the negative list once confirmed). */
    respondentOwnerId: z.optional(id),
    /** The department the handling office suggests; enforcement may assign another within its remit rules. */
    suggestedDepartment: z.optional(id),
    referredAt: isoTime,
  }),
);
