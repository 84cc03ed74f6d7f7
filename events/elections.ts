import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime, fen } from './common';

// Events published by the elections service.
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

const resolutionFigures = z.strictObject({
  totalArea: z.int().check(z.nonnegative()),
  totalHeadcount: z.int().check(z.nonnegative()),
  participatingArea: z.int().check(z.nonnegative()),
  participatingHeadcount: z.int().check(z.nonnegative()),
  forArea: z.int().check(z.nonnegative()),
  forHeadcount: z.int().check(z.nonnegative()),
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
});

export const ResolutionPassed = defineEvent('gongzhi.elections', 'ResolutionPassed', 1, resolutionData);
export const ResolutionFailed = defineEvent(
  'gongzhi.elections',
  'ResolutionFailed',
  1,
  z.extend(resolutionData, { reason: z.enum(['no_quorum', 'not_enough_votes']) }),
);

export const CommitteeElected = defineEvent(
  'gongzhi.elections',
  'CommitteeElected',
  1,
  z.strictObject({
    compoundId: id,
    electionId: id,
    members: z.array(z.strictObject({ personId: id, role: z.enum(['chair', 'vice_chair', 'member']) })).check(z.minLength(3), z.maxLength(11)),
    alternates: z.array(id),
    termStart: isoTime,
    termEnd: isoTime,
  }),
);

export const CandidateDisqualified = defineEvent(
  'gongzhi.elections',
  'CandidateDisqualified',
  1,
  z.strictObject({
    compoundId: id,
    personId: id,
    reason: z.enum(['fee_arrears', 'fund_arrears', 'unrectified_violation', 'property_company_relation', 'benefits_taken']),
    sourceRef: z.string().check(z.minLength(1)),
  }),
);

export const CommitteeTermExpiring = defineEvent(
  'gongzhi.elections',
  'CommitteeTermExpiring',
  1,
  z.strictObject({ compoundId: id, committeeId: id, termEnd: isoTime, kind: z.enum(['committee', 'temporary_committee']) }),
);

