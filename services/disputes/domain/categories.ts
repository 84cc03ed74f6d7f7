import type { CompoundLocation } from '../../../libs/auth';
import type * as z from '../../../events/zod';
import type { complaintCategory, complaintHandler, ComplaintReferredForEnforcement } from '../../../events/disputes';

/**
 * The one window's categories: who handles each first, how fast (working days), what an Open311
 * client must add (service definition attributes), and what the 8+X departments would call it.
 * Default handlers follow the duties: the property company answers for the service it sells and the
 * common parts it manages (Civil Code arts. 937, 942), the owners' committee for decisions of the
 * owners, the community for disputes between neighbours, the street office for the committee's
 * conduct and for what only enforcement can stop. A property company may not cut off water, power,
 * heating or gas to collect fees (art. 944): that goes to the street office the same day.
 */
export type Category = z.infer<typeof complaintCategory>;
export type Handler = z.infer<typeof complaintHandler>;
export type HandlerKind = Handler['kind'];
export type EnforcementCategory = z.infer<typeof ComplaintReferredForEnforcement.data>['category'];
export type RespondentKind = 'property_company' | 'committee' | 'owner' | 'developer' | 'department' | 'other' | 'none';

export interface Open311Attribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  datatypeDescription?: string;
  values?: readonly { key: string; name: string }[];
}

export interface CategoryRule {
  name: string;
  nameZh: string;
  group: 'property_service' | 'neighbours' | 'governance' | 'safety';
  description: string;
  keywords: string;
  handler: Exclude<HandlerKind, 'district'>;
  /** For `handler: 'department'`: which of the 8+X departments. */
  department?: string;
  acknowledgeDays: number;
  resolveDays: number;
  /** Who the complaint is usually about, when the complainant does not say. */
  respondent: RespondentKind;
  /** Whether the description may be shown to the public (Open311 GET): never when it is about a neighbour. */
  alwaysRestricted: boolean;
  /** What the enforcement service would make of it, for the categories the 8+X departments take. */
  enforcement?: EnforcementCategory;
  suggestedDepartment?: string;
  /** What the city does next (Open311 `service_notice`). */
  notice: string;
  attributes: readonly Open311Attribute[];
}

