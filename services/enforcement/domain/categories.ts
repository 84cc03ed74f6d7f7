import { enforcementCategory, type EnforcementCategory } from '../../../events/enforcement';

export { enforcementCategory, type EnforcementCategory };
export const CATEGORIES = enforcementCategory.options;

export const SEVERITIES = ['general', 'serious', 'major'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The four classes of the `ViolationConfirmed` contract (what the negative list and the city figures group by). */
export type ViolationClass = 'fire_safety' | 'illegal_construction' | 'public_safety' | 'water_power_supply';

export interface CategoryRule {
  name: string;
  /** The class it counts under; none for matters that are not an owner's violation of public rules. */
  violationClass?: ViolationClass;
  /** Calendar days to rectify after the notice, by severity (counted from the day after, Civil Code art. 201). */
  days: Record<Severity, number>;
  /** What the notice and an administrative case cite. */
  legalBasis: string;
  /** Whether the public interest is harmed: then an unheeded case goes on to a procuratorate recommendation. */
  publicInterest: boolean;
  /** `civil` matters (a fee dispute) go from the reminder to the court, not to an administrative case. */
  track: 'administrative' | 'civil';
}

/**
 * The categories and their rules. Days are defaults of this service (cities set their own in
 * practice); the legal bases are the statutes the departments enforce under. See docs/enforcement.md.
 */
export const CATEGORY_RULES: Record<EnforcementCategory, CategoryRule> = {
  fire_lane_blocked: {
    name: 'Fire lanes and escape routes blocked or occupied',
    violationClass: 'fire_safety',
    days: { general: 3, serious: 1, major: 1 },
    legalBasis: 'Fire Protection Law art. 28, 60',
    publicInterest: true,
    track: 'administrative',
  },
  ebike_indoor_charging: {
    name: 'E-bikes parked or charged in halls, stairwells, corridors or escape routes',
    violationClass: 'fire_safety',
    days: { general: 3, serious: 1, major: 1 },
    legalBasis: 'Fire Protection Law art. 28; Fire Safety Management of High-rise Civil Buildings art. 37, 47',
    publicInterest: true,
    track: 'administrative',
  },
  fire_equipment_faulty: {
    name: 'Extinguishers, hydrants, alarms or sprinklers missing or out of order',
    violationClass: 'fire_safety',
    days: { general: 15, serious: 7, major: 3 },
    legalBasis: 'Fire Protection Law art. 16, 60',
    publicInterest: true,
    track: 'administrative',
  },
  illegal_construction_common_part: {
    name: 'Illegal construction on common parts (roofs, green areas, passages)',
    violationClass: 'illegal_construction',
    days: { general: 15, serious: 10, major: 7 },
    legalBasis: 'Urban and Rural Planning Law art. 40, 64, 68; Civil Code art. 286',
    publicInterest: true,
    track: 'administrative',
  },
  unlicensed_structural_renovation: {
    name: 'Renovation altering load-bearing structure without approval',
    violationClass: 'illegal_construction',
    days: { general: 15, serious: 7, major: 3 },
    legalBasis: 'Regulations on the Quality Management of Construction Projects art. 15, 69; Residential Interior Decoration Measures art. 5',
    publicInterest: true,
    track: 'administrative',
  },
  group_rental: {
    name: 'Group rental (rooms partitioned and let below the minimum area)',
    violationClass: 'public_safety',
    days: { general: 30, serious: 15, major: 7 },
    legalBasis: 'Measures on the Leasing of Commodity Housing art. 8, 22',
    publicInterest: false,
    track: 'administrative',
  },
  water_power_cutoff: {
    name: 'Water, power, heating or gas cut off to press for fees',
    violationClass: 'water_power_supply',
    days: { general: 2, serious: 1, major: 1 },
    legalBasis: 'Civil Code art. 944',
    publicInterest: true,
    track: 'administrative',
  },
  property_company_violation: {
    name: 'Property company in breach of its duties (safety, disclosure, handover)',
    days: { general: 30, serious: 15, major: 7 },
    legalBasis: 'Civil Code art. 942, 943; Property Management Regulations',
    publicInterest: false,
    track: 'administrative',
  },
  owner_fee_dispute: {
    name: 'Owner–property company fee dispute for the court',
    days: { general: 30, serious: 30, major: 30 },
    legalBasis: 'Civil Code art. 944',
    publicInterest: false,
    track: 'civil',
  },
  public_safety_hazard: {
    name: 'Public-safety hazard (falling facade, unsafe lift, broken railings, gas)',
    violationClass: 'public_safety',
    days: { general: 15, serious: 7, major: 3 },
    legalBasis: 'Work Safety Law; Special Equipment Safety Law',
    publicInterest: true,
    track: 'administrative',
  },
  public_order: {
    name: 'Public-order matter (threats, damage, disturbance)',
    violationClass: 'public_safety',
    days: { general: 7, serious: 3, major: 1 },
    legalBasis: 'Public Security Administration Punishments Law',
    publicInterest: false,
    track: 'administrative',
  },
};

/** The specific category a referred complaint starts as (the inspecting department may refine it on confirmation). */
export const REFERRAL_CATEGORY: Record<'illegal_construction' | 'fire_safety' | 'public_safety' | 'water_power_supply' | 'property_company_violation' | 'other', EnforcementCategory> = {
  illegal_construction: 'illegal_construction_common_part',
  fire_safety: 'fire_lane_blocked',
  public_safety: 'public_safety_hazard',
  water_power_supply: 'water_power_cutoff',
  property_company_violation: 'property_company_violation',
  other: 'public_order',
};

export const categoriesOfClass = (cls: ViolationClass): EnforcementCategory[] => CATEGORIES.filter((c) => CATEGORY_RULES[c].violationClass === cls);
