import type {
  ArrearsCleared,
  ArrearsRecorded,
  CandidateDisqualified,
  CommitteeDissolved,
  CommitteeElected,
  CommitteeMemberDisqualified,
  CommitteeTermExpiring,
  DisclosurePublished,
  ExpensePaid,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpenseSubmitted,
  GridRoleAssigned,
  ObjectionFiled,
  ProjectAuthorized,
  ResolutionPassed,
  VoteAnnounced,
  VoteAnnulled,
  VoteClosed,
  VoteOpened,
  VoteReminderDue,
} from '../../../events/catalogue';
import type * as z from '../../../events/zod';
import { listText, localDay, localTime, percentText, squareMetres, yuan, type Language } from './format';
import { ARREARS, COMMITTEE_KINDS, DISQUALIFICATIONS, FAILURE_REASONS, FUNDS, label, MATTERS, REVIEW_STEPS } from './labels';
import type { Text } from './notice';
import type { RuleContext } from './rules';

/**
 * What each notice says, in Chinese and in English, with the event's figures: money in yuan, areas in
 * m², times in the compound's local time. One function per kind of notice; rules.ts says who gets it.
 */
type Data<E extends { data: z.ZodMiniType }> = z.infer<E['data']>;
type Say<D> = (data: D, context: RuleContext, language: Language) => Text;

const zh = (language: Language) => language === 'zh';
const at = (iso: string, c: RuleContext, l: Language) => localTime(iso, l, c.zone);
const name = (c: RuleContext) => c.compound.name;

/** What the owners are asked, by the kind of vote. */
function subject(d: { kind?: string; matter?: string; question: string; seats?: number }, l: Language): string {
  if (d.kind === 'election') return zh(l) ? `选举业主委员会${d.seats ? `（${d.seats} 席）` : ''}` : `the election of the owners’ committee${d.seats ? ` (${d.seats} seats)` : ''}`;
  if (d.kind === 'removal') return zh(l) ? `罢免业主委员会成员：${d.question}` : `removing committee members: ${d.question}`;
  return zh(l) ? `“${d.question}”（${label(MATTERS, d.matter ?? 'other_major', l)}）` : `“${d.question}” (${label(MATTERS, d.matter ?? 'other_major', l)})`;
}

