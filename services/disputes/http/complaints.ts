import { randomBytes } from 'node:crypto';
import type { CompoundLocation, Principal } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { forbidden, notFound, notReady } from '../../../libs/errors';
import { downloadUrl, objectInfo, uploadUrl } from '../../../libs/files';
import { implement } from '../../../libs/http/api';
import { file, mutate } from '../cases';
import { handlesCase, isComplainant, mayRead, mayRoute, viewFor } from '../domain/access';
import type { Attachment, Complaint } from '../domain/complaint';
import { acknowledge, addAttachment, close, confirm, referForEnforcement, reopen, resolve, route, startWork } from '../domain/lifecycle';
import { checkAttributes } from '../domain/open311';
import { getComplaint, pageCompoundComplaints } from '../store/complaints';
import { registry } from '../store/table';
import { complaintRoutes as routes } from '../routes/complaints';

/** The one window's routes: filing, reading, and each step of a case. */

export const newAttachmentId = () => `A${randomBytes(8).toString('hex').slice(0, 10)}`;
const attachmentKey = (compoundId: string, attachmentId: string) => `attachments/${compoundId}/${attachmentId}`;

/** The case as the caller may see it; the complainant also gets their tracking token back. */
export function present(p: Principal, c: Complaint, location: CompoundLocation) {
  const view = viewFor(p, c, location);
  return isComplainant(p, c) ? { ...view, trackingToken: c.trackingToken } : view;
}

const asHandler = (p: Principal) => (c: Complaint, location: CompoundLocation) => {
  if (!handlesCase(p, c, location)) throw forbidden(`only the handler (${c.handler.kind}:${c.handler.id}) or an official above it may do this`);
};
const asComplainant = (p: Principal) => (c: Complaint) => {
  if (!isComplainant(p, c)) throw forbidden('only the complainant may do this');
};

async function uploadsFor(attachments: readonly Attachment[]) {
  return Promise.all(attachments.filter((a) => a.key).map(async (a) => ({ attachmentId: a.attachmentId, ...(await uploadUrl(a.key!, a.contentType)) })));
}

const fileComplaint = implement(routes.fileComplaint, async ({ params, body, principal, location }) => {
  const attributes = checkAttributes(body.category, body.attributes);
  const now = clock.nowIso();
  const attachments: Attachment[] = body.attachments.map((a) => {
    const attachmentId = newAttachmentId();
    return { attachmentId, source: 'upload', filename: a.filename, contentType: a.contentType, key: attachmentKey(params.compoundId, attachmentId), addedBy: principal.subject, addedAt: now };
  });
  const behalf = body.onBehalfOf;
  const complaint = await file(
    {
      compoundId: params.compoundId,
      category: body.category,
      channel: behalf ? 'grid' : 'app',
      description: body.description,
      location: { ...body.location, unitId: body.location.unitId ?? behalf?.unitId },
      attributes,
      respondent: body.respondent,
      complainant: behalf
        ? { subject: principal.subject, name: behalf.name, phone: behalf.phone, filedOnBehalfBy: principal.subject }
        : { subject: principal.subject, ownerId: principal.ownerIdIn(params.compoundId), name: body.contact?.name, phone: body.contact?.phone },
      anonymous: body.anonymous,
      wantsPublic: body.public,
      attachments,
    },
    location!,
    principal.subject,
  );
  return { status: 201, body: { complaint: present(principal, complaint, location!), trackingToken: complaint.trackingToken, uploads: await uploadsFor(attachments) } };
});

const listComplaints = implement(routes.listComplaints, async ({ params, query, principal, location }) => {
  const seesAll = principal.can(['committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'], location);
  const page = await pageCompoundComplaints(params.compoundId, query.limit, query.cursor, { status: query.status, filedBy: seesAll ? undefined : principal.subject });
  return { body: { items: page.items.map((c) => present(principal, c, location!)), nextCursor: page.nextCursor } };
});

const getComplaintRoute = implement(routes.getComplaint, async ({ params, principal, location }) => {
  const c = await getComplaint(params.complaintId);
  if (!c) throw notFound(`complaint ${params.complaintId} does not exist`);
  if (!mayRead(principal, c, location!)) throw forbidden('you may read your own complaints, those you handle, and those of the compounds you serve');
  return { body: present(principal, c, location!) };
});

const acknowledgeRoute = implement(routes.acknowledgeComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asHandler(principal), (c, ctx) => acknowledge(c, body.note, ctx)), location!),
}));

const startRoute = implement(routes.startComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asHandler(principal), (c, ctx) => startWork(c, body.note, ctx)), location!),
}));

