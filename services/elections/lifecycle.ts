import { randomBytes } from 'node:crypto';
import { CandidateDisqualified, CommitteeElected, ResolutionFailed, ResolutionPassed } from '../../events/catalogue';
import type { BusEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { conflict, notReady } from '../../libs/errors';
import { buildLog, headOf } from './domain/ballot-log';
import { DEFAULT_COMMITTEE_RULES } from './domain/committee';
import { addDays, addYears, CLOSE_GRACE_MS, DEFAULT_VOTE_RULES } from './domain/deadlines';
import { freezeElectorate } from './domain/electorate';
import { tallyElection, tallyResolution, type ElectionResult } from './domain/tally';
import * as store from './store';
import type { VoteItem } from './store';

/** The steps of a vote, shared by the routes (manual) and the vote clock (scheduled). */

export async function openVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'scheduled') throw conflict(`the vote is ${vote.status}, not scheduled`);
  const now = clock.nowIso();
  if (now < vote.opensAt) throw notReady(`the vote opens at ${vote.opensAt}`);
  const compound = await store.getCompound(vote.compoundId);
  const roll = compound && (await store.loadActiveRoll(compound));
  if (!compound || !roll) throw notReady('the compound’s roll has not reached this service completely yet; retry shortly');
  if (vote.kind === 'election' && (await store.listCandidates(vote)).length === 0) throw conflict('an election needs candidates before it opens');
  const electorate = freezeElectorate(roll.units, compound.developerId);
  const electorateId = `E${roll.rollVersion}-${randomBytes(4).toString('hex')}`;
  // Voters first (under a fresh id), then the one write that opens the vote and points at them.
  await store.writeElectorate(vote, electorateId, electorate.voters);
  const changes = {
    status: 'open' as const,
    electorateId,
    totalArea: electorate.totalArea,
    totalHeadcount: electorate.totalHeadcount,
    voterCount: electorate.voters.length,
    households: roll.units.length,
    openedBy: actor,
  };
  if (!(await store.transition(vote, 'scheduled', changes))) throw conflict('the vote was opened meanwhile');
  return { ...vote, ...changes };
}

/** The counted ballots: those cast before the closing time (the store refuses later ones; this is the belt to those braces). */
export async function countedBallots(vote: VoteItem, consumed?: { units: number }) {
  return (await store.allBallots(vote, consumed)).filter((b) => b.castAt < vote.closesAt);
}

export async function tally(vote: VoteItem, consumed?: { units: number }) {
  const ballots = await countedBallots(vote, consumed);
  const totals = { totalArea: vote.totalArea ?? 0, totalHeadcount: vote.totalHeadcount ?? 0 };
  const result =
    vote.kind === 'resolution'
      ? tallyResolution(vote.matter, totals, ballots)
      : tallyElection(vote.seats ?? 0, (await store.listCandidates(vote)).map((c) => c.personId), totals, ballots);
  return { result, ballots, log: buildLog(ballots) };
}

export async function closeVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'open') throw conflict(`the vote is ${vote.status}, not open`);
  const now = clock.nowIso();
  const countFrom = new Date(Date.parse(vote.closesAt) + CLOSE_GRACE_MS).toISOString();
  if (now < countFrom) throw notReady(`voting runs until ${vote.closesAt}; the count starts at ${countFrom}`);
  const { result, ballots, log } = await tally(vote);
  const changes = {
    status: 'preliminary' as const,
    result,
    logHead: headOf(log),
    ballotCount: ballots.length,
    closedAt: now,
    closedBy: actor,
    objectionEndsAt: addDays(now, DEFAULT_VOTE_RULES.objectionDays),
  };
  if (!(await store.transition(vote, 'open', changes))) throw conflict('the vote was closed meanwhile');
  return { ...vote, ...changes };
}

