import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db, stripKeys } from '../../../libs/db';
import { updateWithEvents } from '../../../libs/outbox';
import { cellsAround, geohash, type PlacedCompound } from '../domain/geo';
import { table } from './table';

/** Where a compound is, for Open311: its centre, the radius it covers, its postal address and code. */
export interface Place extends PlacedCompound {
  address?: string;
  zipcode?: string;
  setAt: string;
  setBy: string;
}

const key = (compoundId: string) => ({ pk: `COMPOUND#${compoundId}`, sk: 'PLACE' });

export async function putPlace(place: Place, event: BusEvent): Promise<void> {
  const fields = assignments({ ...place, address: place.address, zipcode: place.zipcode, gsi1pk: `GEO#${geohash(place.lat, place.long)}`, gsi1sk: place.compoundId });
  await updateWithEvents(table(), key(place.compoundId), { set: fields.set, remove: fields.remove, names: fields.names, values: fields.values }, [event]);
}

export async function getPlace(compoundId: string): Promise<Place | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key(compoundId) }));
  return stripKeys<Place>(Item);
}

/** Compounds registered in the cell of a point and the eight around it. */
export async function placesNear(lat: number, long: number): Promise<Place[]> {
  const pages = await Promise.all(
    cellsAround(lat, long).map((cell) =>
      db().send(new QueryCommand({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `GEO#${cell}` } })),
    ),
  );
  return pages.flatMap((p) => (p.Items ?? []).map((i) => stripKeys<Place>(i)!));
}