const routeRoute = implement(routes.routeComplaint, async ({ params, body, principal, location }) => {
  const guard = (_c: Complaint, loc: CompoundLocation) => {
    if (!mayRoute(principal, loc)) throw forbidden('only the street office, the district or the bureau re-routes a complaint');
  };
  return { body: present(principal, await mutate(params.complaintId, principal.subject, guard, (c, ctx) => route(c, body.to, body.reason, ctx)), location!) };
});

const resolveRoute = implement(routes.resolveComplaint, async ({ params, body, principal, location }) => ({
  body: present(
    principal,
    await mutate(params.complaintId, principal.subject, asHandler(principal), (c, ctx) => resolve(c, { kind: body.kind, note: body.note, courtVisitId: body.courtVisitId }, ctx)),
    location!,
  ),
}));

const closeRoute = implement(routes.closeComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asHandler(principal), (c, ctx) => close(c, body.reason, body.note, ctx)), location!),
}));

const withdrawRoute = implement(routes.withdrawComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asComplainant(principal), (c, ctx) => close(c, 'withdrawn', body.note, ctx)), location!),
}));

const confirmRoute = implement(routes.confirmComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asComplainant(principal), (c, ctx) => confirm(c, { score: body.rating, comment: body.comment }, ctx)), location!),
}));

const reopenRoute = implement(routes.reopenComplaint, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asComplainant(principal), (c, ctx) => reopen(c, body.reason, ctx)), location!),
}));

const addAttachmentRoute = implement(routes.addAttachment, async ({ params, body, principal }) => {
  const attachmentId = newAttachmentId();
  const guard = (c: Complaint, loc: CompoundLocation) => {
    if (!isComplainant(principal, c) && !handlesCase(principal, c, loc)) throw forbidden('only the complainant or the handler adds attachments');
  };
  let key = '';
  await mutate(params.complaintId, principal.subject, guard, (c, ctx) => {
    key = attachmentKey(c.compoundId, attachmentId);
    return addAttachment(c, { attachmentId, source: 'upload', filename: body.filename, contentType: body.contentType, key, addedBy: principal.subject, addedAt: ctx.now }, ctx);
  });
  return { status: 201, body: { attachmentId, ...(await uploadUrl(key, body.contentType)) } };
});

const getAttachmentRoute = implement(routes.getAttachment, async ({ params, principal, location }) => {
  const c = await getComplaint(params.complaintId);
  if (!c) throw notFound(`complaint ${params.complaintId} does not exist`);
  if (!mayRead(principal, c, location!)) throw forbidden('you may not read this complaint');
  const a = c.attachments.find((x) => x.attachmentId === params.attachmentId);
  if (!a) throw notFound(`no attachment ${params.attachmentId}`);
  if (a.source === 'link') return { body: { attachmentId: a.attachmentId, url: a.url, source: 'link' } };
  if (!(await objectInfo(a.key!))) throw notReady('the file has not been uploaded yet');
  return { body: { attachmentId: a.attachmentId, url: await downloadUrl(a.key!, { filename: a.filename }), source: 'upload', expiresInSeconds: 900 } };
});

const referForEnforcementRoute = implement(routes.referForEnforcement, async ({ params, body, principal, location }) => {
  const before = await getComplaint(params.complaintId);
  // The owner complained about, from the roll (for the negative list once enforcement confirms it).
  let respondentOwnerId: string | undefined;
  const unitId = before?.respondent.kind === 'owner' ? (before.respondent.unitId ?? before.location.unitId) : undefined;
  if (before && unitId) {
    const compound = await registry.getCompound(before.compoundId);
    const roll = compound && (await registry.loadActiveRoll(compound));
    const unit = roll?.units.find((u) => u.unitId === unitId);
    respondentOwnerId = unit?.holding === 'owned' ? unit.ownerId : undefined;
  }
  const c = await mutate(params.complaintId, principal.subject, asHandler(principal), (c, ctx) => {
    const change = referForEnforcement(c, { category: body.category, suggestedDepartment: body.suggestedDepartment, locationNote: body.locationNote, respondentOwnerId }, ctx);
    const last = change.complaint.history.at(-1)!;
    change.complaint.history = [...change.complaint.history.slice(0, -1), { ...last, note: `${last.note}: ${body.note}` }];
    return change;
  });
  return { body: present(principal, c, location!) };
});

export const complaintImplementations = [
  fileComplaint,
  listComplaints,
  getComplaintRoute,
  acknowledgeRoute,
  startRoute,
  routeRoute,
  resolveRoute,
  closeRoute,
  withdrawRoute,
  confirmRoute,
  reopenRoute,
  addAttachmentRoute,
  getAttachmentRoute,
  referForEnforcementRoute,
];
