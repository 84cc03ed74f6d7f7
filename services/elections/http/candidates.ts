import { CandidateNominated } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, notReady, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { checkOwnerNominee, normalizeName, poolMemberOwns } from '../domain/candidates';
import { membershipProblem } from '../domain/committee';
import { candidateWarnings } from '../lifecycle';
import { countCandidates, pageCandidates, putCandidate, type CandidateItem } from '../store/candidates';
import { getCommittee } from '../store/committee';
import { activeDisqualifications } from '../store/negative-list';
import { getPoolPerson } from '../store/pool';
import { getCompound, loadActiveRoll } from '../store/registry';
import { routes } from '../topology';
import { requireVote } from './votes';

const nominate = implement(routes.nominate, async ({ params, body, principal }) => {
  const vote = await requireVote(params.compoundId, params.voteId, true);
  if (vote.kind !== 'election') throw ruleBroken('candidates stand in elections, not in resolutions');
  if (vote.status !== 'scheduled') throw conflict('nominations close when voting opens');
  const active = await activeDisqualifications(body.personId);
  if (active.length) {
    throw ruleBroken(
      `${body.personId} is on the negative list`,
      active.map((d) => ({ field: 'body.personId', reason: `${d.reason} (source: ${d.sourceRef})` })),
    );
  }
  const compound = await getCompound(params.compoundId);
  const roll = compound && (await loadActiveRoll(compound));
  if (!compound || !roll) throw notReady('the compound’s roll has not reached this service completely yet; retry shortly');
  if (vote.purpose === 'by_election') {
    const committee = await getCommittee(params.compoundId);
    if (committee?.members.some((m) => m.personId === body.personId)) throw ruleBroken(`${body.personId} already sits on the committee`, [{ field: 'body.personId', reason: 'a sitting member' }]);
  }
  const warnings: string[] = [];
  let candidate: CandidateItem;
  const now = clock.nowIso();
  if (body.source === 'owners') {
    // An owners' nominee stands under the roll's identity: owner of a unit here, by the roll's name.
    const check = checkOwnerNominee(roll.units, body.personId, body.name, body.unitId);
    if (!check.ok) throw ruleBroken(check.detail, [{ field: check.field, reason: check.reason }]);
    if (!check.nameChecked) warnings.push('the roll held here carries no owner names: the name could not be checked against the roll');
    candidate = {
      personId: body.personId,
      name: check.nameOnRoll ?? body.name,
      source: 'owners',
      ownsUnitHere: true,
      unitId: check.unitId,
      nameChecked: check.nameChecked,
      nominatedBy: principal.subject,
      nominatedAt: now,
    };
  } else {
    const person = await getPoolPerson(body.personId, true);
    if (!person) throw ruleBroken(`${body.personId} is not in the reserve pool`, [{ field: 'body.personId', reason: 'not in the pool' }]);
    if (person.status !== 'available') throw ruleBroken(`${body.personId} is ${person.status} in the pool`, [{ field: 'body.personId', reason: person.status }]);
    // Vetted for this compound, by the street it is in (stored data, not the nomination).
    if (!person.compounds.includes(params.compoundId) || person.streetId !== compound.streetId || person.districtId !== compound.districtId) {
      throw ruleBroken(`${body.personId} is not vetted for compound ${params.compoundId}`, [{ field: 'body.personId', reason: 'not vetted for this compound' }]);
    }
    if (normalizeName(person.name) !== normalizeName(body.name)) throw ruleBroken(`${body.personId} is in the pool under another name`, [{ field: 'body.name', reason: 'not the name in the pool' }]);
    const owns = poolMemberOwns(roll.units, person.name, body.unitId);
    const problem = membershipProblem(owns.owns, person.nonOwnerException !== undefined);
    if (problem) throw ruleBroken(problem, [{ field: body.unitId ? 'body.unitId' : 'body.personId', reason: owns.reason ?? 'not an owner here' }]);
    candidate = {
      personId: body.personId,
      name: person.name,
      source: 'pool',
      ownsUnitHere: owns.owns,
      ...(owns.owns ? { unitId: body.unitId } : {}),
      nameChecked: true,
      ...(owns.owns ? {} : { nonOwnerException: person.nonOwnerException }),
      nominatedBy: principal.subject,
      nominatedAt: now,
    };
  }
  const event = CandidateNominated.create(
    {
      compoundId: vote.compoundId,
      voteId: vote.voteId,
      personId: candidate.personId,
      name: candidate.name,
      source: candidate.source,
      ownsUnitHere: candidate.ownsUnitHere,
      unitId: candidate.unitId,
      nameChecked: candidate.nameChecked,
      nonOwnerException: candidate.nonOwnerException,
    },
    {
      compoundId: vote.compoundId,
      actor: principal.subject,
      occurredAt: now,
      correlationId: `vote-${vote.compoundId}-${vote.voteId}`,
      id: `nominated-${vote.compoundId}-${vote.voteId}-${candidate.personId}`,
    },
  );
  await putCandidate(vote, candidate, [event]);
  warnings.push(...candidateWarnings(vote, await countCandidates(vote)));
  return { status: 201, body: { ...candidate, warnings } };
});

const listCandidates = implement(routes.listCandidates, async ({ params, query }) => {
  const vote = await requireVote(params.compoundId, params.voteId);
  return { body: await pageCandidates(vote, query.limit, query.cursor) };
});

export const candidateRoutes = [nominate, listCandidates];