export const voteAnnounced: Say<Data<typeof VoteAnnounced>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【表决公告】${name(c)}`,
        body: `业主大会将就${subject(d, l)}进行表决。公告日期 ${at(d.noticeAt, c, l)}；投票于 ${at(d.opensAt, c, l)} 开始，${at(d.closesAt, c, l)} 截止（北京时间）。`,
      }
    : {
        title: `Notice of an owners’ vote — ${name(c)}`,
        body: `The owners will vote on ${subject(d, l)}. Announced ${at(d.noticeAt, c, l)}; voting opens ${at(d.opensAt, c, l)} and closes ${at(d.closesAt, c, l)}.`,
      };

export const voteAnnouncedToHeads: Say<Data<typeof VoteAnnounced>> = (d, c, l) =>
  zh(l)
    ? { title: `【请通知本楼业主】${name(c)}表决公告`, body: `业主大会将就${subject(d, l)}进行表决，${at(d.opensAt, c, l)} 开始投票。请在本楼张贴公告并告知每户业主；系统会列出尚未收到通知的业主。` }
    : {
        title: `Please tell your building: owners’ vote at ${name(c)}`,
        body: `The owners will vote on ${subject(d, l)}; voting opens ${at(d.opensAt, c, l)}. Please post the notice in your building and tell every owner; the app lists the owners the notice has not reached.`,
      };

const voteName = (c: RuleContext, l: Language) => (c.vote ? subject(c.vote, l) : zh(l) ? '本次表决' : 'the vote');

export const voteOpened: Say<Data<typeof VoteOpened>> = (_d, c, l) =>
  zh(l)
    ? { title: `【投票开始】${name(c)}`, body: `${voteName(c, l)}现已开始投票${c.vote ? `，${at(c.vote.closesAt, c, l)} 截止` : ''}。请在应用中投票。` }
    : { title: `Voting is open — ${name(c)}`, body: `Voting on ${voteName(c, l)} is open${c.vote ? ` until ${at(c.vote.closesAt, c, l)}` : ''}. Vote in the app.` };

export const voteReminder: Say<Data<typeof VoteReminderDue>> = (d, c, l) =>
  zh(l)
    ? { title: `【投票提醒】${name(c)}`, body: `您尚未就“${d.question}”投票，投票将于 ${at(d.closesAt, c, l)} 截止。` }
    : { title: `Reminder: you have not voted — ${name(c)}`, body: `You have not voted on “${d.question}”. Voting closes ${at(d.closesAt, c, l)}.` };

export const voteReminderToHead: Say<Data<typeof VoteReminderDue>> = (d, c, l) =>
  zh(l)
    ? { title: `【入户提醒】${d.buildingId} 栋有 ${d.ownerIds.length} 位业主尚未投票`, body: `“${d.question}”将于 ${at(d.closesAt, c, l)} 截止。尚未投票：${listText(d.ownerIds, l)}。请上门提醒。` }
    : {
        title: `${d.ownerIds.length} owner(s) of building ${d.buildingId} have not voted`,
        body: `“${d.question}” closes ${at(d.closesAt, c, l)}. Not yet voted: ${listText(d.ownerIds, l)}. Please knock on their doors.`,
      };

export const preliminaryResult: Say<Data<typeof VoteClosed>> = (d, c, l) => {
  const f = d.figures;
  const outcome = d.outcome.passed
    ? zh(l)
      ? '通过'
      : 'passed'
    : zh(l)
      ? `未通过（${label(FAILURE_REASONS, d.outcome.reason ?? '', l)}）`
      : `did not pass (${label(FAILURE_REASONS, d.outcome.reason ?? '', l)})`;
  return zh(l)
    ? {
        title: `【表决结果公示】${name(c)}`,
        body: `${voteName(c, l)}初步结果：${outcome}。参与表决面积 ${squareMetres(f.participatingArea, l)}，占总面积 ${squareMetres(f.totalArea, l)} 的 ${percentText(f.participatingArea, f.totalArea)}；参与人数 ${f.participatingHeadcount}/${f.totalHeadcount}。异议期至 ${at(d.objectionEndsAt, c, l)}，业主可在应用中提出异议。`,
      }
    : {
        title: `Preliminary result — ${name(c)}`,
        body: `Preliminary result of ${voteName(c, l)}: ${outcome}. ${squareMetres(f.participatingArea, l)} of ${squareMetres(f.totalArea, l)} took part (${percentText(f.participatingArea, f.totalArea)}); ${f.participatingHeadcount} of ${f.totalHeadcount} owners. Objections may be filed in the app until ${at(d.objectionEndsAt, c, l)}.`,
      };
};

export const finalResult =
  (passed: boolean): Say<Data<typeof ResolutionPassed> & { reason?: string }> =>
  (d, c, l) => {
    const f = d.figures;
    const what = subject({ kind: d.matter === 'committee_election' ? 'election' : 'resolution', matter: d.matter, question: d.question }, l);
    const outcome = passed ? (zh(l) ? '通过' : 'passed') : zh(l) ? `未通过（${label(FAILURE_REASONS, d.reason ?? '', l)}）` : `did not pass (${label(FAILURE_REASONS, d.reason ?? '', l)})`;
    return zh(l)
      ? {
          title: `【表决最终结果】${name(c)}`,
          body: `${what}最终结果：${outcome}。同意面积 ${squareMetres(f.forArea, l)}（总面积 ${squareMetres(f.totalArea, l)}），同意人数 ${f.forHeadcount}/${f.totalHeadcount}。决定日期 ${localDay(d.decidedAt, l, c.zone)}。`,
        }
      : {
          title: `Final result — ${name(c)}`,
          body: `Final result of ${what}: ${outcome}. For: ${squareMetres(f.forArea, l)} of ${squareMetres(f.totalArea, l)}, ${f.forHeadcount} of ${f.totalHeadcount} owners. Decided ${localDay(d.decidedAt, l, c.zone)}.`,
        };
  };

export const voteAnnulled: Say<Data<typeof VoteAnnulled>> = (d, c, l) =>
  zh(l)
    ? { title: `【表决结果撤销】${name(c)}`, body: `街道办事处支持业主异议，${voteName(c, l)}的初步结果已撤销。理由：${d.reason}` }
    : { title: `Result annulled — ${name(c)}`, body: `The street office upheld an objection and annulled the preliminary result of ${voteName(c, l)}. Reason: ${d.reason}` };

export const objectionFiled: Say<Data<typeof ObjectionFiled>> = (d, c, l) =>
  zh(l)
    ? { title: `【表决异议待处理】${name(c)}`, body: `业主对${voteName(c, l)}的初步结果提出异议（${d.objectionId}）：${d.reason}` }
    : { title: `Objection to a result — ${name(c)}`, body: `An owner objected to the preliminary result of ${voteName(c, l)} (${d.objectionId}): ${d.reason}` };

export const committeeElected: Say<Data<typeof CommitteeElected>> = (d, c, l) => {
  const members = d.members.map((m) => m.name ?? m.personId);
  return zh(l)
    ? { title: `【业主委员会当选】${name(c)}`, body: `新一届业主委员会当选：${listText(members, l)}。任期 ${localDay(d.termStart, l, c.zone)} 至 ${localDay(d.termEnd, l, c.zone)}。` }
    : { title: `Owners’ committee elected — ${name(c)}`, body: `Elected: ${listText(members, l)}. Term ${localDay(d.termStart, l, c.zone)} to ${localDay(d.termEnd, l, c.zone)}.` };
};

export const committeeElectedToStreet: Say<Data<typeof CommitteeElected>> = (d, c, l) =>
  zh(l)
    ? { title: `【备案提醒】${name(c)}业主委员会当选`, body: `业主委员会已于 ${localDay(d.termStart, l, c.zone)} 当选（${d.members.length} 名委员），应在 30 日内向街道办事处备案。` }
    : {
        title: `Committee to be filed — ${name(c)}`,
        body: `An owners’ committee of ${d.members.length} was elected on ${localDay(d.termStart, l, c.zone)}; it files with the street office within 30 days.`,
      };

export const termExpiring: Say<Data<typeof CommitteeTermExpiring>> = (d, c, l) =>
  zh(l)
    ? { title: `【换届提醒】${name(c)}`, body: `${label(COMMITTEE_KINDS, d.kind, l)}任期将于 ${localDay(d.termEnd, l, c.zone)} 届满，请指导筹备换届选举。` }
    : { title: `Term ending — ${name(c)}`, body: `The ${label(COMMITTEE_KINDS, d.kind, l)}’s term ends on ${localDay(d.termEnd, l, c.zone)}; please prepare the next election.` };

export const committeeDissolved: Say<Data<typeof CommitteeDissolved>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【${label(COMMITTEE_KINDS, d.kind, l)}卸任】${name(c)}`,
        body: d.reason === 'term_ended' ? `${label(COMMITTEE_KINDS, d.kind, l)}任期已满，现已卸任。` : `${label(COMMITTEE_KINDS, d.kind, l)}已由新当选的委员会接替。`,
      }
    : { title: `The ${label(COMMITTEE_KINDS, d.kind, l)} left office — ${name(c)}`, body: d.reason === 'term_ended' ? 'Its term has ended.' : 'A newly elected committee replaced it.' };

