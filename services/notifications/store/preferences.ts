import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { updateWithEvents } from '../../../libs/outbox';
import type { Audience } from '../domain/audiences';
import { DEFAULT_PREFERENCES, type Preferences } from '../domain/delivery';
import { keys, table, userAttribute } from './keys';

/**
 * A person's preferences (PREFS#sub), set by themselves, and where the delivery workers find them:
 * for each audience the person holds, one attribute on that audience's item (AUD#aud / USERS), so
 * the fan-out of a building reads every owner's registrations with a few BatchGets. The preferences
 * item is the record; the copies follow it (a retried save puts them right).
 */
export interface StoredPreferences extends Preferences {
  version: number;
  audiences: Audience[];
  updatedAt: string;
}

/** A registration as the workers read it: who, and their preferences when they last saved them. */
export interface Registration extends Preferences {
  subject: string;
  version: number;
}

export async function getPreferences(subject: string): Promise<StoredPreferences | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: keys.prefs(subject), ConsistentRead: true }));
  if (!Item) return undefined;
  return {
    ...DEFAULT_PREFERENCES,
    ...(Item.prefs as Preferences),
    version: Item.version as number,
    audiences: [...((Item.audiences as Set<string> | undefined) ?? [])].sort(),
    updatedAt: Item.updatedAt as string,
  };
}

/**
 * One conditional write of the preferences (with their event), then each audience's copy. `expected`
 * is the version read before: a concurrent save by the same person is a 409, never a lost update.
 */
/** `audiences` always holds `user:<sub>`, so the set is never empty (DynamoDB stores no empty set). */
export async function savePreferences(subject: string, prefs: Preferences, audiences: readonly Audience[], expected: number | undefined, event: BusEvent): Promise<StoredPreferences> {
  const version = (expected ?? 0) + 1;
  const now = clock.nowIso();
  const written = await updateWithEvents(
    table(),
    keys.prefs(subject),
    {
      set: ['prefs = :prefs', 'version = :v', 'audiences = :aud', 'updatedAt = :now'],
      condition: expected === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
      values: { ':prefs': prefs, ':v': version, ':aud': new Set(audiences), ':now': now, ...(expected === undefined ? {} : { ':expected': expected }) },
    },
    [event],
  );
  if (!written) throw conflict('your preferences changed meanwhile; read them again and retry');
  return { ...prefs, version, audiences: [...audiences].sort(), updatedAt: now };
}

/** Put the person's copy on each audience they hold and take it off those they no longer hold. */
export async function syncRegistrations(subject: string, prefs: StoredPreferences, previous: readonly Audience[]): Promise<void> {
  const snapshot: Registration = {
    subject,
    version: prefs.version,
    channels: prefs.channels,
    phone: prefs.phone,
    email: prefs.email,
    quietHours: prefs.quietHours,
    digest: prefs.digest,
    digestAt: prefs.digestAt,
    unsubscribed: prefs.unsubscribed,
    language: prefs.language,
  };
  await Promise.all([...prefs.audiences.map((a) => putRegistration(a, snapshot)), ...previous.filter((a) => !prefs.audiences.includes(a)).map((a) => removeRegistration(a, subject))]);
}

/** A newer snapshot replaces an older one only: saves applied out of order end with the last. */
export async function putRegistration(audience: Audience, registration: Registration): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.audience(audience),
        UpdateExpression: 'SET #u = :r',
        ConditionExpression: 'attribute_not_exists(#u) OR #u.version <= :v',
        ExpressionAttributeNames: { '#u': userAttribute(registration.subject) },
        ExpressionAttributeValues: { ':r': JSON.parse(JSON.stringify(registration)), ':v': registration.version },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export async function removeRegistration(audience: Audience, subject: string): Promise<void> {
  await db().send(new UpdateCommand({ TableName: table(), Key: keys.audience(audience), UpdateExpression: 'REMOVE #u', ExpressionAttributeNames: { '#u': userAttribute(subject) } }));
}

/** Everyone registered for each audience, with few BatchGets (100 keys each). */
export async function registrationsOf(audiences: readonly Audience[]): Promise<Map<Audience, Registration[]>> {
  const out = new Map<Audience, Registration[]>();
  const unique = [...new Set(audiences)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [table()]: { Keys: unique.slice(i, i + 100).map((a) => keys.audience(a)) } };
    for (let attempt = 0; request && Object.keys(request).length; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed');
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const result = await db().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[table()] ?? []) {
        const audience = String(item.pk).slice('AUD#'.length);
        out.set(
          audience,
          Object.entries(item)
            .filter(([k]) => k.startsWith('USER#'))
            .map(([, v]) => v as Registration),
        );
      }
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** One person's registration on an audience, if they still have one. */
export async function registrationOf(audience: Audience, subject: string): Promise<Registration | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: keys.audience(audience), ProjectionExpression: '#u', ExpressionAttributeNames: { '#u': userAttribute(subject) }, ConsistentRead: true }),
  );
  return Item?.[userAttribute(subject)] as Registration | undefined;
}

/** A grant assigned or revoked after the person saved their preferences: their audiences follow it. */
export async function followGrant(subject: string, audience: Audience, held: boolean): Promise<void> {
  const prefs = await getPreferences(subject);
  if (!prefs) return; // nobody to reach on a channel: the inbox follows the token by itself
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.prefs(subject),
      UpdateExpression: held ? 'ADD audiences :a' : 'DELETE audiences :a',
      ExpressionAttributeValues: { ':a': new Set([audience]) },
    }),
  );
  if (held)
    await putRegistration(audience, {
      subject,
      version: prefs.version,
      channels: prefs.channels,
      phone: prefs.phone,
      email: prefs.email,
      quietHours: prefs.quietHours,
      digest: prefs.digest,
      digestAt: prefs.digestAt,
      unsubscribed: prefs.unsubscribed,
      language: prefs.language,
    });
  else await removeRegistration(audience, subject);
}
