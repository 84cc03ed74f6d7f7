import { randomBytes } from 'node:crypto';
import { CommitteeElected, CommitteeMembersRemoved, CommitteeSeatFilled, ResolutionFailed, ResolutionPassed, VoteClosed, VoteOpened } from '../../events/catalogue';
import type { BusEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { conflict, notReady } from '../../libs/errors';
import { buildLog, headOf } from './domain/ballot-log';
import { channelsOf } from './domain/channels';
import { DEFAULT_COMMITTEE_RULES, fillVacancies, finalSeats } from './domain/committee';
import { DEFAULT_ZONE } from '../../libs/calendar';
import { countFrom, DEFAULT_VOTE_RULES, objectionPeriodEnd, termEndOf } from './domain/deadlines';
import { freezeElectorate } from './domain/electorate';
import { freezeProxies } from './domain/proxies';
import { electionOutcome, tallyElection, tallyResolution, type ElectionResult, type VoteResult } from './domain/tally';
import { allBallots, writeElectorate, writeLog, type BallotItem } from './store/ballots';
import { listCandidates } from './store/candidates';
import { calendarAround } from './store/calendar';
import { getVoteSettings, listProxies } from './store/proxies';
import { getCommittee } from './store/committee';
import { disqualifiedAmong } from './store/negative-list';
import { getCompound, loadActiveRoll } from './store/registry';
import { transition, type VoteItem } from './store/votes';

/**
 * The steps of a vote, shared by the routes (manual) and the vote clock (scheduled). Each step is
 * one conditional write of the vote item, conditional on the status it leaves, carrying its events:
 * whatever follows (the committee on record, a project in funds, the registry's governance) follows
 * from those events, so a step that loses a race leaves nothing behind.
 */

const correlation = (vote: Pick<VoteItem, 'compoundId' | 'voteId'>) => `vote-${vote.compoundId}-${vote.voteId}`;
const context = (vote: Pick<VoteItem, 'compoundId' | 'voteId'>, actor: string, occurredAt: string, id: string) => ({
  compoundId: vote.compoundId,
  actor,
  occurredAt,
  correlationId: correlation(vote),
  id,
});

/** Warnings an election carries while it has fewer candidates than seats (it can still be held). */
export function candidateWarnings(vote: Pick<VoteItem, 'kind' | 'seats'>, candidates: number): string[] {
  if (vote.kind !== 'election' || vote.seats === undefined || candidates >= vote.seats) return [];
  return [
    `${candidates} ${candidates === 1 ? 'candidate' : 'candidates'} for ${vote.seats} seats: not every seat can be filled, and if fewer are elected than the committee rules need, no committee is formed`,
  ];
}

export async function openVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'scheduled') throw conflict(`the vote is ${vote.status}, not scheduled`);
  const now = clock.nowIso();
  if (now < vote.opensAt) throw notReady(`the vote opens at ${vote.opensAt}`);
  const compound = await getCompound(vote.compoundId);
  const roll = compound && (await loadActiveRoll(compound));
  if (!compound || !roll) throw notReady('the compound’s roll has not reached this service completely yet; retry shortly');
  const candidates = vote.kind === 'election' ? (await listCandidates(vote)).length : undefined;
  if (candidates === 0) throw conflict('an election needs candidates before it opens');
  const electorate = freezeElectorate(roll.units, compound.developerId);
  // Proxies registered and not revoked by the cutoff (a minute before opensAt, so none is in flight) count, frozen with the voters.
  const [proxies, settings] = await Promise.all([listProxies(vote.compoundId), getVoteSettings(vote.compoundId, true)]);
  const frozen = freezeProxies(proxies, vote, new Set(electorate.voters.map((v) => v.voterId)), settings.maxProxiesPerHolder);
  const voters = electorate.voters.map((v) => (frozen.byOwner.has(v.voterId) ? { ...v, proxy: frozen.byOwner.get(v.voterId)! } : v));
  const electorateId = `E${roll.rollVersion}-${randomBytes(4).toString('hex')}`;
  // Voters first (under a fresh id), then the one write that opens the vote and points at them.
  await writeElectorate(vote, electorateId, voters);
  const warnings = [...(candidates === undefined ? (vote.warnings ?? []) : candidateWarnings(vote, candidates)), ...frozen.voided.map(voidedWarning)];
  const changes = {
    status: 'open' as const,
    electorateId,
    rollVersion: roll.rollVersion,
    totalArea: electorate.totalArea,
    totalHeadcount: electorate.totalHeadcount,
    voterCount: electorate.voters.length,
    households: roll.units.length,
    candidateCount: candidates,
    warnings,
    openedBy: actor,
    proxies: frozen.byOwner.size,
    proxyLimit: settings.maxProxiesPerHolder,
  };
  const opened = VoteOpened.create(
    {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      rollVersion: roll.rollVersion,
      totalArea: electorate.totalArea,
      totalHeadcount: electorate.totalHeadcount,
      voterCount: electorate.voters.length,
      households: roll.units.length,
      candidates,
      warnings,
      ...notice(vote),
      proxies: frozen.byOwner.size,
      proxyLimit: settings.maxProxiesPerHolder,
    },
    context(vote, actor, now, `opened-${vote.compoundId}-${vote.voteId}`),
  );
  if (!(await transition(vote, 'scheduled', changes, [opened]))) throw conflict('the vote was opened meanwhile');
  return { ...vote, ...changes };
}

