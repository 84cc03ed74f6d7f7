import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, queryAll, stripKeys } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import { DEFAULT_PROXY_LIMIT, type ProxyRecord } from '../domain/proxies';
import { proxyKey, table, voteSettingsKey } from './keys';

/**
 * Written proxies of a compound, one item each (COMPOUND#c / PROXY#p), and the compound's vote
 * settings. A compound has few proxies (an owner in ten at most, in practice), so checks and the
 * opening read them all with one query.
 */
export async function putProxy(compoundId: string, proxy: ProxyRecord, events: BusEvent[]): Promise<void> {
  if (!(await insertWithEvents(table(), { ...proxyKey(compoundId, proxy.proxyId), compoundId, ...proxy }, events))) {
    throw conflict(`proxy ${proxy.proxyId} already exists in this compound`);
  }
}

export async function getProxy(compoundId: string, proxyId: string): Promise<ProxyRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: proxyKey(compoundId, proxyId), ConsistentRead: true }));
  return stripKeys<ProxyRecord>(Item);
}

/** Every proxy of the compound (strongly consistent: the opening freezes what it reads). */
export async function listProxies(compoundId: string): Promise<ProxyRecord[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'PROXY#' },
    ConsistentRead: true,
  });
  return items.map((i) => {
    const { compoundId: _c, ...proxy } = stripKeys<ProxyRecord & { compoundId: string }>(i)!;
    return proxy;
  });
}

/** Revoke once: one conditional write. False if it was revoked meanwhile. */
export function revokeProxy(compoundId: string, proxyId: string, by: string, at: string, events: BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    proxyKey(compoundId, proxyId),
    {
      set: ['revokedAt = :at', 'revokedBy = :by'],
      condition: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
      values: { ':at': at, ':by': by },
    },
    events,
  );
}

export interface VoteSettings {
  /** How many owners one person may represent in one vote (the rules of procedure). */
  maxProxiesPerHolder: number;
  setBy?: string;
  setAt?: string;
}

export async function getVoteSettings(compoundId: string, consistent = false): Promise<VoteSettings> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: voteSettingsKey(compoundId), ConsistentRead: consistent }));
  return stripKeys<VoteSettings>(Item) ?? { maxProxiesPerHolder: DEFAULT_PROXY_LIMIT };
}

export function putVoteSettings(compoundId: string, settings: Required<VoteSettings>, events: BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    voteSettingsKey(compoundId),
    { set: ['maxProxiesPerHolder = :n', 'setBy = :by', 'setAt = :at'], values: { ':n': settings.maxProxiesPerHolder, ':by': settings.setBy, ':at': settings.setAt } },
    events,
  );
}
