import type {
  ComplaintAcknowledged,
  ComplaintClosed,
  ComplaintEscalated,
  ComplaintReceived,
  ComplaintReopened,
  ComplaintResolved,
  ComplaintRouted,
  EnforcementEscalated,
  FindingConfirmed,
  FindingRectified,
  FindingReferred,
  MediationOpened,
  ReinspectionFailed,
} from '../../../events/catalogue';
import type * as z from '../../../events/zod';
import { localTime, type Language } from './format';
import { COMPLAINT_CATEGORIES, COMPLAINT_CLOSE_REASONS, COMPLAINT_HANDLERS, ENFORCEMENT_CATEGORIES, ESCALATION_STEPS, label, SEVERITIES } from './labels';
import type { Text } from './notice';
import type { RuleContext } from './rules';

/**
 * What the notices about cases say — complaints (disputes) and findings (enforcement) — in Chinese
 * and English, with the deadlines in the compound's local time. rules.ts says who gets each.
 */
type Data<E extends { data: z.ZodMiniType }> = z.infer<E['data']>;
type Say<D> = (data: D, context: RuleContext, language: Language) => Text;

const zh = (language: Language) => language === 'zh';
const at = (iso: string, c: RuleContext, l: Language) => localTime(iso, l, c.zone);
const name = (c: RuleContext) => c.compound.name;

// ---- complaints --------------------------------------------------------------------------------------

export const complaintToHandler =
  (how: 'received' | 'routed' | 'escalated'): Say<{ complaintId: string; category?: string; resolveBy?: string; missed?: string; dueAt?: string }> =>
  (d, c, l) => {
    const category = d.category ? label(COMPLAINT_CATEGORIES, d.category, l) : undefined;
    if (how === 'escalated')
      return zh(l)
        ? {
            title: `【投诉升级】${name(c)} ${d.complaintId}`,
            body: `投诉 ${d.complaintId} 因${d.missed === 'acknowledge' ? '未按时受理' : '未按时办结'}（期限 ${at(d.dueAt!, c, l)}）升级至您处办理。`,
          }
        : {
            title: `Complaint escalated — ${d.complaintId}, ${name(c)}`,
            body: `Complaint ${d.complaintId} was escalated to you: it was not ${d.missed === 'acknowledge' ? 'acknowledged' : 'resolved'} by ${at(d.dueAt!, c, l)}.`,
          };
    if (how === 'routed')
      return zh(l)
        ? { title: `【转办投诉】${name(c)} ${d.complaintId}`, body: `投诉 ${d.complaintId} 已转至您处办理。` }
        : { title: `Complaint routed to you — ${d.complaintId}, ${name(c)}`, body: `Complaint ${d.complaintId} is now yours to handle.` };
    return zh(l)
      ? { title: `【新投诉】${name(c)}：${category}`, body: `收到投诉 ${d.complaintId}（${category}），请按时受理，${at(d.resolveBy!, c, l)} 前办结。` }
      : { title: `New complaint — ${name(c)}: ${category}`, body: `Complaint ${d.complaintId} (${category}) was received; acknowledge it in time and resolve it by ${at(d.resolveBy!, c, l)}.` };
  };

