import {
  CommitteeDissolved,
  CommitteeMemberDisqualified,
  CommitteeMemberRequalified,
  PoolStatusChanged,
  type CommitteeElected,
  type CommitteeMembersRemoved,
  type CommitteeSeatFilled,
} from '../../events/catalogue';
import type { BusEvent, EventMetadata } from '../../events/envelope';
import type * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { timeZoneOf } from '../../libs/calendar';
import { busy } from '../../libs/errors';
import { DEFAULT_COMMITTEE_RULES } from './domain/committee';
import { officersDueBy } from './domain/deadlines';
import { summarizeCompound, summarizePool } from './domain/report';
import { calendarAround } from './store/calendar';
import { deleteSeat, getCommittee, putSeat, writeCommittee, type CommitteeItem, type CommitteeMember } from './store/committee';
import { activeDisqualifications, disqualifiedAmong, type Disqualification } from './store/negative-list';
import { getPoolPerson, poolOfStreet, poolPeople, putPoolSummary, setPoolStatus } from './store/pool';
import { getCompound } from './store/registry';
import { getProfile, putSummary } from './store/summaries';

/**
 * The committee on record follows from the events that decide it: a vote's final write carries
 * CommitteeElected, CommitteeMembersRemoved or CommitteeSeatFilled, and this applies them, each once
 * (its event id is remembered on the committee), each as one conditional write on the committee's
 * revision. After every change the follow-ups run, all idempotent: seats, pool statuses, negative-list
 * flags, the compound's summary for reports.
 */
type Data<E> = E extends { data: infer S } ? (S extends z.ZodMiniType ? z.infer<S> : never) : never;
const KEEP_APPLIED = 50;

/** Read, change, write conditionally on the revision read; a few tries against concurrent changes. */
async function change(
  compoundId: string,
  mutate: (current: CommitteeItem | undefined) => { next: CommitteeItem; events: BusEvent[]; expectAbsent?: boolean } | undefined,
): Promise<CommitteeItem | undefined> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const current = await getCommittee(compoundId, true);
    const planned = mutate(current);
    if (!planned) return current;
    const expect = current ? { committeeId: current.committeeId, revision: current.revision } : { absent: true as const };
    if (await writeCommittee(planned.next, expect, planned.events)) return planned.next;
  }
  throw busy(`the committee of ${compoundId} kept changing; the change will be retried`);
}

const applied = (current: CommitteeItem, eventId: string) => [...current.applied, eventId].slice(-KEEP_APPLIED);

export async function applyElected(data: Data<typeof CommitteeElected>, metadata: EventMetadata): Promise<void> {
  const zone = timeZoneOf(await getCompound(data.compoundId));
  const officersDue = officersDueBy(data.termStart, DEFAULT_COMMITTEE_RULES.officersDays, zone, await calendarAround(data.termStart, zone));
  await change(data.compoundId, (current) => {
    if (current?.committeeId === data.electionId) return undefined; // applied already
    // A later election already on record stays (events may arrive late).
    if (current && current.kind === 'committee' && current.termStart > data.termStart) return undefined;
    const events: BusEvent[] = [];
    if (current && !current.endedAt) {
      events.push(
        CommitteeDissolved.create(
          { compoundId: data.compoundId, committeeId: current.committeeId, kind: current.kind, reason: 'replaced', replacedBy: data.electionId },
          { compoundId: data.compoundId, actor: metadata.actor, occurredAt: metadata.occurredAt, correlationId: metadata.correlationId, id: `dissolved-${data.compoundId}-${current.committeeId}` },
        ),
      );
    }
    const next: CommitteeItem = {
      compoundId: data.compoundId,
      kind: 'committee',
      committeeId: data.electionId,
      seats: data.members.length,
      members: data.members.map((m) => ({ personId: m.personId, name: m.name, role: m.role, source: m.source, since: data.termStart })),
      alternates: data.alternates.map((personId) => ({ personId })),
      termStart: data.termStart,
      termEnd: data.termEnd,
      officersDueBy: officersDue,
      released: current ? current.members.map((m) => m.personId).filter((p) => !data.members.some((m) => m.personId === p)) : [],
      revision: (current?.revision ?? 0) + 1,
      applied: [metadata.id],
      recordedAt: clock.nowIso(),
      recordedBy: metadata.actor,
    };
    return { next, events };
  });
  await followUps(data.compoundId);
}

