import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, queryAll, stripKeys } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import { candidateKey, objectionKey, table, votePk } from './keys';

type VoteRef = { compoundId: string; voteId: string };

export interface CandidateItem {
  personId: string;
  name: string;
  source: 'owners' | 'pool';
  /** Whether the candidate owns a unit of the compound (the law wants members to be owners). */
  ownsUnitHere: boolean;
  unitId?: string;
  /** Whether the name was checked against the roll's name (false when the roll carries no names). */
  nameChecked: boolean;
  /** Pool members standing where they own no unit: the exception the pool records (异地担任). */
  nonOwnerException?: string;
  nominatedBy: string;
  nominatedAt: string;
}

const prefixQuery = (vote: VoteRef, prefix: string) => ({
  TableName: table(),
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': prefix },
});

export async function putCandidate(vote: VoteRef, candidate: CandidateItem, events: BusEvent[]): Promise<void> {
  if (!(await insertWithEvents(table(), { ...candidateKey(vote.compoundId, vote.voteId, candidate.personId), ...candidate }, events))) {
    throw conflict(`${candidate.personId} is already a candidate`);
  }
}

export function pageCandidates(vote: VoteRef, limit: number, cursor?: string) {
  return queryPage(prefixQuery(vote, 'CANDIDATE#'), limit, cursor, (i) => stripKeys<CandidateItem>(i)!);
}

export async function listCandidates(vote: VoteRef): Promise<CandidateItem[]> {
  return (await queryAll(prefixQuery(vote, 'CANDIDATE#'))).map((i) => stripKeys<CandidateItem>(i)!);
}

export async function countCandidates(vote: VoteRef): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...prefixQuery(vote, 'CANDIDATE#'), Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

export interface ObjectionItem {
  objectionId: string;
  ownerId: string;
  /** `ballot`: the ballot recorded for the owner is not theirs (its receipt); `result`: the preliminary result. */
  kind: 'ballot' | 'result';
  receipt?: string;
  reason: string;
  at: string;
}

/** The objection's record, with its reason; it is filed (and its event published) by the write on the vote (store/votes.ts, fileObjection). */
export async function putObjection(vote: VoteRef, objection: ObjectionItem): Promise<void> {
  if (!(await insertWithEvents(table(), { ...objectionKey(vote.compoundId, vote.voteId, objection.objectionId), ...objection }, []))) {
    throw conflict(`objection ${objection.objectionId} already exists`);
  }
}

export async function listObjections(vote: VoteRef, consistent = false): Promise<ObjectionItem[]> {
  return (await queryAll({ ...prefixQuery(vote, 'OBJECTION#'), ConsistentRead: consistent })).map((i) => {
    const item = stripKeys<ObjectionItem>(i)!;
    // Objections from before ballot objections existed are objections to the result.
    return { ...item, kind: item.kind ?? 'result' };
  });
}
