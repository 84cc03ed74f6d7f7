import { clock } from '../../../libs/clock';
import { notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { parseNoticeId } from '../store/keys';
import { getNotice, markReached, type Notice } from '../store/broadcasts';
import { deliveriesOf } from '../store/deliveries';
import { markAllRead, markRead, pageInbox, unreadCount } from '../store/inbox';
import { routes } from '../topology';
import { callerAudiences } from './caller';

/** A notice as its reader sees it (sets as lists). */
export const view = (n: Notice) => ({ ...n, reachedVia: n.reachedVia ? [...n.reachedVia].sort() : undefined });

/** A notice the caller may read: its audience must be one of theirs; anything else is "not found", whatever it is. */
async function own(noticeId: string, audiences: readonly string[]) {
  const where = parseNoticeId(noticeId);
  const notice = where && audiences.includes(where.audience) ? await getNotice(where.audience, where.sk) : undefined;
  if (!where || !notice) throw notFound(`you have no notice ${noticeId}`);
  return { where, notice };
}

const listInbox = implement(routes.listInbox, async ({ principal, query, event }) => {
  const page = await pageInbox(principal.subject, callerAudiences(principal, event), query.limit, query.cursor);
  return { body: { items: page.items.map((i) => ({ ...view(i), read: i.read })), nextCursor: page.nextCursor } };
});

const unread = implement(routes.unreadCount, async ({ principal, event }) => ({
  body: { ...(await unreadCount(principal.subject, callerAudiences(principal, event))), asOf: clock.nowIso() },
}));

const getNoticeRoute = implement(routes.getNotice, async ({ principal, params, event }) => {
  const { notice } = await own(params.noticeId, callerAudiences(principal, event));
  return { body: { notice: view(notice), deliveries: await deliveriesOf(notice.noticeId) } };
});

const markReadRoute = implement(routes.markRead, async ({ principal, params, event }) => {
  const { where, notice } = await own(params.noticeId, callerAudiences(principal, event));
  const first = await markRead(principal.subject, notice, where.sk);
  // Read in the app: the notice reached its audience (a building head's list no longer says "knock").
  await markReached(where.audience, where.sk, 'inapp', clock.nowIso());
  return { body: { noticeId: notice.noticeId, read: true, alreadyRead: !first } };
});

const markAllReadRoute = implement(routes.markAllRead, async ({ principal, event }) => {
  callerAudiences(principal, event);
  return { body: { readBefore: await markAllRead(principal.subject) } };
});

export const inboxRoutes = [listInbox, unread, getNoticeRoute, markReadRoute, markAllReadRoute];
