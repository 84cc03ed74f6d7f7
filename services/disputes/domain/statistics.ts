import { invalid } from '../../../libs/errors';
import { localMonth } from './calendar';

/**
 * The figures the city reports (Quanzhou: 811 cases accepted, 206 mediated successfully, 516 court
 * visits settling 233 disputes on the spot, petitions −34%), kept as counters per compound and local
 * month, and added up the same way for the street, the district and the city as events arrive: a
 * report reads a few dozen counter items, never the cases.
 */
export type Counters = Record<string, number>;

export const COUNTERS = [
  'accepted',
  'acknowledged',
  'acknowledgedOnTime',
  'acknowledgeMinutes',
  'resolved',
  'resolvedOnTime',
  'resolveMinutes',
  'resolvedHandled',
  'resolvedMediated',
  'resolvedOnSite',
  'escalated',
  'reopened',
  'closed',
  'ratingSum',
  'ratings',
  'mediationsOpened',
  'mediatedSuccessfully',
  'mediationsFailed',
  'referredToCourt',
  'referredForEnforcement',
  'judicialConfirmationsApplied',
  'judicialConfirmationsConfirmed',
  'judicialConfirmationsRejected',
  'courtVisits',
  'settledOnSite',
  'petitions',
] as const;

export interface CountedEvent {
  detailType: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What one event adds, and to which local month. Undefined: the event is not counted. */
export function countersFor(event: CountedEvent): { month: string; add: Counters } | undefined {
  const d = event.data;
  const month = localMonth(event.occurredAt);
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  switch (event.detailType) {
    case 'ComplaintReceived':
      return { month, add: { accepted: 1, [`accepted_${String(d.category)}`]: 1 } };
    case 'ComplaintAcknowledged':
      return { month, add: { acknowledged: 1, acknowledgedOnTime: d.onTime ? 1 : 0, acknowledgeMinutes: n(d.minutesToAcknowledge) } };
    case 'ComplaintResolved': {
      const kind = d.resolution === 'mediated' ? 'resolvedMediated' : d.resolution === 'settled_on_site' ? 'resolvedOnSite' : 'resolvedHandled';
      return { month, add: { resolved: 1, resolvedOnTime: d.onTime ? 1 : 0, resolveMinutes: n(d.minutesToResolve), [kind]: 1 } };
    }
    case 'ComplaintEscalated':
      return { month, add: { escalated: 1 } };
    case 'ComplaintReopened':
      return { month, add: { reopened: 1 } };
    case 'ComplaintClosed':
      return { month, add: { closed: 1, ...(typeof d.rating === 'number' ? { ratingSum: d.rating, ratings: 1 } : {}) } };
    case 'MediationOpened':
      return { month, add: { mediationsOpened: 1 } };
    case 'MediationAgreementSigned':
      return { month, add: { mediatedSuccessfully: 1 } };
    case 'MediationFailed':
      return { month, add: { mediationsFailed: 1 } };
    case 'CaseReferredToCourt':
      return { month, add: { referredToCourt: 1 } };
    case 'ComplaintReferredForEnforcement':
      return { month, add: { referredForEnforcement: 1 } };
    case 'JudicialConfirmationApplied':
      return { month, add: { judicialConfirmationsApplied: 1 } };
    case 'JudicialConfirmationDecided':
      return { month, add: { [d.decision === 'confirmed' ? 'judicialConfirmationsConfirmed' : 'judicialConfirmationsRejected']: 1 } };
    // Court visits and petitions count in the month they happened, however late they are recorded.
    case 'CourtVisitRecorded':
      return { month: String(d.visitedOn).slice(0, 7), add: { courtVisits: 1, settledOnSite: n(d.settledOnSite) } };
    case 'PetitionRecorded':
      return { month: String(d.receivedOn).slice(0, 7), add: { petitions: 1, [`petitions_${String(d.category)}`]: 1 } };
    default:
      return undefined;
  }
}

export function sum(rows: readonly Counters[]): Counters {
  const out: Counters = {};
  for (const row of rows) for (const [k, v] of Object.entries(row)) out[k] = (out[k] ?? 0) + v;
  return out;
}

// ---- periods -------------------------------------------------------------------------------------

export interface Period {
  label: string;
  months: string[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const shift = (month: string, by: number): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};

const range = (from: string, count: number): string[] => Array.from({ length: count }, (_, i) => shift(from, i));

/** A year (2026), a quarter (2026-Q2) or a month (2026-05), as local months. */
export function parsePeriod(text: string): Period {
  let m = /^(\d{4})$/.exec(text);
  if (m) return { label: text, months: range(`${m[1]}-01`, 12) };
  m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) return { label: text, months: range(`${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}`, 3) };
  if (MONTH.test(text)) return { label: text, months: [text] };
  throw invalid(`period ${text} is not a year (2026), a quarter (2026-Q2) or a month (2026-05)`, [{ field: 'query.period', reason: 'not a period' }]);
}

/** The period of the same length just before (a year before a year, the previous quarter…). */
export function previousPeriod(period: Period): Period {
  const months = period.months.map((m) => shift(m, -period.months.length));
  const label = /^\d{4}$/.test(period.label) ? String(Number(period.label) - 1) : /-Q/.test(period.label) ? quarterLabel(months[0]!) : months[0]!;
  return { label, months };
}

const quarterLabel = (firstMonth: string) => `${firstMonth.slice(0, 4)}-Q${Math.floor((Number(firstMonth.slice(5, 7)) - 1) / 3) + 1}`;

// ---- the figures -----------------------------------------------------------------------------------

/** Change from `before` to `now` in percent with two decimals, computed in integers; undefined when there was nothing before. */
export function percentChange(now: number, before: number): string | undefined {
  if (before === 0) return undefined;
  const basisPoints = Math.round(((now - before) * 10_000) / before);
  const sign = basisPoints < 0 ? '-' : '';
  const abs = Math.abs(basisPoints);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Average in whole minutes, or undefined when nothing was counted. */
const average = (total: number, count: number): number | undefined => (count > 0 ? Math.round(total / count) : undefined);

export interface Figures {
  accepted: number;
  acceptedByCategory: Record<string, number>;
  acknowledged: number;
  acknowledgedOnTime: number;
  averageMinutesToAcknowledge?: number;
  resolved: number;
  resolvedOnTime: number;
  averageMinutesToResolve?: number;
  resolvedBy: { handled: number; mediated: number; settledOnSite: number };
  escalated: number;
  reopened: number;
  closed: number;
  averageRating?: number;
  mediationsOpened: number;
  mediatedSuccessfully: number;
  mediationsFailed: number;
  referred: number;
  referredToCourt: number;
  referredForEnforcement: number;
  judicialConfirmations: { applied: number; confirmed: number; rejected: number };
  courtVisits: number;
  settledOnSite: number;
  petitions: number;
  petitionsByCategory: Record<string, number>;
}

export function figures(c: Counters): Figures {
  const v = (k: string) => c[k] ?? 0;
  const byPrefix = (prefix: string) =>
    Object.fromEntries(
      Object.entries(c)
        .filter(([k, n]) => k.startsWith(prefix) && n !== 0)
        .map(([k, n]): [string, number] => [k.slice(prefix.length), n])
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return {
    accepted: v('accepted'),
    acceptedByCategory: byPrefix('accepted_'),
    acknowledged: v('acknowledged'),
    acknowledgedOnTime: v('acknowledgedOnTime'),
    averageMinutesToAcknowledge: average(v('acknowledgeMinutes'), v('acknowledged')),
    resolved: v('resolved'),
    resolvedOnTime: v('resolvedOnTime'),
    averageMinutesToResolve: average(v('resolveMinutes'), v('resolved')),
    resolvedBy: { handled: v('resolvedHandled'), mediated: v('resolvedMediated'), settledOnSite: v('resolvedOnSite') },
    escalated: v('escalated'),
    reopened: v('reopened'),
    closed: v('closed'),
    averageRating: v('ratings') > 0 ? Math.round((v('ratingSum') * 100) / v('ratings')) / 100 : undefined,
    mediationsOpened: v('mediationsOpened'),
    mediatedSuccessfully: v('mediatedSuccessfully'),
    mediationsFailed: v('mediationsFailed'),
    referred: v('referredToCourt') + v('referredForEnforcement'),
    referredToCourt: v('referredToCourt'),
    referredForEnforcement: v('referredForEnforcement'),
    judicialConfirmations: { applied: v('judicialConfirmationsApplied'), confirmed: v('judicialConfirmationsConfirmed'), rejected: v('judicialConfirmationsRejected') },
    courtVisits: v('courtVisits'),
    settledOnSite: v('settledOnSite'),
    petitions: v('petitions'),
    petitionsByCategory: byPrefix('petitions_'),
  };
}

/** The CSV columns of a report: one row per area (the area itself first, then its parts). */
export const CSV_COLUMNS = [
  'level',
  'id',
  'period',
  'accepted',
  'mediated_successfully',
  'mediations_opened',
  'mediations_failed',
  'referred_to_court',
  'referred_for_enforcement',
  'court_visits',
  'settled_on_site',
  'resolved',
  'resolved_on_time',
  'avg_minutes_to_acknowledge',
  'avg_minutes_to_resolve',
  'escalated',
  'reopened',
  'average_rating',
  'petitions',
  'petitions_previous',
  'petitions_change_percent',
] as const;

export function csvRow(level: string, id: string, period: string, f: Figures, petitionsPrevious?: number): (string | number | undefined)[] {
  return [
    level,
    id,
    period,
    f.accepted,
    f.mediatedSuccessfully,
    f.mediationsOpened,
    f.mediationsFailed,
    f.referredToCourt,
    f.referredForEnforcement,
    f.courtVisits,
    f.settledOnSite,
    f.resolved,
    f.resolvedOnTime,
    f.averageMinutesToAcknowledge,
    f.averageMinutesToResolve,
    f.escalated,
    f.reopened,
    f.averageRating,
    f.petitions,
    petitionsPrevious,
    petitionsPrevious === undefined ? undefined : percentChange(f.petitions, petitionsPrevious),
  ];
}