export const CATEGORY_RULES: Record<Category, CategoryRule> = {
  property_service: {
    name: 'Property service',
    nameZh: '物业服务',
    group: 'property_service',
    description: 'Cleaning, security, green areas, lifts, lighting: the service the property company is paid for.',
    keywords: 'cleaning, security, lift, lighting, green, 物业',
    handler: 'property',
    acknowledgeDays: 1,
    resolveDays: 10,
    respondent: 'property_company',
    alwaysRestricted: false,
    enforcement: 'property_company_violation',
    suggestedDepartment: 'housing-bureau',
    notice: 'The property company answers within 1 working day and resolves within 10; the community follows up if it does not.',
    attributes: [],
  },
  fees: {
    name: 'Fees and charges',
    nameZh: '物业收费',
    group: 'property_service',
    description: 'Property fees, parking fees, utility surcharges, deposits.',
    keywords: 'fee, charge, bill, deposit, 收费',
    handler: 'community',
    acknowledgeDays: 2,
    resolveDays: 20,
    respondent: 'property_company',
    alwaysRestricted: false,
    enforcement: 'property_company_violation',
    suggestedDepartment: 'market-regulation',
    notice: 'The community committee acknowledges within 2 working days and may open a mediation.',
    attributes: [],
  },
  noise: {
    name: 'Noise',
    nameZh: '噪声扰民',
    group: 'neighbours',
    description: 'Noise from a neighbour, a shop or works in the compound.',
    keywords: 'noise, music, barking, works, 噪音',
    handler: 'property',
    acknowledgeDays: 1,
    resolveDays: 7,
    respondent: 'owner',
    alwaysRestricted: true,
    notice: 'The property company talks to the source within 1 working day; the community mediates if it goes on.',
    attributes: [
      {
        code: 'time_of_day',
        datatype: 'singlevaluelist',
        required: false,
        description: 'When is it loudest?',
        values: [
          { key: 'day', name: 'daytime' },
          { key: 'night', name: 'at night (22:00-06:00)' },
          { key: 'all_day', name: 'all day' },
        ],
      },
    ],
  },
  parking: {
    name: 'Parking',
    nameZh: '停车',
    group: 'neighbours',
    description: 'Occupied or blocked spaces, fire lanes blocked by cars, parking allocation.',
    keywords: 'parking, car, space, 车位',
    handler: 'property',
    acknowledgeDays: 1,
    resolveDays: 7,
    respondent: 'other',
    alwaysRestricted: false,
    notice: 'The property company acknowledges within 1 working day.',
    attributes: [],
  },
  leaks_repairs: {
    name: 'Leaks and repairs',
    nameZh: '渗漏维修',
    group: 'property_service',
    description: 'Water coming through a ceiling or wall, broken pipes, repairs of common facilities.',
    keywords: 'leak, water, repair, pipe, 漏水, 维修',
    handler: 'property',
    acknowledgeDays: 1,
    resolveDays: 7,
    respondent: 'property_company',
    alwaysRestricted: false,
    notice: 'The property company inspects within 1 working day; repairs from the maintenance fund follow its rules.',
    attributes: [{ code: 'source_unit', datatype: 'string', required: false, description: 'The unit the water seems to come from, if known (e.g. B03-1202)' }],
  },
  renovation: {
    name: 'Renovation',
    nameZh: '装修',
    group: 'neighbours',
    description: 'Renovation out of hours, debris in common areas, damage to load-bearing walls.',
    keywords: 'renovation, decoration, drilling, debris, 装修',
    handler: 'property',
    acknowledgeDays: 1,
    resolveDays: 7,
    respondent: 'owner',
    alwaysRestricted: true,
    enforcement: 'illegal_construction',
    suggestedDepartment: 'urban-management',
    notice: 'The property company checks the renovation permit within 1 working day.',
    attributes: [],
  },
  pets: {
    name: 'Pets',
    nameZh: '宠物',
    group: 'neighbours',
    description: 'Dogs off the lead, fouling, barking, dangerous animals.',
    keywords: 'dog, cat, pet, 宠物',
    handler: 'community',
    acknowledgeDays: 2,
    resolveDays: 10,
    respondent: 'owner',
    alwaysRestricted: true,
    notice: 'The community committee acknowledges within 2 working days.',
    attributes: [],
  },
  common_parts: {
    name: 'Common parts',
    nameZh: '共有部分',
    group: 'governance',
    description: 'Use of roofs, corridors, green areas, advertising space and the income from them.',
    keywords: 'common parts, roof, corridor, advertising, 公共部位',
    handler: 'committee',
    acknowledgeDays: 2,
    resolveDays: 15,
    respondent: 'other',
    alwaysRestricted: false,
    enforcement: 'illegal_construction',
    suggestedDepartment: 'urban-management',
    notice: 'The owners’ committee answers within 2 working days.',
    attributes: [],
  },
  committee_conduct: {
    name: 'Owners’ committee conduct',
    nameZh: '业委会履职',
    group: 'governance',
    description: 'Decisions, accounts or meetings of the owners’ committee.',
    keywords: 'committee, election, accounts, 业委会',
    handler: 'street',
    acknowledgeDays: 3,
    resolveDays: 30,
    respondent: 'committee',
    alwaysRestricted: false,
    notice: 'The street office, which guides the owners’ committee, answers within 3 working days.',
    attributes: [],
  },
  illegal_construction: {
    name: 'Illegal construction',
    nameZh: '违章搭建',
    group: 'safety',
    description: 'Structures on roofs, terraces, green areas or in basements without a permit.',
    keywords: 'illegal construction, extension, structure, 违建',
    handler: 'street',
    acknowledgeDays: 2,
    resolveDays: 15,
    respondent: 'owner',
    alwaysRestricted: true,
    enforcement: 'illegal_construction',
    suggestedDepartment: 'urban-management',
    notice: 'The street office confirms within 2 working days and refers confirmed cases to urban management.',
    attributes: [
      {
        code: 'structure',
        datatype: 'singlevaluelist',
        required: false,
        description: 'What is being built?',
        values: [
          { key: 'roof_terrace', name: 'on a roof or terrace' },
          { key: 'balcony_enclosure', name: 'a balcony enclosed or extended' },
          { key: 'ground_floor_extension', name: 'an extension into a garden or green area' },
          { key: 'basement_excavation', name: 'digging under a unit' },
          { key: 'other', name: 'something else' },
        ],
      },
    ],
  },
  fire_safety: {
    name: 'Fire safety',
    nameZh: '消防安全',
    group: 'safety',
    description: 'Blocked exits or fire lanes, storage in corridors, e-bikes charged indoors, broken equipment.',
    keywords: 'fire, exit, e-bike, extinguisher, 消防',
    handler: 'department',
    department: 'fire-rescue',
    acknowledgeDays: 1,
    resolveDays: 5,
    respondent: 'other',
    alwaysRestricted: false,
    enforcement: 'fire_safety',
    suggestedDepartment: 'fire-rescue',
    notice: 'Fire rescue acknowledges within 1 working day. In an emergency call 119.',
    attributes: [
      {
        code: 'hazard',
        datatype: 'singlevaluelist',
        required: true,
        description: 'What is the hazard?',
        values: [
          { key: 'blocked_exit', name: 'an exit or fire lane is blocked' },
          { key: 'corridor_storage', name: 'things stored in corridors or stairwells' },
          { key: 'ebike_charging', name: 'e-bikes charged indoors or in corridors' },
          { key: 'broken_equipment', name: 'extinguishers, hydrants or alarms broken' },
          { key: 'other', name: 'something else' },
        ],
      },
    ],
  },
  utilities_cut_off: {
    name: 'Water or power cut off',
    nameZh: '停水停电',
    group: 'safety',
    description: 'Water, power, gas or heating cut off, e.g. by the property company to collect fees (not allowed: Civil Code art. 944).',
    keywords: 'water, power, electricity, gas, cut off, 停水, 停电',
    handler: 'street',
    acknowledgeDays: 1,
    resolveDays: 3,
    respondent: 'property_company',
    alwaysRestricted: false,
    enforcement: 'water_power_supply',
    suggestedDepartment: 'housing-bureau',
    notice: 'The street office acts within 1 working day: cutting utilities to collect fees is not allowed (Civil Code art. 944).',
    attributes: [
      {
        code: 'utility',
        datatype: 'singlevaluelist',
        required: true,
        description: 'What was cut off?',
        values: [
          { key: 'water', name: 'water' },
          { key: 'power', name: 'electricity' },
          { key: 'gas', name: 'gas' },
          { key: 'heating', name: 'heating' },
        ],
      },
      { code: 'since', datatype: 'datetime', required: false, description: 'Since when?' },
    ],
  },
  other: {
    name: 'Other',
    nameZh: '其他',
    group: 'neighbours',
    description: 'Anything else about life in the compound.',
    keywords: 'other, 其他',
    handler: 'community',
    acknowledgeDays: 2,
    resolveDays: 15,
    respondent: 'none',
    alwaysRestricted: false,
    notice: 'The community committee acknowledges within 2 working days and routes it.',
    attributes: [],
  },
};