/** Seats after the final negative-list check: a disqualified member's seat goes to the next eligible alternate. */
async function finalSeats(result: ElectionResult) {
  const eligible = async (personId: string) => (await store.disqualifications(personId)).filter((d) => d.active);
  const elected: string[] = [];
  const alternates: string[] = [];
  const dropped: { personId: string; reason: store.Disqualification['reason']; sourceRef: string }[] = [];
  for (const c of result.allocation.elected) {
    const active = await eligible(c.candidateId);
    if (active.length) dropped.push({ personId: c.candidateId, reason: active[0]!.reason, sourceRef: active[0]!.sourceRef });
    else elected.push(c.candidateId);
  }
  for (const c of result.allocation.alternates) {
    const active = await eligible(c.candidateId);
    if (active.length) dropped.push({ personId: c.candidateId, reason: active[0]!.reason, sourceRef: active[0]!.sourceRef });
    else alternates.push(c.candidateId);
  }
  while (elected.length < result.allocation.elected.length && alternates.length) elected.push(alternates.shift()!);
  return { elected, alternates, dropped };
}

export async function finalizeVote(vote: VoteItem, actor: string): Promise<VoteItem> {
  if (vote.status !== 'preliminary') throw conflict(`the vote is ${vote.status}, not preliminary`);
  const now = clock.nowIso();
  if (vote.objectionEndsAt && now < vote.objectionEndsAt) throw notReady(`objections are open until ${vote.objectionEndsAt}`);
  const result = vote.result!;
  const context = { compoundId: vote.compoundId, actor, occurredAt: now, correlationId: `vote-${vote.compoundId}-${vote.voteId}` };
  const events: BusEvent[] = [];
  const changes: Partial<VoteItem> & Record<string, unknown> = { status: 'final', finalAt: now };

  if (result.kind === 'resolution') {
    const data = {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      matter: vote.matter,
      question: vote.question,
      figures: result.figures,
      payload: vote.payload,
      decidedAt: now,
    };
    events.push(
      result.outcome.passed
        ? ResolutionPassed.create(data, { ...context, id: `resolution-${vote.compoundId}-${vote.voteId}` })
        : ResolutionFailed.create({ ...data, reason: result.outcome.reason }, { ...context, id: `resolution-${vote.compoundId}-${vote.voteId}` }),
    );
  } else {
    const seats = await finalSeats(result);
    changes.finalCommittee = seats;
    for (const d of seats.dropped) {
      events.push(CandidateDisqualified.create({ compoundId: vote.compoundId, ...d }, { ...context, id: `disqualified-${vote.voteId}-${d.personId}` }));
    }
    const figures = { ...result.figures, forArea: 0, forHeadcount: 0 };
    const base = { compoundId: vote.compoundId, voteId: vote.voteId, matter: vote.matter, question: vote.question, figures, decidedAt: now };
    if (seats.elected.length >= 3) {
      const termEnd = addYears(now, DEFAULT_COMMITTEE_RULES.termYears);
      events.push(
        CommitteeElected.create(
          {
            compoundId: vote.compoundId,
            electionId: vote.voteId,
            // The chair and vice chair are chosen by the members within 7 days; until then all are members.
            members: seats.elected.map((personId) => ({ personId, role: 'member' as const })),
            alternates: seats.alternates,
            termStart: now,
            termEnd,
          },
          { ...context, id: `committee-${vote.compoundId}-${vote.voteId}` },
        ),
      );
      await store.putCommittee({
        compoundId: vote.compoundId,
        kind: 'committee',
        electionId: vote.voteId,
        seats: vote.seats ?? seats.elected.length,
        members: seats.elected.map((personId) => ({ personId, role: 'member' })),
        alternates: seats.alternates,
        termStart: now,
        termEnd,
        recordedAt: now,
        recordedBy: actor,
      });
    } else {
      const reason = result.outcome.passed ? 'not_enough_votes' : result.outcome.reason;
      events.push(ResolutionFailed.create({ ...base, reason }, { ...context, id: `resolution-${vote.compoundId}-${vote.voteId}` }));
    }
  }
  if (!(await store.transition(vote, 'preliminary', changes, events))) throw conflict('the vote was finalized or annulled meanwhile');
  return { ...vote, ...changes };
}