export async function applyRemoved(data: Data<typeof CommitteeMembersRemoved>, metadata: EventMetadata): Promise<void> {
  await change(data.compoundId, (current) => {
    if (!current || current.committeeId !== data.committeeId || current.applied.includes(metadata.id)) return undefined;
    const removed = new Set(data.removed.map((r) => r.personId));
    return {
      next: {
        ...current,
        members: current.members.filter((m) => !removed.has(m.personId)),
        released: [...removed],
        revision: current.revision + 1,
        applied: applied(current, metadata.id),
        recordedAt: clock.nowIso(),
        recordedBy: metadata.actor,
      },
      events: [],
    };
  });
  await followUps(data.compoundId);
}

export async function applySeatFilled(data: Data<typeof CommitteeSeatFilled>, metadata: EventMetadata): Promise<void> {
  await change(data.compoundId, (current) => {
    if (!current || current.committeeId !== data.committeeId || current.applied.includes(metadata.id)) return undefined;
    if (current.members.some((m) => m.personId === data.personId)) return undefined;
    const member: CommitteeMember = { personId: data.personId, name: data.name, role: 'member', since: metadata.occurredAt };
    return {
      next: {
        ...current,
        members: [...current.members, member],
        alternates: current.alternates.filter((a) => a.personId !== data.personId),
        released: [],
        revision: current.revision + 1,
        applied: applied(current, metadata.id),
        recordedAt: clock.nowIso(),
        recordedBy: metadata.actor,
      },
      events: [],
    };
  });
  await followUps(data.compoundId);
}

/** Flag a sitting member the negative list caught (once per record), or clear the flag when none is left. */
async function syncFlag(compoundId: string, personId: string, active: readonly Disqualification[], actor: string, correlationId?: string): Promise<void> {
  await change(compoundId, (current) => {
    if (!current || current.endedAt) return undefined;
    const member = current.members.find((m) => m.personId === personId);
    if (!member) return undefined;
    const at = clock.nowIso();
    const base = { compoundId, actor, occurredAt: at, correlationId };
    if (active.length > 0) {
      if (member.disqualified) return undefined;
      const first = active[0]!;
      const flagged = { ...member, disqualified: { reason: first.reason, sourceRef: first.sourceRef, at } };
      return {
        next: { ...current, members: current.members.map((m) => (m.personId === personId ? flagged : m)), revision: current.revision + 1, recordedAt: at, recordedBy: actor },
        events: [
          CommitteeMemberDisqualified.create(
            { compoundId, committeeId: current.committeeId, personId, reason: first.reason, sourceRef: first.sourceRef },
            { ...base, id: `member-disqualified-${compoundId}-${current.committeeId}-${personId}-${first.sourceRef}` },
          ),
        ],
      };
    }
    if (!member.disqualified) return undefined;
    const { disqualified: _d, ...cleared } = member;
    return {
      next: { ...current, members: current.members.map((m) => (m.personId === personId ? cleared : m)), revision: current.revision + 1, recordedAt: at, recordedBy: actor },
      events: [
        CommitteeMemberRequalified.create(
          { compoundId, committeeId: current.committeeId, personId },
          { ...base, id: `member-requalified-${compoundId}-${current.committeeId}-${personId}-${member.disqualified.sourceRef}` },
        ),
      ],
    };
  });
}

