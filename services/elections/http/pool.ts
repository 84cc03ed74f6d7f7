import { createHash } from 'node:crypto';
import { PoolImported, PoolPersonAdded, PoolStatusChanged } from '../../../events/catalogue';
import type { CompoundLocation, Principal, Role } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { parsePoolCsv, POOL_ATTRIBUTES, searchKey, type PoolAttribute, type PoolRowError } from '../domain/pool';
import {
  abandonPoolImport,
  addToPool,
  beginPoolImport,
  deleteImportedPerson,
  getPoolImport,
  poolPeople,
  finishPoolImport,
  getPoolPerson,
  poolSummariesIn,
  putImportedPerson,
  searchPool,
  setPoolStatus,
  type PoolPerson,
} from '../store/pool';
import { locateAll } from '../store/registry';
import { routes } from '../topology';
import { readableScope } from './scope';

const VETTERS: Role[] = ['street', 'community', 'bureau'];

/**
 * Where a vetted person belongs, from the compounds they are vetted for (as the registry placed
 * them), never from the request: every compound must be known, in the caller's area, and in one
 * street (the street office vets, and its pool is what it reports on).
 */
function placeInPool(
  principal: Principal,
  compounds: readonly string[],
  located: Map<string, CompoundLocation>,
): { location?: Pick<PoolPerson, 'districtId' | 'streetId' | 'communityId'>; problem?: { status: 403 | 422; reason: string } } {
  const unknown = compounds.filter((c) => !located.has(c));
  if (unknown.length) return { problem: { status: 422, reason: `unknown compounds: ${unknown.join(', ')}` } };
  const places = compounds.map((c) => located.get(c)!);
  const outside = places.filter((p) => !principal.can(VETTERS, p)).map((p) => p.compoundId);
  if (outside.length) return { problem: { status: 403, reason: `outside your area: ${outside.join(', ')}` } };
  const streets = new Set(places.map((p) => `${p.districtId}#${p.streetId}`));
  if (streets.size > 1) return { problem: { status: 422, reason: 'the compounds are in more than one street: each street office vets for its own' } };
  const communities = new Set(places.map((p) => p.communityId));
  const first = places[0]!;
  return { location: { districtId: first.districtId, streetId: first.streetId, ...(communities.size === 1 ? { communityId: first.communityId } : {}) } };
}

const addToPoolRoute = implement(routes.addToPool, async ({ body, principal }) => {
  const { location, problem } = placeInPool(principal, body.compounds, await locateAll(body.compounds));
  if (problem?.status === 403) throw forbidden(`you may vet only for compounds in your area (${problem.reason})`);
  if (problem) throw ruleBroken(problem.reason, [{ field: 'body.compounds', reason: problem.reason }]);
  const now = clock.nowIso();
  const person: PoolPerson = {
    personId: body.personId,
    name: body.name,
    nameKey: searchKey(body.name),
    ...location!,
    attributes: body.attributes,
    compounds: body.compounds,
    ...(body.nonOwnerException ? { nonOwnerException: body.nonOwnerException } : {}),
    status: 'available',
    addedBy: principal.subject,
    addedAt: now,
    updatedAt: now,
  };
  const event = PoolPersonAdded.create(
    {
      personId: person.personId,
      name: person.name,
      districtId: person.districtId,
      streetId: person.streetId,
      communityId: person.communityId,
      compounds: person.compounds,
      attributes: person.attributes,
      nonOwnerException: person.nonOwnerException,
    },
    { compoundId: null, actor: principal.subject, occurredAt: now, id: `pool-added-${person.personId}` },
  );
  await addToPool(person, [event]);
  const { nameKey: _k, ...shown } = person;
  return { status: 201, body: shown };
});

/**
 * A bulk import: every row is checked (format, compounds known and in the caller's area and one
 * street, nobody already in the pool) before anything is written; then each person is written,
 * conditionally, marked with the import; then the import is marked done with one PoolImported event.
 * If another write took one of its people meanwhile, what this import wrote is removed again.
 */
