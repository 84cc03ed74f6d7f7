import { localTime, type Language } from './format';
import type { NoticeSpec, Text } from './notice';
import { allBuildingHeads, owners, type RuleContext, type VoteFacts } from './rule-kit';

/**
 * The reminder two days before a vote closes, keyed off the closing time the announcement gave.
 * Elections is adding its own `VoteReminderDue` (per building, naming the owners who have not
 * voted: rules.ts reads it); until it publishes one, this service reminds every owner of an open
 * vote, because it cannot know who has voted (ballots publish no events). It waits an hour past
 * the two days and stands down for a vote elections has reminded about (store/facts.ts), so the
 * two never both go out once elections' reminder lands.
 */
export const REMINDER_BEFORE_CLOSE_MS = 2 * 24 * 3_600_000;
export const ELECTIONS_FIRST_MS = 3_600_000;

/**
 * When the closing-time reminder is due, or undefined when the voting period is too short to have
 * one: the same rule as elections' own (two days before the close must fall after the opening), so
 * that the hour this service waits never turns a 2-day vote's skipped reminder into one an hour
 * after the opening.
 */
export function closingReminderAt(vote: Pick<VoteFacts, 'opensAt' | 'closesAt'>): string | undefined {
  const twoDaysBefore = Date.parse(vote.closesAt) - REMINDER_BEFORE_CLOSE_MS;
  return twoDaysBefore > Date.parse(vote.opensAt) ? new Date(twoDaysBefore + ELECTIONS_FIRST_MS).toISOString() : undefined;
}

const zh = (l: Language) => l === 'zh';

function toOwners(vote: VoteFacts, c: RuleContext, l: Language): Text {
  const closes = localTime(vote.closesAt, l, c.zone);
  return zh(l)
    ? { title: `【投票即将截止】${c.compound.name}`, body: `“${vote.question}”将于 ${closes} 截止投票。如您尚未投票，请在应用中投票；已投票请忽略。` }
    : { title: `Voting closes soon — ${c.compound.name}`, body: `Voting on “${vote.question}” closes ${closes}. If you have not voted yet, vote in the app; if you have, ignore this.` };
}

function toHeads(vote: VoteFacts, c: RuleContext, l: Language): Text {
  const closes = localTime(vote.closesAt, l, c.zone);
  return zh(l)
    ? { title: `【入户提醒】“${vote.question}”两天后截止`, body: `投票将于 ${closes} 截止。请提醒本楼尚未投票的业主；应用中的公告送达名单列出通知尚未送达的业主。` }
    : {
        title: `Two days left: “${vote.question}”`,
        body: `Voting closes ${closes}. Please remind the owners of your building who have not voted; the announcement's reach list in the app shows whom it has not reached.`,
      };
}

/** The notices: every owner (by building, through the roll) and every building head. */
export function closingReminderNotices(vote: VoteFacts, c: RuleContext): NoticeSpec[] {
  const refs = { voteId: vote.voteId };
  return [
    { key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: false, to: [owners], message: { zh: toOwners(vote, c, 'zh'), en: toOwners(vote, c, 'en') }, refs },
    { key: 'building-heads', topic: 'grid', urgency: 'normal', legallyRequired: false, to: [allBuildingHeads], message: { zh: toHeads(vote, c, 'zh'), en: toHeads(vote, c, 'en') }, refs },
  ];
}