export const CATEGORIES = Object.keys(CATEGORY_RULES) as Category[];

/** The first handler of a category in a compound. */
export function defaultHandler(category: Category, location: CompoundLocation): Handler {
  const rule = CATEGORY_RULES[category];
  switch (rule.handler) {
    case 'property':
    case 'committee':
      return { kind: rule.handler, id: location.compoundId };
    case 'community':
      return { kind: 'community', id: location.communityId };
    case 'street':
      return { kind: 'street', id: location.streetId };
    case 'department':
      return { kind: 'department', id: rule.department! };
  }
}

/** One level up: the compound's parties → community → street → district; a department → the district. The district is the last level. */
export function escalationTarget(handler: Handler, location: CompoundLocation): Handler | undefined {
  switch (handler.kind) {
    case 'property':
    case 'committee':
      return { kind: 'community', id: location.communityId };
    case 'community':
      return { kind: 'street', id: location.streetId };
    case 'street':
    case 'department':
      return { kind: 'district', id: location.districtId };
    case 'district':
      return undefined;
  }
}

/** Whether a handler belongs to this compound's chain (a re-route may not send a case out of its area). */
export function handlerServes(handler: Handler, location: CompoundLocation): boolean {
  switch (handler.kind) {
    case 'property':
    case 'committee':
      return handler.id === location.compoundId;
    case 'community':
      return handler.id === location.communityId;
    case 'street':
      return handler.id === location.streetId;
    case 'district':
      return handler.id === location.districtId;
    case 'department':
      return true;
  }
}

export const handlerKey = (h: Handler): string => `${h.kind}:${h.id}`;

/** How a handler is named to the public (Open311 `agency_responsible`). */
export function handlerLabel(h: Handler, compoundName?: string): string {
  switch (h.kind) {
    case 'property':
      return `Property company of ${compoundName ?? h.id}`;
    case 'committee':
      return `Owners’ committee of ${compoundName ?? h.id}`;
    case 'community':
      return `Community committee ${h.id}`;
    case 'street':
      return `Street office ${h.id}`;
    case 'district':
      return `District housing office ${h.id}`;
    case 'department':
      return `Department ${h.id}`;
  }
}
