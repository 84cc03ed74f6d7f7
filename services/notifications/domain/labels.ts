import type { Language } from './format';

/** Names of the domain's codes in notices, in Chinese and English. */
type Labels<K extends string> = Record<K, Record<Language, string>>;

export const MATTERS: Labels<
  'rules_of_procedure' | 'management_covenant' | 'committee_election' | 'property_company' | 'maintenance_fund_use' | 'maintenance_fund_raise' | 'rebuilding' | 'common_parts_use' | 'other_major'
> = {
  rules_of_procedure: { zh: '制定和修改业主大会议事规则', en: 'the rules of procedure' },
  management_covenant: { zh: '制定和修改管理规约', en: 'the management covenant' },
  committee_election: { zh: '选举业主委员会', en: 'the election of the owners’ committee' },
  property_company: { zh: '选聘和解聘物业服务企业', en: 'hiring or dismissing the property company' },
  maintenance_fund_use: { zh: '使用维修资金', en: 'using the maintenance fund' },
  maintenance_fund_raise: { zh: '筹集维修资金', en: 'raising the maintenance fund' },
  rebuilding: { zh: '改建、重建建筑物及其附属设施', en: 'rebuilding' },
  common_parts_use: { zh: '改变共有部分用途或利用共有部分从事经营活动', en: 'a change of use of the common parts' },
  other_major: { zh: '有关共有和共同管理权利的其他重大事项', en: 'another major matter' },
};

export const FAILURE_REASONS: Labels<'no_quorum' | 'not_enough_votes' | 'too_few_elected'> = {
  no_quorum: { zh: '参与表决的专有部分面积或人数未达到三分之二', en: 'fewer than two thirds (by area or by headcount) took part' },
  not_enough_votes: { zh: '同意的面积或人数未达到法定比例', en: 'the votes for fell short of the legal share' },
  too_few_elected: { zh: '当选人数不足以组成业主委员会', en: 'too few were elected to form a committee' },
};

export const REVIEW_STEPS: Labels<'community_reviewer' | 'branch_and_residents_committee' | 'street_office'> = {
  community_reviewer: { zh: '社区审核人', en: 'the community reviewer' },
  branch_and_residents_committee: { zh: '社区党组织和居民委员会', en: 'the party branch and residents’ committee' },
  street_office: { zh: '街道办事处', en: 'the street office' },
};

export const FUNDS: Labels<'maintenance' | 'small_maintenance' | 'public_revenue' | 'neighbours'> = {
  maintenance: { zh: '专项维修资金', en: 'the maintenance fund' },
  small_maintenance: { zh: '小区公共维修金', en: 'the small maintenance fund' },
  public_revenue: { zh: '公共收益', en: 'the public revenue' },
  neighbours: { zh: '邻里基金', en: 'the neighbours’ fund' },
};

export const ARREARS: Labels<'property_fee' | 'maintenance_fund' | 'small_maintenance_levy'> = {
  property_fee: { zh: '物业费', en: 'property fees' },
  maintenance_fund: { zh: '专项维修资金', en: 'maintenance fund contributions' },
  small_maintenance_levy: { zh: '小区公共维修金', en: 'the small maintenance levy' },
};

export const DISQUALIFICATIONS: Labels<'fee_arrears' | 'fund_arrears' | 'unrectified_violation' | 'property_company_relation' | 'benefits_taken'> = {
  fee_arrears: { zh: '欠缴物业费', en: 'unpaid property fees' },
  fund_arrears: { zh: '欠缴维修资金', en: 'unpaid maintenance fund contributions' },
  unrectified_violation: { zh: '违法违规行为未整改', en: 'a violation not rectified' },
  property_company_relation: { zh: '与物业服务企业存在利害关系', en: 'a tie to the property company' },
  benefits_taken: { zh: '索取或收受不正当利益', en: 'benefits taken' },
};

export const COMPLAINT_CATEGORIES: Labels<
  | 'property_service'
  | 'fees'
  | 'noise'
  | 'parking'
  | 'leaks_repairs'
  | 'renovation'
  | 'pets'
  | 'common_parts'
  | 'committee_conduct'
  | 'illegal_construction'
  | 'fire_safety'
  | 'utilities_cut_off'
  | 'other'
> = {
  property_service: { zh: '物业服务', en: 'property services' },
  fees: { zh: '收费', en: 'fees' },
  noise: { zh: '噪声', en: 'noise' },
  parking: { zh: '停车', en: 'parking' },
  leaks_repairs: { zh: '漏水维修', en: 'leaks and repairs' },
  renovation: { zh: '装修', en: 'renovation' },
  pets: { zh: '宠物', en: 'pets' },
  common_parts: { zh: '共有部分', en: 'common parts' },
  committee_conduct: { zh: '业委会履职', en: 'the committee’s conduct' },
  illegal_construction: { zh: '违法建设', en: 'illegal construction' },
  fire_safety: { zh: '消防安全', en: 'fire safety' },
  utilities_cut_off: { zh: '停水停电', en: 'water or power cut off' },
  other: { zh: '其他', en: 'other' },
};