const VOIDED: Record<ReturnType<typeof freezeProxies>['voided'][number]['reason'], string> = {
  not_in_electorate: 'its owner is not in the electorate',
  owner_has_another: 'the owner registered another proxy first',
  holder_limit: 'its holder already represents as many owners as the rules of procedure allow',
};
const voidedWarning = (v: ReturnType<typeof freezeProxies>['voided'][number]) => `proxy ${v.proxyId} of ${v.ownerId} does not count in this vote: ${VOIDED[v.reason]}; the owner votes themselves`;

/** What a notice of the vote needs, carried by its events. */
const notice = (vote: VoteItem) => ({ kind: vote.kind, matter: vote.matter, question: vote.question, opensAt: vote.opensAt, closesAt: vote.closesAt });

/** The counted ballots: those cast before the closing time (ballots are refused after it; this is the belt to those braces). */
export async function countedBallots(vote: Pick<VoteItem, 'compoundId' | 'voteId' | 'closesAt'>, consumed?: { units: number }) {
  return (await allBallots(vote, consumed)).filter((b) => b.castAt < vote.closesAt);
}

/** A stored ballot as the log and the channel figures see it (ballots from before channels were recorded are online). */
export const logged = (b: BallotItem) => ({ ...b, channel: b.channel ?? 'online', byProxy: b.proxy !== undefined });

export async function tally(vote: VoteItem, consumed?: { units: number }) {
  const ballots = (await countedBallots(vote, consumed)).map(logged);
  const totals = { totalArea: vote.totalArea ?? 0, totalHeadcount: vote.totalHeadcount ?? 0 };
  const result: VoteResult =
    vote.kind === 'election'
      ? tallyElection(
          vote.seats ?? 0,
          (await listCandidates(vote)).map((c) => ({ candidateId: c.personId, name: c.name })),
          totals,
          ballots,
          { purpose: vote.purpose ?? 'committee', households: vote.households ?? 0 },
        )
      : tallyResolution(vote.matter, totals, ballots);
  return { result, ballots, log: buildLog(ballots), channels: channelsOf(ballots) };
}

export async function closeVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'open') throw conflict(`the vote is ${vote.status}, not open`);
  const now = clock.nowIso();
  const from = countFrom(vote.closesAt);
  if (now < from) throw notReady(`voting runs until ${vote.closesAt}; the count starts at ${from}`);
  const { result, ballots, log, channels } = await tally(vote);
  const zone = vote.timeZone ?? DEFAULT_ZONE;
  const logHead = headOf(log);
  // The log is stored under its head before the write that records the head: a reader never finds a head without its log.
  const logChunks = await writeLog(vote, logHead, log);
  const changes = {
    status: 'preliminary' as const,
    result,
    outcome: result.outcome,
    logHead,
    ballotLogHead: logHead,
    logChunks,
    loggedBallots: ballots.length,
    removals: [],
    objections: {},
    objectors: {},
    objectionCount: 0,
    decisions: {},
    ballotCount: ballots.length,
    channels,
    closedAt: now,
    closedBy: actor,
    objectionEndsAt: objectionPeriodEnd(now, DEFAULT_VOTE_RULES.objectionDays, zone, await calendarAround(now, zone)),
  };
  const { totalArea, totalHeadcount, participatingArea, participatingHeadcount } = result.figures;
  const closed = VoteClosed.create(
    {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      ballotCount: ballots.length,
      figures: { totalArea, totalHeadcount, participatingArea, participatingHeadcount },
      outcome: result.outcome,
      logHead,
      objectionEndsAt: changes.objectionEndsAt,
      ...notice(vote),
      channels,
    },
    context(vote, actor, now, `closed-${vote.compoundId}-${vote.voteId}`),
  );
  if (!(await transition(vote, 'open', changes, [closed]))) throw conflict('the vote was closed meanwhile');
  return { ...vote, ...changes };
}

function resolutionEvent(vote: VoteItem, result: VoteResult, outcome: VoteResult['outcome'], actor: string, now: string): BusEvent {
  const figures = result.kind === 'resolution' ? result.figures : { ...result.figures, forArea: 0, forHeadcount: 0 };
  const data = {
    compoundId: vote.compoundId,
    voteId: vote.voteId,
    matter: vote.matter,
    question: vote.question,
    figures,
    payload: vote.payload,
    decidedAt: now,
    kind: vote.kind,
    opensAt: vote.opensAt,
    closesAt: vote.closesAt,
    ballotCount: vote.ballotCount,
    channels: vote.channels,
  };
  const ctx = context(vote, actor, now, `resolution-${vote.compoundId}-${vote.voteId}`);
  return outcome.passed ? ResolutionPassed.create(data, ctx) : ResolutionFailed.create({ ...data, reason: outcome.reason }, ctx);
}

