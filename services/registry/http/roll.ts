import { UnitHolderChanged } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement, type HttpEvent } from '../../../libs/http/api';
import { checkDecodedText, decodeRollBytes, type Decoded } from '../domain/encoding';
import { areaSourceProblem, formatArea, MAX_SYNC_ROLL_ROWS } from '../domain/roll';
import { badRows, describeRowError, formatRoll, parseRoll, templateRoll, type RollRowError } from '../domain/roll-csv';
import { toCsv } from '../../../libs/csv';
import { importFromRequest } from '../roll-import';
import * as store from '../store';
import { routes } from '../topology';

const refuse = (errors: readonly RollRowError[]) =>
  ruleBroken(
    `the roll has ${badRows(errors)} bad row(s); nothing was imported`,
    errors.slice(0, 1000).map((e) => ({ field: `line ${e.line}: ${e.field}`, reason: describeRowError(e) })),
  );

/**
 * The body as text. API Gateway may hand a body over base64-encoded: then the raw bytes are decoded
 * strictly (UTF-8, else GB18030). Otherwise the HTTP layer already decoded it as UTF-8, and bytes
 * that were not UTF-8 are U+FFFD by now: refused, never stored garbled.
 */
function rollText(event: HttpEvent, body: string): Decoded {
  if (event.isBase64Encoded && event.body) return decodeRollBytes(Buffer.from(event.body, 'base64'));
  return checkDecodedText(body);
}

const importRoll = implement(routes.importRoll, async ({ location, body, event, principal }) => {
  const compound = store.locatedCompound(location);
  const decoded = rollText(event, body);
  if ('error' in decoded) throw refuse([decoded.error]);
  const parsed = parseRoll(decoded.text, compound.developerId, MAX_SYNC_ROLL_ROWS);
  if (parsed.errors.length) throw refuse(parsed.errors);
  const result = await importFromRequest(compound, parsed.units, decoded.encoding, principal.subject);
  return { status: 201, body: { ...result, totalAreaM2: formatArea(result.totalArea), encoding: decoded.encoding } };
});

/** CSV downloads open in Excel and WPS as UTF-8 only with a BOM (without, they are read as GBK). */
const csvDownload = (filename: string, header: readonly string[], rows: readonly (readonly string[])[]) => ({
  body: `\uFEFF${toCsv(header, rows)}`,
  contentType: 'text/csv; charset=utf-8',
  headers: { 'content-disposition': `attachment; filename="${filename}"` },
});

const rollTemplate = implement(routes.rollTemplate, async ({ query }) => {
  const { header, rows } = formatRoll(templateRoll(), query.lang);
  return csvDownload(query.lang === 'zh' ? 'roll-template.zh.csv' : 'roll-template.csv', header, rows);
});

/** The current roll; names go through toCsv, which neutralises spreadsheet formulas (the parser reads them back). */
const exportRoll = implement(routes.exportRoll, async ({ location, query }) => {
  const compound = store.locatedCompound(location);
  const { header, rows } = formatRoll(await store.allUnits(compound), query.lang);
  return csvDownload(`${compound.compoundId}-roll-v${compound.rollVersion}.csv`, header, rows);
});

const listUnits = implement(routes.listUnits, async ({ location, query }) => {
  const compound = store.locatedCompound(location);
  return { body: await store.listUnits(compound, query.buildingId, query.limit, query.cursor) };
});

const changeUnitHolder = implement(routes.changeUnitHolder, async ({ location, params, body, principal }) => {
  const compound = store.locatedCompound(location);
  const previous = await store.getUnit(compound, params.unitId);
  if (!previous) throw notFound(`unit ${params.unitId} is not in the current roll`);
  const ownerId = body.holding === 'unsold' ? compound.developerId : body.ownerId;
  if (!ownerId) throw ruleBroken('ownerId is required unless the unit is unsold', [{ field: 'body.ownerId', reason: 'required' }]);
  if (body.holding !== 'unsold' && ownerId === compound.developerId) {
    throw ruleBroken('a unit the developer still holds is unsold', [{ field: 'body.holding', reason: 'use unsold' }]);
  }
  const sourceProblem = areaSourceProblem(body.registered, previous.areaSource);
  // The area cannot change here (the roll's totals are the import's): a registration brings its area with a new roll.
  if (sourceProblem) throw ruleBroken(`${sourceProblem}; import a roll with the registered area first`, [{ field: 'body.registered', reason: `the unit's area is from the ${previous.areaSource}` }]);
  const next = { ...previous, holding: body.holding, ownerId, ownerName: body.ownerName ?? (body.holding === 'unsold' ? 'developer' : previous.ownerName), registered: body.registered };
  const { ownerName: _, ...unit } = next;
  const event = UnitHolderChanged.create(
    { compoundId: compound.compoundId, rollVersion: compound.rollVersion, previousOwnerId: previous.ownerId, unit },
    { compoundId: compound.compoundId, actor: principal.subject, occurredAt: clock.nowIso() },
  );
  await store.changeUnitHolder(compound, previous, next, event);
  return { body: next };
});

const getOwner = implement(routes.getOwner, async ({ params, principal, location }) => {
  // An owner sees only their own record; the other allowed roles see anyone in their compound.
  const others = principal.grantsFor(['committee', 'community', 'street', 'district', 'bureau'], location);
  if (others.length === 0 && principal.ownerIdIn(params.compoundId) !== params.ownerId) {
    throw forbidden('an owner may read only their own record');
  }
  const compound = store.locatedCompound(location);
  const units = await store.ownerUnits(compound, params.ownerId);
  if (units.length === 0) throw notFound(`${params.ownerId} holds no unit in compound ${params.compoundId}`);
  return { body: { ownerId: params.ownerId, units, totalArea: units.reduce((sum, u) => sum + u.area, 0) } };
});

const listBuildings = implement(routes.listBuildings, async ({ location }) => {
  const compound = store.locatedCompound(location);
  const items = Object.entries(compound.buildings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([buildingId, unitCount]) => ({ buildingId, unitCount }));
  return { body: { items } };
});

export const rollRoutes = [rollTemplate, exportRoll, importRoll, listUnits, changeUnitHolder, getOwner, listBuildings];
