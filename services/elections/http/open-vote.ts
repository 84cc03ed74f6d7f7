import { notFound } from '../../../libs/errors';
import { loadElectorate, type FrozenVoter } from '../store/ballots';
import { listCandidates } from '../store/candidates';
import { getVote, type VoteItem } from '../store/votes';

/**
 * A ballot is one conditional write. While a vote is open nothing a ballot depends on changes: the
 * electorate and the proxies were frozen when it opened, the candidates were fixed then, and whether
 * a ballot is on time is decided by the clock against the vote's own opening and closing times (an
 * open vote changes status only a grace period after its closing time). So an instance loads an open
 * vote, its electorate (with each voter's buildings and frozen proxy) and its candidates once, and
 * keeps them; a ballot then reads nothing (the compound's location for authorization is cached too:
 * store/registry.ts).
 */
export interface OpenVote {
  vote: VoteItem;
  voters: Map<string, FrozenVoter>;
  candidates: Set<string>;
  /** People with a stake in the vote, who may not enter or witness paper ballots: the candidates, the members a removal names. */
  stakeholders: Set<string>;
}

const openVotes = new Map<string, Promise<OpenVote>>();
/** About 30 MB per 100,000 voters held; a few large votes at a time per instance. */
const MAX_VOTES_HELD = 16;

async function loadOpenVote(compoundId: string, voteId: string): Promise<OpenVote> {
  const vote = await getVote(compoundId, voteId);
  if (!vote) throw notFound(`vote ${voteId} does not exist in compound ${compoundId}`);
  if (vote.status !== 'open') return { vote, voters: new Map(), candidates: new Set(), stakeholders: new Set() };
  const [voters, candidates] = await Promise.all([
    loadElectorate(vote, vote.electorateId!),
    vote.kind === 'election' ? listCandidates(vote).then((list) => new Set(list.map((c) => c.personId))) : Promise.resolve(new Set<string>()),
  ]);
  const stakeholders = new Set([...candidates, ...(vote.removal?.members.map((m) => m.personId) ?? [])]);
  return { vote, voters, candidates, stakeholders };
}

/** The vote as a ballot needs it: from this instance's memory once it was seen open. */
export async function openVoteFor(compoundId: string, voteId: string): Promise<OpenVote> {
  const key = `${compoundId}/${voteId}`;
  const held = openVotes.get(key);
  if (held) {
    const entry = await held.catch(() => undefined);
    if (entry?.vote.status === 'open') return entry;
    openVotes.delete(key);
  }
  const loading = loadOpenVote(compoundId, voteId);
  openVotes.set(key, loading);
  const entry = await loading.catch((error) => {
    openVotes.delete(key);
    throw error;
  });
  // Only an open vote is kept: a scheduled one is read again until it opens.
  if (entry.vote.status !== 'open') openVotes.delete(key);
  else if (openVotes.size > MAX_VOTES_HELD) openVotes.delete(openVotes.keys().next().value!);
  return entry;
}