export const VIOLATIONS: Labels<'fire_safety' | 'illegal_construction' | 'public_safety' | 'water_power_supply'> = {
  fire_safety: { zh: '消防安全隐患', en: 'a fire-safety hazard' },
  illegal_construction: { zh: '违法建设', en: 'illegal construction' },
  public_safety: { zh: '公共安全隐患', en: 'a public-safety hazard' },
  water_power_supply: { zh: '违规停水停电', en: 'an unlawful water or power cut' },
};

/** The enforcement service's categories (events/enforcement.ts), as a notice names them. */
export const ENFORCEMENT_CATEGORIES: Labels<
  | 'fire_lane_blocked'
  | 'ebike_indoor_charging'
  | 'fire_equipment_faulty'
  | 'illegal_construction_common_part'
  | 'unlicensed_structural_renovation'
  | 'group_rental'
  | 'water_power_cutoff'
  | 'property_company_violation'
  | 'owner_fee_dispute'
  | 'public_safety_hazard'
  | 'public_order'
> = {
  fire_lane_blocked: { zh: '占用、堵塞消防车通道或疏散通道', en: 'a blocked fire lane or escape route' },
  ebike_indoor_charging: { zh: '电动自行车违规停放、充电', en: 'e-bikes parked or charged indoors' },
  fire_equipment_faulty: { zh: '消防设施缺失或损坏', en: 'missing or faulty fire equipment' },
  illegal_construction_common_part: { zh: '占用共有部分违法建设', en: 'illegal construction on common parts' },
  unlicensed_structural_renovation: { zh: '擅自改动建筑主体和承重结构', en: 'unlicensed structural renovation' },
  group_rental: { zh: '违规群租', en: 'an illegal group rental' },
  water_power_cutoff: { zh: '违规停水停电', en: 'an unlawful water or power cut' },
  property_company_violation: { zh: '物业服务企业违规', en: 'a breach by the property company' },
  owner_fee_dispute: { zh: '物业费纠纷', en: 'a property-fee dispute' },
  public_safety_hazard: { zh: '公共安全隐患', en: 'a public-safety hazard' },
  public_order: { zh: '扰乱公共秩序', en: 'a breach of public order' },
};

export const SEVERITIES: Labels<'general' | 'serious' | 'major'> = {
  general: { zh: '一般', en: 'general' },
  serious: { zh: '较大', en: 'serious' },
  major: { zh: '重大', en: 'major' },
};

export const ESCALATION_STEPS: Labels<'police_case' | 'reminder' | 'administrative_case' | 'procuratorate_recommendation' | 'litigation'> = {
  reminder: { zh: '催告', en: 'a formal reminder' },
  administrative_case: { zh: '行政立案', en: 'an administrative case' },
  procuratorate_recommendation: { zh: '检察建议', en: 'a procuratorate recommendation' },
  litigation: { zh: '提起诉讼', en: 'litigation' },
  police_case: { zh: '公安立案', en: 'a police case' },
};

export const COMPLAINT_HANDLERS: Labels<'property' | 'committee' | 'community' | 'street' | 'district' | 'department'> = {
  property: { zh: '物业服务企业', en: 'the property company' },
  committee: { zh: '业主委员会', en: 'the owners’ committee' },
  community: { zh: '社区居委会', en: 'the community' },
  street: { zh: '街道办事处', en: 'the street office' },
  district: { zh: '区级部门', en: 'the district' },
  department: { zh: '职能部门', en: 'the department' },
};

/** Why a complaint was closed, as its complainant is told (never naming another case or person). */
export const COMPLAINT_CLOSE_REASONS: Labels<'confirmed' | 'confirmation_lapsed' | 'withdrawn' | 'duplicate' | 'not_a_matter' | 'court_decided'> = {
  confirmed: { zh: '您已确认办理结果', en: 'you confirmed the result' },
  confirmation_lapsed: { zh: '办理结果未在期限内确认或要求重新办理，视为确认', en: 'the result was neither confirmed nor reopened in time, so it stands' },
  withdrawn: { zh: '您已撤回投诉', en: 'you withdrew it' },
  duplicate: { zh: '与已在办理的投诉重复，将在该投诉中一并办理', en: 'it repeats a complaint already being handled, which carries on' },
  not_a_matter: { zh: '不属于投诉受理范围', en: 'it is not a matter complaints can handle' },
  court_decided: { zh: '法院已作出裁判', en: 'the court decided the matter' },
};

export const COMMITTEE_KINDS: Labels<'committee' | 'temporary_committee'> = {
  committee: { zh: '业主委员会', en: 'owners’ committee' },
  temporary_committee: { zh: '临时物业管理委员会', en: 'temporary property management committee' },
};

/** A label, or the code itself when a service adds a code this table does not know yet. */
export function label<K extends string>(labels: Labels<K>, code: string, language: Language): string {
  return (labels as Record<string, Record<Language, string>>)[code]?.[language] ?? code;
}
