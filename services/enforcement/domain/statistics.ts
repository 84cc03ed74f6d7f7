import { CATEGORIES, CATEGORY_RULES, type EnforcementCategory, type ViolationClass } from './categories';
import { POLICE } from './departments';
import { quarterOfMonth, yearOfMonth } from './time';

/**
 * The alliance's figures, kept as counters: per compound per month, rolled up by street, district
 * and the city as the events arrive, so a report reads a handful of items, never the findings.
 * Additive measures are kept per month and summed over a quarter or a year; "compounds swept" is
 * a count of distinct compounds, so it is kept per month, per quarter and per year.
 */
export const LEVELS = ['compound', 'street', 'district', 'city'] as const;
export type Level = (typeof LEVELS)[number];

/** Measures counted per category. */
export const CATEGORY_MEASURES = [
  'hazardsFound',
  'hazardsRectified',
  'reminders',
  'casesFiled',
  'recommendations',
  'litigations',
  'demolitions',
  'policeCriminal',
  'policeAdministrative',
  'referralsReceived',
] as const;
export type CategoryMeasure = (typeof CATEGORY_MEASURES)[number];

export type Counters = Record<string, number>;

export const counterName = (measure: string, category?: EnforcementCategory): string => (category ? `${measure}__${category}` : measure);

export interface StatsEvent {
  detailType: string;
  data: Record<string, unknown>;
}

/** What one event adds to the additive counters of its month. */
export function deltasOf(event: StatsEvent): Counters {
  const d = event.data;
  const category = d.category as EnforcementCategory;
  switch (event.detailType) {
    case 'SweepCompleted':
      return { sweepsCompleted: 1 };
    case 'FindingReferred':
      return { [counterName('referralsReceived', category)]: 1 };
    case 'FindingConfirmed':
      return { [counterName('hazardsFound', category)]: 1 };
    case 'FindingRectified':
      return { [counterName('hazardsRectified', category)]: 1, ...(d.abatement === 'demolition' ? { [counterName('demolitions', category)]: 1 } : {}) };
    case 'EnforcementEscalated':
      switch (d.step) {
        case 'reminder':
          return { [counterName('reminders', category)]: 1 };
        case 'administrative_case':
          return { [counterName('casesFiled', category)]: 1, ...(d.department === POLICE ? { [counterName('policeAdministrative', category)]: 1 } : {}) };
        case 'procuratorate_recommendation':
          return { [counterName('recommendations', category)]: 1 };
        case 'litigation':
          return { [counterName('litigations', category)]: 1 };
        case 'police_case':
          return { [counterName('policeCriminal', category)]: 1 };
      }
      return {};
    default:
      return {};
  }
}

/**
 * What a department's inspection makes "swept" in its compound: the compound as a whole and each
 * category it actually checked (not those it marked not applicable).
 */
export function sweptKeysOf(event: StatsEvent): string[] {
  if (event.detailType !== 'InspectionRecorded') return [];
  const checklist = event.data.checklist as { category: EnforcementCategory; result: string }[];
  return ['compoundsSwept', ...checklist.filter((c) => c.result !== 'not_applicable').map((c) => counterName('compoundsSwept', c.category))];
}

export type PeriodKind = 'month' | 'quarter' | 'year';

/** `2026`, `2026-Q2` or `2026-05`: its kind and months. Undefined for anything else. */
export function parsePeriod(period: string): { kind: PeriodKind; months: string[] } | undefined {
  const year = /^(\d{4})$/.exec(period);
  if (year) return { kind: 'year', months: Array.from({ length: 12 }, (_, i) => `${period}-${String(i + 1).padStart(2, '0')}`) };
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) {
    const first = (Number(quarter[2]) - 1) * 3 + 1;
    return { kind: 'quarter', months: [0, 1, 2].map((i) => `${quarter[1]}-${String(first + i).padStart(2, '0')}`) };
  }
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (month) return { kind: 'month', months: [period] };
  return undefined;
}

/** The month, quarter and year a month belongs to: where distinct counts are kept. */
export const periodsOfMonth = (month: string): string[] => [month, quarterOfMonth(month), yearOfMonth(month)];

export interface MeasureFigure {
  total: number;
  byCategory: Partial<Record<EnforcementCategory, number>>;
}

export interface Figures {
  compoundsSwept: number;
  compoundsSweptByCategory: Partial<Record<EnforcementCategory, number>>;
  sweepsCompleted: number;
  hazardsFoundByClass: Partial<Record<ViolationClass, number>>;
  hazardsRectifiedByClass: Partial<Record<ViolationClass, number>>;
  measures: Record<CategoryMeasure, MeasureFigure>;
}

/** The figures of a period from its months' additive counters and the period's distinct counts. */
export function summarize(months: readonly Counters[], distinct: Counters): Figures {
  const sum = (name: string) => months.reduce((n, m) => n + (m[name] ?? 0), 0);
  const measures = Object.fromEntries(
    CATEGORY_MEASURES.map((measure) => {
      const byCategory: Partial<Record<EnforcementCategory, number>> = {};
      for (const c of CATEGORIES) {
        const n = sum(counterName(measure, c));
        if (n) byCategory[c] = n;
      }
      return [measure, { total: Object.values(byCategory).reduce((a, b) => a + (b ?? 0), 0), byCategory }];
    }),
  ) as Record<CategoryMeasure, MeasureFigure>;
  const byClass = (figure: MeasureFigure) => {
    const out: Partial<Record<ViolationClass, number>> = {};
    for (const [category, n] of Object.entries(figure.byCategory) as [EnforcementCategory, number][]) {
      const cls = CATEGORY_RULES[category].violationClass;
      if (cls) out[cls] = (out[cls] ?? 0) + n;
    }
    return out;
  };
  const compoundsSweptByCategory: Partial<Record<EnforcementCategory, number>> = {};
  for (const c of CATEGORIES) if (distinct[counterName('compoundsSwept', c)]) compoundsSweptByCategory[c] = distinct[counterName('compoundsSwept', c)];
  return {
    compoundsSwept: distinct.compoundsSwept ?? 0,
    compoundsSweptByCategory,
    sweepsCompleted: sum('sweepsCompleted'),
    hazardsFoundByClass: byClass(measures.hazardsFound),
    hazardsRectifiedByClass: byClass(measures.hazardsRectified),
    measures,
  };
}

/** CSV rows (measure, category, value): every total, and every non-zero count by category. */
export function figureRows(f: Figures): [string, string, number][] {
  const rows: [string, string, number][] = [['compounds_swept', '', f.compoundsSwept]];
  for (const [c, n] of Object.entries(f.compoundsSweptByCategory)) rows.push(['compounds_swept', c, n ?? 0]);
  rows.push(['sweeps_completed', '', f.sweepsCompleted]);
  const snake = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  for (const measure of CATEGORY_MEASURES) {
    rows.push([snake(measure), '', f.measures[measure].total]);
    for (const [c, n] of Object.entries(f.measures[measure].byCategory)) rows.push([snake(measure), c, n ?? 0]);
  }
  for (const [cls, n] of Object.entries(f.hazardsFoundByClass)) rows.push(['hazards_found_by_class', cls, n ?? 0]);
  for (const [cls, n] of Object.entries(f.hazardsRectifiedByClass)) rows.push(['hazards_rectified_by_class', cls, n ?? 0]);
  return rows;
}
