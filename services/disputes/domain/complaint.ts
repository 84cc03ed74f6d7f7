import type { CompoundLocation } from '../../../libs/auth';
import type { EventDefinition } from '../../../events/envelope';
import type * as z from '../../../events/zod';
import type { WorkingCalendar } from './calendar';
import type { Category, EnforcementCategory, Handler, RespondentKind } from './categories';
import type { Mediation } from './mediation';

/**
 * A complaint (a case) as people know it from FixMyStreet: received → acknowledged → in progress →
 * resolved / referred / closed, with a mediation in between when the parties need one. The whole case
 * is one item, written whole and conditionally on its version: a mediation, its sessions and each
 * party's signature change the case atomically.
 */
export type Status = 'received' | 'acknowledged' | 'in_progress' | 'in_mediation' | 'resolved' | 'referred' | 'closed';
export const STATUSES: readonly Status[] = ['received', 'acknowledged', 'in_progress', 'in_mediation', 'resolved', 'referred', 'closed'];
/** Being worked on: the deadlines run (except in mediation, which has its own pace). */
export const OPEN_STATUSES: readonly Status[] = ['received', 'acknowledged', 'in_progress', 'in_mediation'];
export type Channel = 'app' | 'open311' | 'grid' | 'counter';

/** Who complained. Only those handling the case see it (domain/access.ts); events never carry it. */
export interface Complainant {
  /** The token subject of whoever filed (app), so that they, and only they, confirm or reopen. */
  subject?: string;
  ownerId?: string;
  name?: string;
  phone?: string;
  email?: string;
  /** Open311: the reporter's account and device at the filing organisation. */
  accountId?: string;
  deviceId?: string;
  /** Open311: the organisation the api key was issued to. */
  organisation?: string;
  /** A grid member (or official) who filed on the complainant's behalf. */
  filedOnBehalfBy?: string;
}

export interface Respondent {
  kind: RespondentKind;
  name?: string;
  /** The unit of the owner complained about (their id is looked up only when the case goes to enforcement). */
  unitId?: string;
  departmentId?: string;
}

export interface CaseLocation {
  buildingId?: string;
  unitId?: string;
  lat?: number;
  long?: number;
  address?: string;
}

export interface HistoryEntry {
  at: string;
  status: Status;
  note: string;
  by: string;
}

export interface Attachment {
  attachmentId: string;
  source: 'upload' | 'link';
  filename?: string;
  contentType: string;
  /** Object key in the service's bucket (uploads). */
  key?: string;
  /** An external URL (Open311 `media_url`). */
  url?: string;
  addedBy: string;
  addedAt: string;
}

export interface Complaint {
  complaintId: string;
  compoundId: string;
  category: Category;
  channel: Channel;
  description: string;
  location: CaseLocation;
  /** Open311 service-definition attributes (attribute[code]=value). */
  attributes: Record<string, string | string[]>;
  respondent: Respondent;
  complainant: Complainant;
  anonymous: boolean;
  /** `public`: Open311 readers see the description; `restricted`: only the category, status and compound. */
  visibility: 'public' | 'restricted';
  handler: Handler;
  escalationLevel: number;
  status: Status;
  requestedAt: string;
  updatedAt: string;
  acknowledgeBy: string;
  resolveBy: string;
  /** When the schedule next looks at the case (a deadline, or the end of the confirmation period). */
  escalateAt?: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  confirmBy?: string;
  closedAt?: string;
  resolution?: { kind: 'handled' | 'mediated' | 'settled_on_site'; note: string; by: string; at: string; courtVisitId?: string };
  closure?: { reason: 'confirmed' | 'confirmation_lapsed' | 'withdrawn' | 'duplicate' | 'not_a_matter' | 'court_decided'; note?: string; by: string; at: string };
  rating?: { score: number; comment?: string };
  referral?: {
    kind: 'court' | 'enforcement';
    at: string;
    by: string;
    court?: string;
    enforcementCategory?: EnforcementCategory;
    suggestedDepartment?: string;
    outcome?: { outcome: 'judgment' | 'court_mediation' | 'withdrawn' | 'dismissed'; caseNumber: string; decidedAt: string };
  };
  judicialConfirmation?: { court: string; appliedAt: string; appliedBy: string; decision?: 'confirmed' | 'rejected'; rulingRef?: string; decidedAt?: string };
  mediation?: Mediation;
  history: HistoryEntry[];
  attachments: Attachment[];
  /** Given to the complainant to follow the case (Open311 GET tokens/{token}). */
  trackingToken: string;
  version: number;
}

export interface EventSpec {
  event: EventDefinition<z.ZodMiniType>;
  data: unknown;
}

export interface Change {
  complaint: Complaint;
  events: EventSpec[];
}

/** What every step needs besides the case: who acts, when, the calendar deadlines are counted in, where the compound is. */
export interface StepContext {
  actor: string;
  now: string;
  calendar: WorkingCalendar;
  location: CompoundLocation;
}

export const isOpen = (c: Pick<Complaint, 'status'>): boolean => OPEN_STATUSES.includes(c.status);

/** Open311 knows two states: a case is `open` while it is being worked on and `closed` once resolved, referred or closed. */
export const open311Status = (status: Status): 'open' | 'closed' => (OPEN_STATUSES.includes(status) ? 'open' : 'closed');