export const candidateDisqualified: Say<Data<typeof CandidateDisqualified>> = (d, c, l) =>
  zh(l)
    ? { title: `【负面清单】${name(c)}`, body: `人员 ${d.personId} 因${label(DISQUALIFICATIONS, d.reason, l)}列入负面清单，不得作为业主委员会候选人（依据：${d.sourceRef}）。` }
    : {
        title: `Negative list — ${name(c)}`,
        body: `Person ${d.personId} is on the negative list for ${label(DISQUALIFICATIONS, d.reason, l)} and may not stand for the committee (source: ${d.sourceRef}).`,
      };

export const memberDisqualified: Say<Data<typeof CommitteeMemberDisqualified>> = (d, c, l) =>
  zh(l)
    ? { title: `【需处理】${name(c)}业委会委员列入负面清单`, body: `在任委员 ${d.personId} 因${label(DISQUALIFICATIONS, d.reason, l)}列入负面清单（依据：${d.sourceRef}），请依法处理。` }
    : {
        title: `Action needed: a sitting member of ${name(c)}’s committee is on the negative list`,
        body: `Member ${d.personId} is on the negative list for ${label(DISQUALIFICATIONS, d.reason, l)} (source: ${d.sourceRef}).`,
      };

export const projectAuthorized: Say<Data<typeof ProjectAuthorized>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【项目批准】${name(c)}`,
        body: `项目 ${d.projectId} 已批准从${label(FUNDS, d.fund, l)}支出，限额 ${yuan(d.approvedFen, l)}，依据：${d.basis === 'resolution' ? '业主大会决议' : '应急维修确认'}（${d.basisRef}）。`,
      }
    : {
        title: `Project authorized — ${name(c)}`,
        body: `Project ${d.projectId} may spend up to ${yuan(d.approvedFen, l)} from ${label(FUNDS, d.fund, l)}, on the basis of ${d.basis === 'resolution' ? 'the owners’ resolution' : 'a confirmed emergency'} (${d.basisRef}).`,
      };

export const reviewDue =
  (step: string): Say<Pick<Data<typeof ExpenseSubmitted>, 'projectId' | 'expenseId'> & Partial<Pick<Data<typeof ExpenseSubmitted>, 'amountFen' | 'payee'>>> =>
  (d, c, l) =>
    zh(l)
      ? {
          title: `【待审核】${name(c)}支出 ${d.expenseId}`,
          body: `项目 ${d.projectId} 的支出 ${d.expenseId}${d.amountFen ? `（${yuan(d.amountFen, l)}，收款方 ${d.payee}）` : ''}待${label(REVIEW_STEPS, step, l)}审核。`,
        }
      : {
          title: `Review due — expense ${d.expenseId} of ${name(c)}`,
          body: `Expense ${d.expenseId} of project ${d.projectId}${d.amountFen ? ` (${yuan(d.amountFen, l)} to ${d.payee})` : ''} awaits review by ${label(REVIEW_STEPS, step, l)}.`,
        };

export const largeExpense: Say<Data<typeof ExpenseSubmitted>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【大额支出】${name(c)}`,
        body: `项目 ${d.projectId} 提交支出 ${d.expenseId}：${yuan(d.amountFen, l)}，收款方 ${d.payee}；该收款方 30 日内累计 ${yuan(d.tierAmountFen, l)}，超过 20,000.00 元，请纪检监督。`,
      }
    : {
        title: `Large expense — ${name(c)}`,
        body: `Expense ${d.expenseId} of project ${d.projectId}: ${yuan(d.amountFen, l)} to ${d.payee}; ${yuan(d.tierAmountFen, l)} to this payee within 30 days, above CNY 20,000.00.`,
      };

