import { createHash } from 'node:crypto';

/**
 * Identifiers the funds service builds from other identifiers (event ids, client references of the
 * entries it writes itself, arrears ids). They are unique by construction: each part is escaped so
 * that it cannot contain the separator, so different parts always give different ids; an id that
 * would be too long is replaced by a hash of its parts, marked so that it cannot equal a readable one.
 *
 *   compositeId('ExpensePaid', ['C1', 'p2', 'X1'])   → "ExpensePaid/C1/p2/X1"
 *   compositeId('x', ['a/b'])                        → "x/a%2Fb"   (never equal to compositeId('x', ['a', 'b']))
 */
const escape = (part: string) => part.replaceAll('%', '%25').replaceAll('/', '%2F').replaceAll('#', '%23');

export function compositeId(kind: string, parts: readonly (string | number)[], maxLength = 128): string {
  if (!/^[@A-Za-z][\w@.-]*$/.test(kind)) throw new Error(`not an id kind: ${kind}`);
  const readable = [kind, ...parts.map((p) => escape(String(p)))].join('/');
  if (readable.length <= maxLength) return readable;
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, ...parts.map(String)]))
    .digest('hex');
  return `${kind}#${digest}`.slice(0, maxLength);
}

/** Event ids: at most 128 characters (the envelope's limit). */
export const eventId = (type: string, ...parts: (string | number)[]) => compositeId(type, parts, 128);

/**
 * Client references of the entries the service writes itself. They begin with "@", which a
 * caller's reference may not contain (the `ref` schema), so a caller can never take one.
 */
export const systemRef = (kind: string, ...parts: (string | number)[]) => compositeId(`@${kind}`, parts, 256);

/** Ids that travel in events whose schema allows 64 characters (arrears ids). */
export const shortId = (kind: string, ...parts: (string | number)[]) => compositeId(kind, parts, 64);