/** To the handler that missed the deadline: the case has left them. */
export const complaintTakenUp: Say<Data<typeof ComplaintEscalated>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【投诉已上交】${name(c)} ${d.complaintId}`,
        body: `投诉 ${d.complaintId} 未在 ${at(d.dueAt, c, l)} 前${d.missed === 'acknowledge' ? '受理' : '办结'}，已升级至${label(COMPLAINT_HANDLERS, d.to.kind, l)}（${d.to.id}）办理。`,
      }
    : {
        title: `Complaint taken up — ${d.complaintId}, ${name(c)}`,
        body: `Complaint ${d.complaintId} was not ${d.missed === 'acknowledge' ? 'acknowledged' : 'resolved'} by ${at(d.dueAt, c, l)}; ${label(COMPLAINT_HANDLERS, d.to.kind, l)} (${d.to.id}) handles it now.`,
      };

export const complaintRegistered: Say<Data<typeof ComplaintReceived>> = (d, c, l) =>
  zh(l)
    ? { title: `【投诉已收到】${d.complaintId}`, body: `您的投诉（${label(COMPLAINT_CATEGORIES, d.category, l)}）已登记，将于 ${at(d.resolveBy, c, l)} 前办结。` }
    : { title: `Complaint received — ${d.complaintId}`, body: `Your complaint (${label(COMPLAINT_CATEGORIES, d.category, l)}) is registered and is to be resolved by ${at(d.resolveBy, c, l)}.` };

export const complaintAcknowledged: Say<Data<typeof ComplaintAcknowledged>> = (d, _c, l) =>
  zh(l)
    ? { title: `【投诉已受理】${d.complaintId}`, body: `${label(COMPLAINT_HANDLERS, d.handler.kind, l)}已受理您的投诉，正在办理。` }
    : { title: `Complaint acknowledged — ${d.complaintId}`, body: `${label(COMPLAINT_HANDLERS, d.handler.kind, l)} acknowledged your complaint and is handling it.` };

export const complaintEscalatedToComplainant: Say<Data<typeof ComplaintEscalated>> = (d, _c, l) =>
  zh(l)
    ? { title: `【投诉已升级】${d.complaintId}`, body: `您的投诉未按时${d.missed === 'acknowledge' ? '受理' : '办结'}，已升级至${label(COMPLAINT_HANDLERS, d.to.kind, l)}督办。` }
    : {
        title: `Complaint escalated — ${d.complaintId}`,
        body: `Your complaint was not ${d.missed === 'acknowledge' ? 'acknowledged' : 'resolved'} in time; ${label(COMPLAINT_HANDLERS, d.to.kind, l)} now handles it.`,
      };

export const complaintResolved: Say<Data<typeof ComplaintResolved>> = (d, c, l) =>
  zh(l)
    ? { title: `【投诉已办结】${d.complaintId}`, body: `您的投诉（${label(COMPLAINT_CATEGORIES, d.category, l)}）已办结。请在 ${at(d.confirmBy, c, l)} 前确认结果或要求重新办理。` }
    : { title: `Complaint resolved — ${d.complaintId}`, body: `Your complaint (${label(COMPLAINT_CATEGORIES, d.category, l)}) is resolved. Confirm it, or reopen it, by ${at(d.confirmBy, c, l)}.` };

/** To the complainant: who handles it now, by kind only (the routing reason is the officials' note, not theirs to read). */
export const complaintRoutedToComplainant: Say<Data<typeof ComplaintRouted>> = (d, _c, l) =>
  zh(l)
    ? { title: `【投诉已转办】${d.complaintId}`, body: `您的投诉已转至${label(COMPLAINT_HANDLERS, d.to.kind, l)}办理。` }
    : { title: `Complaint passed on — ${d.complaintId}`, body: `Your complaint was passed to ${label(COMPLAINT_HANDLERS, d.to.kind, l)} to handle.` };

export const complaintReopened: Say<Data<typeof ComplaintReopened>> = (d, c, l) =>
  zh(l)
    ? { title: `【投诉重新办理】${d.complaintId}`, body: `您的投诉已重新办理，将于 ${at(d.resolveBy, c, l)} 前办结。` }
    : { title: `Complaint reopened — ${d.complaintId}`, body: `Your complaint is being handled again and is to be resolved by ${at(d.resolveBy, c, l)}.` };

export const complaintClosed: Say<Data<typeof ComplaintClosed>> = (d, _c, l) =>
  zh(l)
    ? { title: `【投诉已结案】${d.complaintId}`, body: `您的投诉已结案：${label(COMPLAINT_CLOSE_REASONS, d.reason, l)}。` }
    : { title: `Complaint closed — ${d.complaintId}`, body: `Your complaint is closed: ${label(COMPLAINT_CLOSE_REASONS, d.reason, l)}.` };

export const mediationOpened: Say<Data<typeof MediationOpened>> = (d, _c, l) =>
  zh(l)
    ? { title: `【调解】投诉 ${d.complaintId}`, body: `您的投诉已进入${d.mediatorKind === 'community' ? '社区' : '调解中心'}调解，调解员将与您联系。` }
    : {
        title: `Mediation — complaint ${d.complaintId}`,
        body: `Your complaint goes to mediation by the ${d.mediatorKind === 'community' ? 'community' : 'mediation centre'}; the mediator will contact you.`,
      };

// ---- enforcement findings ------------------------------------------------------------------------------

const category = (code: string, l: Language) => label(ENFORCEMENT_CATEGORIES, code, l);
const where = (d: { location: { buildingId?: string; unitId?: string; commonPart?: string } }, l: Language) =>
  [d.location.buildingId && (zh(l) ? `${d.location.buildingId} 栋` : `building ${d.location.buildingId}`), d.location.unitId, d.location.commonPart].filter(Boolean).join(zh(l) ? '，' : ', ');

export const findingReferred: Say<Data<typeof FindingReferred>> = (d, c, l) =>
  zh(l)
    ? { title: `【待核查】${name(c)} ${d.findingId}`, body: `投诉 ${d.complaintId} 反映${category(d.category, l)}，已移交您部门核查（编号 ${d.findingId}）。` }
    : { title: `To inspect — ${d.findingId}, ${name(c)}`, body: `Complaint ${d.complaintId} reports ${category(d.category, l)}; it is referred to you for inspection (finding ${d.findingId}).` };

export const findingToResponsible: Say<Data<typeof FindingConfirmed>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【整改通知】${category(d.category, l)}`,
        body: `经 ${d.department} 确认，${where(d, l) || name(c)}存在${label(SEVERITIES, d.severity, l)}${category(d.category, l)}，须于 ${at(d.deadline, c, l)} 前整改完毕（依据：${d.legalBasis}；编号 ${d.findingId}）。逾期将依法催告、立案。`,
      }
    : {
        title: `Rectification notice: ${category(d.category, l)}`,
        body: `${d.department} found ${category(d.category, l)} (${label(SEVERITIES, d.severity, l)}) at ${where(d, l) || name(c)}; rectify it by ${at(d.deadline, c, l)} (${d.legalBasis}; finding ${d.findingId}). After that a formal reminder and a case follow.`,
      };