export const reviewDecided: Say<Data<typeof ExpenseReviewed>> = (d, _c, l) =>
  d.decision === 'rejected'
    ? zh(l)
      ? { title: `【审核未通过】支出 ${d.expenseId}`, body: `${label(REVIEW_STEPS, d.step, l)}未通过项目 ${d.projectId} 的支出 ${d.expenseId}：${d.reason}` }
      : { title: `Expense ${d.expenseId} rejected`, body: `${label(REVIEW_STEPS, d.step, l)} rejected expense ${d.expenseId} of project ${d.projectId}: ${d.reason}` }
    : zh(l)
      ? { title: `【审核通过】支出 ${d.expenseId} 可支付`, body: `项目 ${d.projectId} 的支出 ${d.expenseId} 已通过全部审核，可以支付。` }
      : { title: `Expense ${d.expenseId} approved`, body: `Expense ${d.expenseId} of project ${d.projectId} passed every review step and may be paid.` };

export const reviewOverdue: Say<Data<typeof ExpenseReviewOverdue>> = (d, c, l) =>
  zh(l)
    ? { title: `【审核逾期】${name(c)}支出 ${d.expenseId}`, body: `项目 ${d.projectId} 的支出 ${d.expenseId} 待${label(REVIEW_STEPS, d.step, l)}审核，已于 ${at(d.dueAt, c, l)} 逾期。` }
    : {
        title: `Review overdue — expense ${d.expenseId} of ${name(c)}`,
        body: `The review of expense ${d.expenseId} (project ${d.projectId}) by ${label(REVIEW_STEPS, d.step, l)} was due ${at(d.dueAt, c, l)}.`,
      };

