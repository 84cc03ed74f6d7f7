import * as z from '../../events/zod';
import { described } from '../../events/zod';
import { GrantAssigned, GrantRevoked, GridRoleAssigned, GridRoleRevoked, NoticeDeliveryFailed, NoticeIssued, NotificationPreferencesChanged } from '../../events/catalogue';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';
import { REGISTRY_EVENTS } from '../registry/kit/events';
import { CHANNELS } from './domain/delivery';
import { TOPICS } from './domain/notice';
import { NOTIFIED_EVENTS } from './domain/rules';

/** Everyone with a role: an inbox is what is addressed to the audiences a token carries. */
// Building heads hold `grid:<compound>:<building>`; once libs/auth knows the role, add 'grid' here and below.
const anyone: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'];
/**
 * Who follows a broadcast through the buildings: the committee and officials of the compound, and
 * building heads (today an owner holding the building-head grant; the handler checks it).
 */
const followers: Role[] = ['committee', 'community', 'street', 'district', 'inspector', 'bureau', 'owner'];

const noticeIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{4,600}$/, 'a notice id as listed'));
const localTime = described(z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour')), 'local time (Asia/Shanghai), HH:MM');

export const preferencesBody = z.strictObject({
  channels: described(z._default(z.array(z.enum(CHANNELS)).check(z.maxLength(CHANNELS.length)), []), 'outbound channels besides the in-app inbox'),
  phone: described(z.optional(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +8613800000000'))), 'for SMS (E.164)'),
  email: z.optional(z.email().check(z.maxLength(254))),
  quietHours: described(z.optional(z.strictObject({ from: localTime, to: localTime })), 'nothing but urgent notices goes out between these times'),
  digest: described(z._default(z.boolean(), false), 'low-urgency notices once a day instead of one by one'),
  digestAt: z._default(localTime, '08:00'),
  unsubscribed: described(z._default(z.array(z.enum(TOPICS)).check(z.maxLength(TOPICS.length)), []), 'topics not to send on outbound channels; the vote announcement and result are sent regardless'),
  language: z._default(z.enum(['zh', 'en']), 'zh'),
});

export const routes = {
  listInbox: {
    operationId: 'listInbox',
    method: 'GET',
    path: '/me/notifications',
    summary: 'Your notices, newest first: whatever is addressed to an audience your token carries (your ownership, your committee, your office), with your read state',
    allow: anyone,
    query: pageQuery,
  },
  unreadCount: {
    operationId: 'unreadCount',
    method: 'GET',
    path: '/me/notifications/unread-count',
    summary: 'How many of your notices are unread (counted up to 500 per role)',
    allow: anyone,
  },
  getNotice: {
    operationId: 'getNotice',
    method: 'GET',
    path: '/me/notifications/{noticeId}',
    summary: 'One of your notices, with its delivery log (channels, attempts, outcome; addresses masked)',
    allow: anyone,
    params: z.strictObject({ noticeId: noticeIdParam }),
  },
  markRead: {
    operationId: 'markRead',
    method: 'POST',
    path: '/me/notifications/{noticeId}/read',
    summary: 'Mark one of your notices read (idempotent)',
    allow: anyone,
    params: z.strictObject({ noticeId: noticeIdParam }),
    unaudited:
      'A read receipt on one person’s own copy of a notice changes no shared state: the notice records when it was first read (the building head’s reach list shows it); an event per read would be one per owner per notice',
  },
  markAllRead: {
    operationId: 'markAllRead',
    method: 'POST',
    path: '/me/notifications/read-all',
    summary: 'Mark every notice up to now read',
    allow: anyone,
    unaudited: 'A personal read mark (“everything before now is read”) on one person’s own inbox; no shared state changes',
  },
  getPreferences: {
    operationId: 'getPreferences',
    method: 'GET',
    path: '/me/notification-preferences',
    summary: 'Your channels, contact details, quiet hours, digest and unsubscribed topics',
    allow: anyone,
  },
  putPreferences: {
    operationId: 'putPreferences',
    method: 'PUT',
    path: '/me/notification-preferences',
    summary: 'Set your channels, contact details, quiet hours, digest and unsubscribed topics; they apply to every role your token carries',
    allow: anyone,
    body: preferencesBody,
  },
  listBroadcasts: {
    operationId: 'listBroadcasts',
    method: 'GET',
    path: '/compounds/{compoundId}/notices',
    summary: 'Notices that went to the owners or building heads of the compound, newest first (committee, officials, building heads)',
    allow: followers,
    params: z.strictObject({ compoundId: id }),
    query: pageQuery,
  },
  getBroadcast: {
    operationId: 'getBroadcast',
    method: 'GET',
    path: '/compounds/{compoundId}/notices/{broadcastId}',
    summary: 'One such notice: what it said, why, and to whom',
    allow: followers,
    params: z.strictObject({ compoundId: id, broadcastId: id }),
  },
  buildingReach: {
    operationId: 'buildingReach',
    method: 'GET',
    path: '/compounds/{compoundId}/notices/{broadcastId}/buildings/{buildingId}',
    summary: 'For one building: which owners the notice reached (read in the app, or delivered by SMS or e-mail) and who still needs a knock on the door',
    allow: followers,
    params: z.strictObject({ compoundId: id, broadcastId: id, buildingId: id }),
    query: z.extend(pageQuery, { toKnock: described(z.optional(z.enum(['true', 'false'])), 'only the owners it has not reached') }),
  },
} as const satisfies Record<string, RouteDecl>;

/** Deliveries of one notice before its unit is dead-lettered (and NoticeDeliveryFailed published). */
export const DELIVERY_MAX_RECEIVES = 5;
export const DELIVERY_TIMEOUT_SECONDS = 60;

const sources = [...new Set(NOTIFIED_EVENTS.map((e) => e.source))];

export const topology: ServiceTopology = {
  name: 'notifications',
  source: 'gongzhi.notifications',
  ownsTable: true,
  api: { entry: 'services/notifications/api.ts', routes: Object.values(routes), table: { level: 'read-write', indexes: ['gsi1'] } },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/notifications/consume-registry.ts',
      description: 'Keeps the compounds, who holds which unit building by building, and the grid (building heads)',
      pattern: { source: ['gongzhi.registry'], 'detail-type': [...REGISTRY_EVENTS.map((e) => e.detailType), GridRoleAssigned.detailType, GridRoleRevoked.detailType] },
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
    {
      name: 'route-events',
      entry: 'services/notifications/consume-events.ts',
      description: 'Applies the notification rules to every event someone must act on: a broadcast per notice, its recipients queued building by building',
      pattern: { source: sources, 'detail-type': NOTIFIED_EVENTS.map((e) => e.detailType) },
      sendsTo: ['recipients'],
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
    {
      name: 'grants',
      entry: 'services/notifications/consume-grants.ts',
      description: 'Follows grants assigned and revoked: a person’s channels follow their roles',
      pattern: { source: [GrantAssigned.source], 'detail-type': [GrantAssigned.detailType, GrantRevoked.detailType] },
      table: { level: 'read-write' },
    },
  ],
  schedules: [
    {
      name: 'release-due',
      entry: 'services/notifications/release-due.ts',
      description: 'Queues deliveries whose quiet hours are over, digests whose time has come and votes two days from closing',
      expression: 'rate(5 minutes)',
      sendsTo: ['deliveries', 'digests', 'reminders'],
      table: { level: 'read', indexes: ['due'] },
    },
  ],
  queues: [
    {
      name: 'recipients',
      entry: 'services/notifications/fanout.ts',
      description: 'One building’s owners (or a few audiences) of a notice: their inbox copies, and one delivery per registered person',
      batchSize: 2,
      maxConcurrency: 10,
      timeoutSeconds: 300,
      sendsTo: ['deliveries'],
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
    {
      name: 'deliveries',
      entry: 'services/notifications/deliver.ts',
      description: 'One notice to one person on their channels (SMS, e-mail): now, after quiet hours, or in the digest; retried, then dead-lettered',
      batchSize: 10,
      maxConcurrency: 10,
      maxReceives: DELIVERY_MAX_RECEIVES,
      timeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
    {
      name: 'reminders',
      entry: 'services/notifications/vote-reminder.ts',
      description: 'One vote two days from closing: its reminder to every owner (by building) and every building head, unless elections reminded',
      batchSize: 1,
      maxConcurrency: 5,
      sendsTo: ['recipients'],
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
    {
      name: 'digests',
      entry: 'services/notifications/digest.ts',
      description: 'One person’s daily digest of low-urgency notices, one message per channel',
      batchSize: 10,
      maxConcurrency: 5,
      table: { level: 'read-write', indexes: ['gsi1'] },
    },
  ],
  publishes: [NoticeIssued, NotificationPreferencesChanged, NoticeDeliveryFailed].map((e) => e.detailType),
};
