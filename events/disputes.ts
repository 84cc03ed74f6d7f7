import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime } from './common';

// Events published by the disputes service.

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