export async function finalizeVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'preliminary') throw conflict(`the vote is ${vote.status}, not preliminary`);
  const now = clock.nowIso();
  if (vote.objectionEndsAt && now < vote.objectionEndsAt) throw notReady(`objections are open until ${vote.objectionEndsAt}`);
  // Every objection is a case the street office decides; the result is final once all are decided.
  // The write below is conditional on the number of objections seen here: one filed meanwhile stops it.
  const pending = Object.keys(vote.objections ?? {}).filter((id) => !vote.decisions?.[id]);
  if (pending.length) throw notReady(`${pending.length} objection(s) await the street office's decision: ${pending.join(', ')}`);
  const seen = { condition: 'attribute_not_exists(objectionCount) OR objectionCount = :seen', values: { ':seen': vote.objectionCount ?? 0 } };
  const result = vote.result!;
  const events: BusEvent[] = [];
  const changes: Partial<VoteItem> = { status: 'final', finalAt: now, outcome: result.outcome };

  if (result.kind === 'election') {
    const { outcome, finalCommittee, events: elected } = await finalElection(vote, result, actor, now);
    changes.outcome = outcome;
    changes.finalCommittee = finalCommittee;
    events.push(...elected);
    if (!outcome.passed) events.push(resolutionEvent(vote, result, outcome, actor, now));
  } else {
    events.push(resolutionEvent(vote, result, result.outcome, actor, now));
    if (vote.kind === 'removal' && result.outcome.passed) events.push(...(await removalEvents(vote, actor, now)));
  }
  if (!(await transition(vote, 'preliminary', changes, events, seen))) throw conflict('the vote was finalized or annulled, or an objection was filed, meanwhile');
  return { ...vote, ...changes };
}

/** The final check of an election: the negative list, alternates stepping in, the committee rules. */
async function finalElection(vote: VoteItem, result: ElectionResult, actor: string, now: string) {
  const people = [...result.allocation.elected, ...result.allocation.alternates].map((c) => c.candidateId);
  const listed = await disqualifiedAmong(people);
  const purpose = vote.purpose ?? 'committee';
  const { formation, dropped } = finalSeats(purpose, result.households, result.allocation, (p) => listed.has(p));
  const outcome = electionOutcome(result.allocation.quorum, result.allocation.elected.length, formation);
  const events: BusEvent[] = [];
  if (formation.formed) {
    const candidates = new Map((await listCandidates(vote)).map((c) => [c.personId, c]));
    if (purpose === 'committee') {
      events.push(
        CommitteeElected.create(
          {
            compoundId: vote.compoundId,
            electionId: vote.voteId,
            // The chair and vice chair are chosen by the members within 7 days; until then all are members.
            members: formation.members.map((personId) => ({ personId, role: 'member' as const, name: candidates.get(personId)?.name, source: candidates.get(personId)?.source })),
            alternates: formation.alternates,
            termStart: now,
            termEnd: termEndOf(now, DEFAULT_COMMITTEE_RULES.termYears, vote.timeZone ?? DEFAULT_ZONE),
          },
          context(vote, actor, now, `committee-${vote.compoundId}-${vote.voteId}`),
        ),
      );
    } else {
      for (const personId of formation.members) {
        events.push(
          CommitteeSeatFilled.create(
            { compoundId: vote.compoundId, committeeId: vote.committeeId!, voteId: vote.voteId, personId, name: candidates.get(personId)?.name, from: 'by_election' },
            context(vote, actor, now, `seat-${vote.compoundId}-${vote.voteId}-${personId}`),
          ),
        );
      }
    }
  }
  return { outcome, finalCommittee: { formation, dropped }, events };
}

/** A passed removal: the members named who still sit leave; their seats go to eligible alternates in order, or wait for a by-election. */
async function removalEvents(vote: VoteItem, actor: string, now: string): Promise<BusEvent[]> {
  const committee = await getCommittee(vote.compoundId, true);
  if (!committee || committee.committeeId !== vote.committeeId || committee.endedAt) return [];
  const sitting = new Set(committee.members.map((m) => m.personId));
  const removed = vote.removal!.members.filter((m) => sitting.has(m.personId));
  if (removed.length === 0) return [];
  const alternates = committee.alternates.map((a) => a.personId);
  const listed = await disqualifiedAmong(alternates);
  const fill = fillVacancies(removed.length, alternates, vote.removal!.then, (p) => listed.has(p));
  const names = new Map(committee.alternates.map((a) => [a.personId, a.name]));
  return [
    CommitteeMembersRemoved.create(
      { compoundId: vote.compoundId, committeeId: committee.committeeId, voteId: vote.voteId, removed, then: vote.removal!.then, vacancies: fill.vacancies },
      context(vote, actor, now, `removed-${vote.compoundId}-${vote.voteId}`),
    ),
    ...fill.filledBy.map((personId) =>
      CommitteeSeatFilled.create(
        { compoundId: vote.compoundId, committeeId: committee.committeeId, voteId: vote.voteId, personId, name: names.get(personId), from: 'alternate' },
        context(vote, actor, now, `seat-${vote.compoundId}-${vote.voteId}-${personId}`),
      ),
    ),
  ];
}
