import type { BusEvent } from '../../../events/envelope';
import { stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import { table } from './table';

/** Court visits to a compound and petitions about it: records, written once. */
export interface CourtVisit {
  visitId: string;
  compoundId: string;
  visitedOn: string;
  court: string;
  judges: string[];
  casesHandled: number;
  settledOnSite: number;
  complaintIds: string[];
  note?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface Petition {
  petitionId: string;
  compoundId: string;
  category: string;
  channel: 'letter' | 'visit' | 'online' | 'hotline';
  receivedOn: string;
  summary: string;
  petitioners: number;
  complaintId?: string;
  recordedAt: string;
  recordedBy: string;
}

export const insertCourtVisit = (v: CourtVisit, event: BusEvent) => insertWithEvents(table(), { pk: `COMPOUND#${v.compoundId}`, sk: `COURTVISIT#${v.visitedOn}#${v.visitId}`, ...v }, [event]);
export const insertPetition = (p: Petition, event: BusEvent) => insertWithEvents(table(), { pk: `COMPOUND#${p.compoundId}`, sk: `PETITION#${p.receivedOn}#${p.petitionId}`, ...p }, [event]);

const page = <T>(compoundId: string, prefix: string, limit: number, cursor?: string) =>
  queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': prefix }, ScanIndexForward: false },
    limit,
    cursor,
    (i) => stripKeys<T>(i)!,
  );

export const pageCourtVisits = (compoundId: string, limit: number, cursor?: string) => page<CourtVisit>(compoundId, 'COURTVISIT#', limit, cursor);
export const pagePetitions = (compoundId: string, limit: number, cursor?: string) => page<Petition>(compoundId, 'PETITION#', limit, cursor);
