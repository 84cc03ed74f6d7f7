import type { EnforcementCategory } from './categories';

/**
 * The alliance's departments and their remit: the categories each may find and enforce. The eight
 * are built in with default remits; the bureau may change any remit and add the X departments its
 * city brings in (stored by the service). Three have roles in the escalation ladder by name.
 */
export interface Department {
  departmentId: string;
  name: string;
  categories: EnforcementCategory[];
  builtIn: boolean;
}

export const PROCURATORATE = 'procuratorate';
export const POLICE = 'police';
export const COURT = 'court';

const FIRE: EnforcementCategory[] = ['fire_lane_blocked', 'ebike_indoor_charging', 'fire_equipment_faulty'];

export const BUILT_IN_DEPARTMENTS: readonly Department[] = [
  { departmentId: COURT, name: '法院 People’s court', categories: ['owner_fee_dispute'], builtIn: true },
  {
    departmentId: PROCURATORATE,
    name: '检察院 Procuratorate',
    // Public-interest matters: it finds hazards itself and follows up departments that do not act.
    categories: [...FIRE, 'illegal_construction_common_part', 'unlicensed_structural_renovation', 'water_power_cutoff', 'public_safety_hazard'],
    builtIn: true,
  },
  { departmentId: POLICE, name: '公安 Police', categories: ['group_rental', 'public_order', 'fire_lane_blocked'], builtIn: true },
  { departmentId: 'work-safety', name: '应急管理(安监) Work-safety office', categories: ['public_safety_hazard', 'fire_equipment_faulty'], builtIn: true },
  { departmentId: 'justice-bureau', name: '司法局 Justice bureau', categories: ['owner_fee_dispute', 'property_company_violation'], builtIn: true },
  {
    departmentId: 'housing-bureau',
    name: '住建局 Housing bureau',
    categories: ['unlicensed_structural_renovation', 'group_rental', 'water_power_cutoff', 'property_company_violation'],
    builtIn: true,
  },
  { departmentId: 'urban-management', name: '城管(综合执法) Urban management', categories: ['illegal_construction_common_part', 'fire_lane_blocked'], builtIn: true },
  { departmentId: 'fire-rescue', name: '消防救援 Fire rescue', categories: FIRE, builtIn: true },
];

/**
 * Whose a matter is first: the department a referred complaint goes to when the one the disputes
 * service suggests may not take it (and while the bureau has not moved the category elsewhere).
 */
export const PRIMARY_DEPARTMENT: Record<EnforcementCategory, string> = {
  fire_lane_blocked: 'fire-rescue',
  ebike_indoor_charging: 'fire-rescue',
  fire_equipment_faulty: 'fire-rescue',
  illegal_construction_common_part: 'urban-management',
  unlicensed_structural_renovation: 'housing-bureau',
  group_rental: 'housing-bureau',
  water_power_cutoff: 'housing-bureau',
  property_company_violation: 'housing-bureau',
  owner_fee_dispute: COURT,
  public_safety_hazard: 'work-safety',
  public_order: POLICE,
};

/** Who takes a referred matter: the suggested department if its remit covers it, else the primary one, else the first that does. */
export function referralDepartment<D extends Pick<Department, 'departmentId' | 'categories'>>(category: EnforcementCategory, suggested: string | undefined, departments: readonly D[]): D | undefined {
  const covering = departments.filter((d) => withinRemit(d, category));
  return covering.find((d) => d.departmentId === suggested) ?? covering.find((d) => d.departmentId === PRIMARY_DEPARTMENT[category]) ?? covering[0];
}

export const builtInDepartment = (departmentId: string): Department | undefined => BUILT_IN_DEPARTMENTS.find((d) => d.departmentId === departmentId);

export const withinRemit = (department: Pick<Department, 'categories'>, category: EnforcementCategory): boolean => department.categories.includes(category);

/**
 * Who checks what in a sweep: each category goes to the first of the campaign's departments (in the
 * order given, the lead first) whose remit covers it. Categories nobody covers are returned apart.
 */
export function assignCategories(
  categories: readonly EnforcementCategory[],
  departments: readonly Pick<Department, 'departmentId' | 'categories'>[],
): { assignments: { department: string; categories: EnforcementCategory[] }[]; uncovered: EnforcementCategory[] } {
  const byDepartment = new Map<string, EnforcementCategory[]>();
  const uncovered: EnforcementCategory[] = [];
  for (const category of categories) {
    const owner = departments.find((d) => withinRemit(d, category));
    if (!owner) uncovered.push(category);
    else byDepartment.set(owner.departmentId, [...(byDepartment.get(owner.departmentId) ?? []), category]);
  }
  // Keep the campaign's order of departments; a department with nothing to check is not sent.
  const assignments = departments.filter((d) => byDepartment.has(d.departmentId)).map((d) => ({ department: d.departmentId, categories: byDepartment.get(d.departmentId)! }));
  return { assignments, uncovered };
}