/** A person's negative-list state changed: every committee they sit on follows. */
export async function personListChanged(personId: string, seats: readonly { compoundId: string }[], actor: string, correlationId?: string): Promise<void> {
  if (seats.length === 0) return;
  const active = await activeDisqualifications(personId);
  for (const seat of seats) {
    await syncFlag(seat.compoundId, personId, active, actor, correlationId);
    await refreshSummary(seat.compoundId);
  }
}

/**
 * What follows a change of the committee, idempotently: who sits where (seats), pool statuses
 * (serving while on the committee, available again when they leave or the term ends), negative-list
 * flags of the members, and the compound's summary.
 */
export async function followUps(compoundId: string): Promise<void> {
  const committee = await getCommittee(compoundId, true);
  if (committee) {
    const sitting = committee.endedAt ? [] : committee.members;
    const leaving = committee.endedAt ? committee.members.map((m) => m.personId) : (committee.released ?? []).filter((p) => !sitting.some((m) => m.personId === p));
    for (const personId of leaving) {
      await deleteSeat(personId, compoundId);
      await releaseFromPool(personId, compoundId, committee.recordedBy);
    }
    for (const member of sitting) {
      await putSeat(member.personId, compoundId, committee.committeeId);
      await serveFromPool(member.personId, compoundId, committee.recordedBy);
    }
    const listed = await disqualifiedAmong(sitting.map((m) => m.personId));
    for (const member of sitting) {
      const active = listed.get(member.personId) ?? [];
      if (!!member.disqualified !== active.length > 0) await syncFlag(compoundId, member.personId, active, 'elections');
    }
  }
  await refreshSummary(compoundId);
}

async function serveFromPool(personId: string, compoundId: string, actor: string): Promise<void> {
  const person = await getPoolPerson(personId, true);
  if (!person || person.status !== 'available') return;
  const at = clock.nowIso();
  const event = PoolStatusChanged.create(
    { personId, streetId: person.streetId, status: 'serving', previous: 'available', compoundId },
    { compoundId, actor, occurredAt: at, id: `pool-serving-${personId}-${compoundId}-${person.updatedAt}` },
  );
  await setPoolStatus(personId, 'available', { status: 'serving', servingCompoundId: compoundId, updatedAt: at }, [event]);
}

async function releaseFromPool(personId: string, compoundId: string, actor: string): Promise<void> {
  const person = await getPoolPerson(personId, true);
  if (!person || person.status !== 'serving' || person.servingCompoundId !== compoundId) return;
  const at = clock.nowIso();
  const event = PoolStatusChanged.create(
    { personId, streetId: person.streetId, status: 'available', previous: 'serving', compoundId },
    { compoundId, actor, occurredAt: at, id: `pool-available-${personId}-${compoundId}-${person.updatedAt}` },
  );
  await setPoolStatus(personId, 'serving', { status: 'available', updatedAt: at }, [event]);
}

/** Recompute the compound's summary from its committee, its members' pool records and its profile. */
export async function refreshSummary(compoundId: string): Promise<void> {
  const compound = await getCompound(compoundId);
  if (!compound) return;
  const committee = await getCommittee(compoundId, true);
  const inOffice = committee && !committee.endedAt ? committee : undefined;
  const people = inOffice ? await poolPeople(inOffice.members.map((m) => m.personId)) : new Map();
  const attributes = new Map([...people].map(([id, p]) => [id, p.attributes]));
  const profile = await getProfile(compoundId);
  const summary = summarizeCompound(compound, inOffice, attributes, profile?.partyBranch ?? false);
  await putSummary({ ...summary, ...(committee?.endedAt ? { lastCommittee: { kind: committee.kind, termEnd: committee.termEnd, endedAt: committee.endedAt } } : {}) }, clock.nowIso());
}

/** Recompute a street's pool summary (a street vets some tens of people). */
export async function refreshPoolSummary(districtId: string, streetId: string): Promise<void> {
  const people = await poolOfStreet(districtId, streetId);
  await putPoolSummary(summarizePool(districtId, streetId, people), clock.nowIso());
}