export const findingToDepartment: Say<Data<typeof FindingConfirmed>> = (d, c, l) =>
  zh(l)
    ? { title: `【整改期限】${name(c)} ${d.findingId}`, body: `${category(d.category, l)}（${d.findingId}，${label(SEVERITIES, d.severity, l)}）整改期限 ${at(d.deadline, c, l)}，到期请复查。` }
    : {
        title: `Deadline set — ${d.findingId}, ${name(c)}`,
        body: `${category(d.category, l)} (${d.findingId}, ${label(SEVERITIES, d.severity, l)}) is to be rectified by ${at(d.deadline, c, l)}; re-inspect then.`,
      };

export const findingToCommittee: Say<Data<typeof FindingConfirmed>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【隐患通报】${name(c)}：${category(d.category, l)}`,
        body: `${d.department} 在${where(d, l) || '小区'}发现${category(d.category, l)}，整改期限 ${at(d.deadline, c, l)}（编号 ${d.findingId}）。`,
      }
    : {
        title: `Hazard found — ${name(c)}: ${category(d.category, l)}`,
        body: `${d.department} found ${category(d.category, l)} at ${where(d, l) || 'the compound'}, to be rectified by ${at(d.deadline, c, l)} (finding ${d.findingId}).`,
      };

export const reinspectionFailed: Say<Data<typeof ReinspectionFailed>> = (d, c, l) =>
  zh(l)
    ? { title: `【复查未通过】${d.findingId}`, body: `${d.department} 复查发现隐患仍未消除（${d.note}），新的整改期限 ${at(d.deadline, c, l)}。` }
    : { title: `Re-inspection failed — ${d.findingId}`, body: `${d.department} found the hazard still there (${d.note}); the new deadline is ${at(d.deadline, c, l)}.` };

export const findingRectified: Say<Data<typeof FindingRectified>> = (d, _c, l) =>
  zh(l)
    ? { title: `【已整改】${d.findingId}`, body: `${category(d.category, l)}（${d.findingId}）已${d.how === 'abatement' ? '由执法部门代为消除' : '复查确认整改完毕'}。` }
    : { title: `Rectified — ${d.findingId}`, body: `${category(d.category, l)} (${d.findingId}) is ${d.how === 'abatement' ? 'abated by the department' : 'confirmed rectified on re-inspection'}.` };

export const enforcementEscalated: Say<Data<typeof EnforcementEscalated>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【执法升级】${name(c)} ${d.findingId}：${label(ESCALATION_STEPS, d.step, l)}`,
        body: `${category(d.category, l)}（${d.findingId}）逾期未整改，${d.department} 已${label(ESCALATION_STEPS, d.step, l)}${d.addressedTo ? `（致 ${d.addressedTo}）` : ''}，文号 ${d.caseRef}，依据 ${d.legalBasis}。${d.nextStep && d.nextStepDueAt ? `如仍未整改，${at(d.nextStepDueAt, c, l)} 起将${label(ESCALATION_STEPS, d.nextStep, l)}。` : ''}`,
      }
    : {
        title: `Enforcement escalated — ${d.findingId}, ${name(c)}: ${label(ESCALATION_STEPS, d.step, l)}`,
        body: `${category(d.category, l)} (${d.findingId}) was not rectified; ${d.department} took ${label(ESCALATION_STEPS, d.step, l)}${d.addressedTo ? ` (to ${d.addressedTo})` : ''}, ref. ${d.caseRef}, under ${d.legalBasis}.${d.nextStep && d.nextStepDueAt ? ` If nothing changes, ${label(ESCALATION_STEPS, d.nextStep, l)} follows from ${at(d.nextStepDueAt, c, l)}.` : ''}`,
      };
