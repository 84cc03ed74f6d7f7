import * as z from './zod';
import { defineEvent } from './envelope';
import { id } from './common';

// Events published by the notifications service: a notice issued (once per event and rule, not per
// recipient: the delivery log holds each recipient's), a person's preferences changed (without their
// phone or e-mail: the audit trail is read by officials), and a delivery given up after its retries.

const topic = z.enum(['votes', 'committee', 'funds', 'complaints', 'enforcement', 'grid']);
const urgency = z.enum(['urgent', 'normal', 'low']);
const channel = z.enum(['sms', 'email']);
const localTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));

export const NoticeIssued = defineEvent(
  'gongzhi.notifications',
  'NoticeIssued',
  1,
  z.strictObject({
    broadcastId: id,
    compoundId: id,
    /** The rule's entry for the event (`owners`, `reviewer`, …). */
    rule: z.string().check(z.minLength(1), z.maxLength(64)),
    topic,
    urgency,
    legallyRequired: z.boolean(),
    /** The event it was issued for. */
    cause: z.strictObject({ eventId: z.string().check(z.minLength(1), z.maxLength(128)), source: z.string(), detailType: z.string() }),
    /** Who it is for, as the rule named them: `owners`, `building-owners:B01 (12)`, `building-heads:all`, `street:S1`, … */
    recipients: z.array(z.string().check(z.maxLength(200))).check(z.minLength(1), z.maxLength(50)),
  }),
);

export const NotificationPreferencesChanged = defineEvent(
  'gongzhi.notifications',
  'NotificationPreferencesChanged',
  1,
  z.strictObject({
    userId: z.string().check(z.minLength(1), z.maxLength(128)),
    channels: z.array(channel),
    hasPhone: z.boolean(),
    hasEmail: z.boolean(),
    quietHours: z.optional(z.strictObject({ from: localTime, to: localTime })),
    digest: z.boolean(),
    unsubscribed: z.array(topic),
    language: z.enum(['zh', 'en']),
    /** How many audiences (roles) the person receives notices for. */
    audiences: z.int().check(z.nonnegative()),
  }),
);

/** A notice could not be delivered on a channel after every retry; the message is in the dead-letter queue. */
export const NoticeDeliveryFailed = defineEvent(
  'gongzhi.notifications',
  'NoticeDeliveryFailed',
  1,
  z.strictObject({
    noticeId: z.string().check(z.minLength(1), z.maxLength(400)),
    broadcastId: id,
    compoundId: id,
    channel,
    attempts: z.int().check(z.positive()),
    error: z.string().check(z.maxLength(500)),
  }),
);
