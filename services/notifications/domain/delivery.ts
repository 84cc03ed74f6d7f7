import type { Language } from './format';
import type { Topic, Urgency } from './notice';
import { inWindow, localMinuteOfDay, minutesOf, nextLocalTime } from './time';

/**
 * Whether, and when, a notice goes out on a channel to one person, by what they asked for. The
 * in-app inbox always has it; these rules govern SMS, e-mail and any channel added later:
 *  1. a channel the person did not choose, or has no address for, is not used;
 *  2. a topic they unsubscribed from is not sent, unless the law requires that owners get it
 *     (the 15-day vote announcement and the result);
 *  3. low-urgency notices go in the daily digest of those who asked for one;
 *  4. in quiet hours (in the compound's time zone) anything but an urgent notice waits for their end;
 *  5. otherwise it goes now.
 */
export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Preferences {
  channels: Channel[];
  phone?: string;
  email?: string;
  /** Local times `HH:MM`; from 22:00 to 07:00 wraps midnight. */
  quietHours?: { from: string; to: string };
  digest: boolean;
  /** Local time of the daily digest. */
  digestAt: string;
  unsubscribed: Topic[];
  language: Language;
}

export const DEFAULT_PREFERENCES: Preferences = { channels: [], digest: false, digestAt: '08:00', unsubscribed: [], language: 'zh' };

export interface NoticeTerms {
  topic: Topic;
  urgency: Urgency;
  legallyRequired: boolean;
}

export type Decision = { action: 'send' } | { action: 'defer'; until: string } | { action: 'digest'; at: string } | { action: 'skip'; reason: 'channel_off' | 'no_address' | 'unsubscribed' };

export const addressOf = (prefs: Pick<Preferences, 'phone' | 'email'>, channel: Channel): string | undefined => (channel === 'sms' ? prefs.phone : prefs.email);

export function decide(notice: NoticeTerms, prefs: Preferences, channel: Channel, now: Date, zone: string): Decision {
  if (!prefs.channels.includes(channel)) return { action: 'skip', reason: 'channel_off' };
  if (!addressOf(prefs, channel)) return { action: 'skip', reason: 'no_address' };
  if (prefs.unsubscribed.includes(notice.topic) && !notice.legallyRequired) return { action: 'skip', reason: 'unsubscribed' };
  if (notice.urgency === 'low' && prefs.digest && !notice.legallyRequired) return { action: 'digest', at: nextDigestAt(prefs, now, zone).toISOString() };
  if (notice.urgency !== 'urgent') {
    const quietEnd = quietHoursEnd(prefs, now, zone);
    if (quietEnd) return { action: 'defer', until: quietEnd.toISOString() };
  }
  return { action: 'send' };
}

/** When the quiet hours `now` falls in end, or undefined when `now` is not in quiet hours. */
export function quietHoursEnd(prefs: Pick<Preferences, 'quietHours'>, now: Date, zone: string): Date | undefined {
  if (!prefs.quietHours) return undefined;
  const from = minutesOf(prefs.quietHours.from);
  const to = minutesOf(prefs.quietHours.to);
  if (!inWindow(localMinuteOfDay(now, zone), from, to)) return undefined;
  return nextLocalTime(now, to, zone);
}

/** The next daily digest time after `now` (a digest time inside quiet hours waits for their end). */
export function nextDigestAt(prefs: Pick<Preferences, 'digestAt' | 'quietHours'>, now: Date, zone: string): Date {
  const at = nextLocalTime(new Date(now.getTime() + 1), minutesOf(prefs.digestAt), zone);
  return quietHoursEnd(prefs, at, zone) ?? at;
}

/** A contact shown to others: the last four digits of a phone, the first letter and the domain of an e-mail. */
export function maskAddress(channel: Channel, address: string): string {
  if (channel === 'sms') return `****${address.replace(/\D/g, '').slice(-4)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