const importPool = implement(routes.importPool, async ({ body, query, principal }) => {
  const parsed = parsePoolCsv(body);
  const errors: PoolRowError[] = [...parsed.errors];
  const located = await locateAll(parsed.rows.flatMap((r) => r.compounds));
  const places = new Map<number, Pick<PoolPerson, 'districtId' | 'streetId' | 'communityId'>>();
  for (const row of parsed.rows) {
    const placed = placeInPool(principal, row.compounds, located);
    if (placed.problem) errors.push({ line: row.line, field: 'compounds', reason: placed.problem.reason });
    else places.set(row.line, placed.location!);
  }
  const streets = new Set([...places.values()].map((p) => `${p.districtId}#${p.streetId}`));
  if (streets.size > 1) errors.push({ line: 1, field: 'compounds', reason: 'one import holds the people of one street' });
  const fingerprint = createHash('sha256').update(body).digest('hex');
  const earlier = await getPoolImport(query.importId);
  if (earlier && earlier.fingerprint !== fingerprint) throw conflict(`import ${query.importId} was another file`);
  if (earlier?.status === 'done')
    return { status: 201, headers: { 'idempotent-replayed': 'true' }, body: { importId: query.importId, imported: earlier.count, districtId: earlier.districtId, streetId: earlier.streetId } };
  // People this very import wrote before it stopped are not "already in the pool": a retry resumes.
  const existing = await poolPeople(parsed.rows.map((r) => r.personId));
  for (const row of parsed.rows) {
    if (existing.has(row.personId) && existing.get(row.personId)!.importId !== query.importId) errors.push({ line: row.line, field: 'person_id', reason: `${row.personId} is already in the pool` });
  }
  if (errors.length) {
    errors.sort((a, b) => a.line - b.line);
    throw ruleBroken(
      `the file has ${errors.length} problem(s); nothing was imported`,
      errors.map((e) => ({ field: `line ${e.line}: ${e.field}`, reason: e.reason })),
    );
  }

  const now = clock.nowIso();
  const { districtId, streetId } = places.get(parsed.rows[0]!.line)!;
  const begun = await beginPoolImport({ importId: query.importId, districtId, streetId, count: parsed.rows.length, status: 'writing', by: principal.subject, at: now }, fingerprint);
  if (begun === 'other') throw conflict(`import ${query.importId} was another file`);
  const people: PoolPerson[] = parsed.rows.map((row) => ({
    personId: row.personId,
    name: row.name,
    nameKey: searchKey(row.name),
    ...places.get(row.line)!,
    attributes: row.attributes,
    compounds: row.compounds,
    ...(row.nonOwnerException ? { nonOwnerException: row.nonOwnerException } : {}),
    status: 'available' as const,
    importId: query.importId,
    addedBy: principal.subject,
    addedAt: now,
    updatedAt: now,
  }));
  if (begun !== 'done') {
    const written: string[] = [];
    const lost: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < people.length; i = next++) {
          if (await putImportedPerson(people[i]!)) written.push(people[i]!.personId);
          else lost.push(people[i]!.personId);
        }
      }),
    );
    if (lost.length) {
      await Promise.all(written.map((p) => deleteImportedPerson(p, query.importId)));
      await abandonPoolImport(query.importId);
      throw conflict(`meanwhile ${lost.join(', ')} entered the pool another way; nothing was imported`);
    }
    const event = PoolImported.create(
      { importId: query.importId, districtId, streetId, count: people.length, personIds: people.map((p) => p.personId) },
      { compoundId: null, actor: principal.subject, occurredAt: now, id: `pool-imported-${query.importId}` },
    );
    await finishPoolImport(query.importId, [event]);
  }
  return { status: 201, body: { importId: query.importId, imported: people.length, districtId, streetId } };
});

const listPool = implement(routes.listPool, async ({ query, principal }) => {
  const scope = await readableScope(principal, { districtId: query.districtId, streetId: query.streetId, communityId: query.communityId });
  if (!scope) return { body: { items: [] } };
  const attributes: Partial<Record<PoolAttribute, boolean>> = {};
  for (const a of POOL_ATTRIBUTES) if (query[a] !== undefined) attributes[a] = query[a] === 'true';
  const page = await searchPool(scope, { name: query.name ? searchKey(query.name) : undefined, compoundId: query.compoundId, status: query.status, attributes }, query.limit, query.cursor);
  return { body: { items: page.items.map(({ nameKey: _k, ...p }) => p), nextCursor: page.nextCursor } };
});

const poolCounts = implement(routes.poolCounts, async ({ query, principal }) => {
  const scope = await readableScope(principal, { districtId: query.districtId, streetId: query.streetId });
  const streets = scope ? await poolSummariesIn(scope) : [];
  const total = { total: 0, available: 0, serving: 0, suspended: 0, partyMembers: 0, partyBranchSecretaries: 0, communityCommitteeMembers: 0, nonOwnerExceptions: 0 };
  for (const s of streets) for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += s[key];
  return { body: { scope: scope ?? {}, ...total, streets } };
});

const setPoolStatusRoute = implement(routes.setPoolStatus, async ({ params, body, principal }) => {
  const person = await getPoolPerson(params.personId, true);
  if (!person) throw notFound(`${params.personId} is not in the pool`);
  // The person's place in the pool is stored data (from the compounds they were vetted for).
  if (!principal.can(VETTERS, { compoundId: '-', districtId: person.districtId, streetId: person.streetId, communityId: person.communityId ?? '-' })) throw forbidden('outside your area');
  if (person.status === 'serving') throw conflict('a serving member becomes available when they leave the committee (removal or the end of the term)');
  if (person.status === body.status) return { body: person };
  const now = clock.nowIso();
  const changes = body.status === 'suspended' ? { status: body.status, suspendedReason: body.reason, updatedAt: now } : { status: body.status, updatedAt: now };
  const event = PoolStatusChanged.create(
    { personId: person.personId, streetId: person.streetId, status: body.status, previous: person.status, ...(body.status === 'suspended' ? { reason: body.reason } : {}) },
    { compoundId: null, actor: principal.subject, occurredAt: now, id: `pool-status-${person.personId}-${now}` },
  );
  if (!(await setPoolStatus(person.personId, person.status, changes, [event]))) throw conflict('the person’s status changed meanwhile');
  const { nameKey: _k, ...shown } = { ...person, ...changes, suspendedReason: body.status === 'suspended' ? body.reason : undefined };
  return { body: shown };
});

export const poolRoutes = [addToPoolRoute, importPool, listPool, poolCounts, setPoolStatusRoute];
