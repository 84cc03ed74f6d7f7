import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, type Key } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import type { AreaPath } from '../domain/areas';
import { table } from './keys';

export type AreaLevel = 'district' | 'street' | 'community';

export interface District {
  districtId: string;
  name: string;
}
export interface Street extends District {
  streetId: string;
}
export interface Community extends Street {
  communityId: string;
}
type AreaOf<L extends AreaLevel> = L extends 'district' ? District : L extends 'street' ? Street : Community;

const areaKey = (level: AreaLevel, id: string): Key => ({ pk: `AREA#${level}#${id}`, sk: 'META' });

/** Where each level is listed: districts in the city, streets in their district, communities in their street. */
const listing = (level: AreaLevel, parent: string) => (level === 'district' ? 'AREAS#CITY' : level === 'street' ? `AREAS#DISTRICT#${parent}` : `AREAS#STREET#${parent}`);

const idOf = (level: AreaLevel, area: Community | Street | District): string =>
  level === 'community' ? (area as Community).communityId : level === 'street' ? (area as Street).streetId : area.districtId;
const parentOf = (level: AreaLevel, area: Community | Street | District): string => (level === 'community' ? (area as Community).streetId : area.districtId);

function view<L extends AreaLevel>(level: L, item: Record<string, unknown>): AreaOf<L> {
  const base = { districtId: item.districtId as string, name: item.name as string };
  if (level === 'district') return base as AreaOf<L>;
  if (level === 'street') return { ...base, streetId: item.streetId as string } as AreaOf<L>;
  return { ...base, streetId: item.streetId as string, communityId: item.communityId as string } as AreaOf<L>;
}

/** Record an area once; a second registration of the same id is a conflict, whatever its content. */
export async function putArea<L extends AreaLevel>(level: L, area: AreaOf<L>, actor: string, event: BusEvent): Promise<AreaOf<L>> {
  const id = idOf(level, area);
  const item = {
    ...areaKey(level, id),
    level,
    ...(area as unknown as Record<string, unknown>),
    gsi1pk: listing(level, parentOf(level, area)),
    gsi1sk: id,
    createdAt: clock.nowIso(),
    createdBy: actor,
  };
  if (!(await insertWithEvents(table(), item, [event]))) throw conflict(`${level} ${id} is already registered`);
  return area;
}

export async function getArea<L extends AreaLevel>(level: L, id: string): Promise<AreaOf<L> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: areaKey(level, id) }));
  return Item && view(level, Item);
}

/** The path of a stored area (its own id and its parents'), or undefined when it is not registered. */
export async function areaPath(level: AreaLevel, id: string): Promise<AreaPath | undefined> {
  const area = await getArea(level, id);
  if (!area) return undefined;
  return {
    districtId: area.districtId,
    ...('streetId' in area ? { streetId: area.streetId } : {}),
    ...('communityId' in area ? { communityId: area.communityId } : {}),
  };
}

/** Districts of the city, streets of a district, or communities of a street, by id. */
export function listAreas<L extends AreaLevel>(level: L, parent: string, limit: number, cursor?: string): Promise<Page<AreaOf<L>>> {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': listing(level, parent) },
    },
    limit,
    cursor,
    (item) => view(level, item),
  );
}