export const expensePaid: Say<Data<typeof ExpensePaid>> = (d, _c, l) =>
  zh(l)
    ? { title: `【已支付】支出 ${d.expenseId}`, body: `已从${label(FUNDS, d.fund, l)}支付 ${yuan(d.amountFen, l)}（项目 ${d.projectId}，账目第 ${d.entrySeq} 笔）。` }
    : { title: `Expense ${d.expenseId} paid`, body: `${yuan(d.amountFen, l)} paid from ${label(FUNDS, d.fund, l)} (project ${d.projectId}, ledger entry ${d.entrySeq}).` };

export const largePayment: Say<Data<typeof ExpensePaid>> = (d, c, l) =>
  zh(l)
    ? {
        title: `【大额支付】${name(c)}`,
        body: `已从${label(FUNDS, d.fund, l)}支付 ${yuan(d.amountFen, l)}（项目 ${d.projectId}，支出 ${d.expenseId}，账目第 ${d.entrySeq} 笔），属最高审核档，请纪检监督。`,
      }
    : {
        title: `Large payment — ${name(c)}`,
        body: `${yuan(d.amountFen, l)} paid from ${label(FUNDS, d.fund, l)} (project ${d.projectId}, expense ${d.expenseId}, ledger entry ${d.entrySeq}), in the top review tier.`,
      };

export const disclosure: Say<Data<typeof DisclosurePublished>> = (d, c, l) => {
  const lines = d.funds.map((f) => `${label(FUNDS, f.fund, l)} ${yuan(f.cashFen, l)}`);
  return zh(l)
    ? { title: `【账目公示】${name(c)} ${d.period}`, body: `${d.period} 季度账目已公示。余额：${lines.join('；')}。可在应用中核验。` }
    : { title: `Accounts published — ${name(c)} ${d.period}`, body: `The accounts of ${d.period} are published. Balances: ${lines.join('; ')}. Verify them in the app.` };
};

export const arrearsRecorded: Say<Data<typeof ArrearsRecorded>> = (d, _c, l) =>
  zh(l)
    ? { title: `【欠费提醒】${d.unitId}`, body: `您的房屋 ${d.unitId} 欠缴${label(ARREARS, d.kind, l)} ${yuan(d.amountFen, l)}，请及时缴纳。` }
    : { title: `Amount due — ${d.unitId}`, body: `Your unit ${d.unitId} owes ${yuan(d.amountFen, l)} in ${label(ARREARS, d.kind, l)}. Please pay it.` };

export const arrearsCleared: Say<Data<typeof ArrearsCleared>> = (d, _c, l) =>
  zh(l)
    ? { title: `【欠费已结清】${d.unitId}`, body: `房屋 ${d.unitId} 的欠费（${d.arrearsId}）已结清。` }
    : { title: `Paid — ${d.unitId}`, body: `The amount due for unit ${d.unitId} (${d.arrearsId}) is paid.` };

export const buildingHeadNamed: Say<Data<typeof GridRoleAssigned>> = (d, c, l) =>
  zh(l)
    ? { title: `【楼栋长任命】${name(c)} ${d.buildingId} 栋`, body: `${d.name}，您已被任命为 ${d.buildingId} 栋楼栋长。本楼的表决公告与提醒将发送给您，并列出需要上门告知的业主。` }
    : {
        title: `Building head of ${d.buildingId}, ${name(c)}`,
        body: `${d.name}, you are the building head of ${d.buildingId}. Vote notices and reminders for your building come to you, with the owners who still need a knock on the door.`,
      };
