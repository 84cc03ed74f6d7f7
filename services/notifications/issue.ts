import { createHash } from 'node:crypto';
import { NoticeIssued } from '../../events/catalogue';
import type { DeliveredEvent, EventMetadata } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { notReady } from '../../libs/errors';
import { logger } from '../../libs/logger';
import { enqueue } from '../../libs/queue';
import { DEFAULT_TIME_ZONE } from '../../libs/topology';
import type { CompoundView } from '../registry/kit/read-model';
import { audience } from './domain/audiences';
import type { NoticeSpec, Recipient } from './domain/notice';
import { noticesFor, ruleFor, type RuleContext } from './domain/rules';
import type { RecipientsUnit } from './fanout';
import { insertBroadcast, type Broadcast } from './store/broadcasts';
import { factsFor, remember } from './store/facts';
import { compound, currentBuildings } from './store/registry';

/**
 * From an event to its notices: the rule for its type says who must know and what they are told;
 * each notice becomes a broadcast (one conditional write, with its NoticeIssued event) and units of
 * work on the `recipients` queue: one per building for the owners, a few audiences at a time for
 * the rest. The consumer itself never writes an inbox: a 20,000-unit compound is 200 units of work.
 */
export async function issueNotices(event: DeliveredEvent): Promise<number> {
  const rule = ruleFor(event['detail-type']);
  if (!rule) return 0;
  const { metadata, data } = rule.event.parse(event) as { metadata: EventMetadata; data: { compoundId: string } & Record<string, unknown> };
  await remember(event);
  const view = await compound(data.compoundId);
  // The registry registers a compound long before anything happens in it; a retry finds it.
  if (!view) throw notReady(`compound ${data.compoundId} is not known here yet`);
  const context: RuleContext = {
    zone: DEFAULT_TIME_ZONE,
    compound: { compoundId: view.compoundId, name: view.name, districtId: view.districtId, streetId: view.streetId, communityId: view.communityId },
    ...(await factsFor(rule.needs, data)),
  };
  const specs = noticesFor(rule, data, context);
  const cause: Cause = {
    eventId: metadata.id,
    source: event.source,
    detailType: event['detail-type'],
    occurredAt: metadata.occurredAt,
    ...(metadata.correlationId ? { correlationId: metadata.correlationId } : {}),
  };
  for (const spec of specs) await issue(spec, cause, view, context.zone);
  return specs.length;
}

/** What a broadcast answers: an event of another service, or this service's own reminder. */
export interface Cause {
  eventId: string;
  source: string;
  detailType: string;
  occurredAt: string;
  correlationId?: string;
}

const AUDIENCES_PER_UNIT = 25;

/** One notice: its broadcast (one conditional write with NoticeIssued) and its units of work. */
export async function issue(spec: NoticeSpec, cause: Cause, view: CompoundView, zone: string): Promise<void> {
  const broadcastId = createHash('sha256').update(`${cause.eventId}|${spec.key}`).digest('hex').slice(0, 24);
  const units: RecipientsUnit[] = [];
  const audiences: string[] = [];
  const described: string[] = [];
  let buildings: string[] | undefined;
  const rollBuildings = async () => (buildings ??= view.activeRoll ? (await currentBuildings(view)).buildings : []);
  for (const recipient of spec.to) {
    described.push(describe(recipient));
    switch (recipient.kind) {
      case 'audience':
        audiences.push(recipient.audience);
        break;
      case 'owners': {
        const all = await rollBuildings();
        if (all.length === 0) logger('notifications').warn('no roll yet: the owners cannot be told', { compoundId: view.compoundId, detailType: cause.detailType });
        for (const buildingId of all) units.push({ broadcastId, buildingId });
        break;
      }
      case 'building-owners':
        units.push({ broadcastId, buildingId: recipient.buildingId, ownerIds: [...recipient.ownerIds] });
        break;
      case 'building-heads':
        for (const buildingId of recipient.buildingIds === 'all' ? await rollBuildings() : recipient.buildingIds) audiences.push(audience.buildingHead(view.compoundId, buildingId));
        break;
    }
  }
  const distinct = [...new Set(audiences)];
  for (let i = 0; i < distinct.length; i += AUDIENCES_PER_UNIT) units.push({ broadcastId, audiences: distinct.slice(i, i + AUDIENCES_PER_UNIT) });
  const fanout = spec.to.some((r) => r.kind !== 'audience');
  const broadcast: Broadcast = {
    broadcastId,
    compoundId: view.compoundId,
    rule: spec.key,
    topic: spec.topic,
    urgency: spec.urgency,
    legallyRequired: spec.legallyRequired,
    message: spec.message,
    refs: spec.refs,
    createdAt: cause.occurredAt,
    zone,
    cause: { eventId: cause.eventId, source: cause.source, detailType: cause.detailType },
    recipients: spec.to,
    fanout,
  };
  const issued = NoticeIssued.create(
    {
      broadcastId,
      compoundId: view.compoundId,
      rule: spec.key,
      topic: spec.topic,
      urgency: spec.urgency,
      legallyRequired: spec.legallyRequired,
      cause: broadcast.cause,
      recipients: described.slice(0, 50),
    },
    { compoundId: view.compoundId, actor: 'notifications', occurredAt: clock.nowIso(), id: `notice-issued-${broadcastId}`, correlationId: cause.correlationId },
  );
  // Written once; a redelivered event finds it and puts the same units on the queue again (they are idempotent).
  await insertBroadcast(broadcast, [issued]);
  await enqueue('recipients', units);
}

function describe(recipient: Recipient): string {
  switch (recipient.kind) {
    case 'audience':
      return recipient.audience;
    case 'owners':
      return 'owners';
    case 'building-owners':
      return `building-owners:${recipient.buildingId} (${recipient.ownerIds.length})`;
    case 'building-heads':
      return recipient.buildingIds === 'all' ? 'building-heads:all' : `building-heads:${recipient.buildingIds.join(',')}`.slice(0, 200);
  }
}
