import fc from 'fast-check';
import { checkBallot } from './ballot';
import { buildLog, commitmentOf, firstBrokenEntry, headOf, publicEntry, receiptOf } from './ballot-log';
import { checkOwnerNominee, normalizeName, poolMemberOwns, type RollUnit } from './candidates';
import { committeeSizeProblem, fillVacancies, finalSeats, formCommittee, membershipProblem, minimumSeats, temporaryCommitteeProblem, DEFAULT_COMMITTEE_RULES } from './committee';
import { countFrom, objectionOpen, officersDueBy, officersOverdue, votingOpen } from './deadlines';
import { parsePoolCsv, POOL_COLUMNS } from './pool';
import { aggregate, flagsOf, summarizeCompound, summarizePool, type CompoundSummary } from './report';
import { electionOutcome, tallyElection, tallyResolution } from './tally';
import { verifyVoteLog, type PublishedVoteLog } from './verify';

describe('the committee an election forms (odd, 5 to 11; 3 for at most 100 households)', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

  test.each([
    [100, 3],
    [101, 5],
    [1, 3],
    [600, 5],
  ])('a compound of %d households needs at least %d', (households, min) => expect(minimumSeats(households)).toBe(min));

  test.each([
    // households, elected, formed size (undefined: no committee)
    [100, 2, undefined],
    [100, 3, 3],
    [100, 4, 3],
    [100, 5, 5],
    [101, 3, undefined],
    [101, 4, undefined],
    [101, 5, 5],
    [101, 6, 5],
    [101, 7, 7],
    [600, 10, 9],
    [600, 11, 11],
    [600, 3, undefined],
  ])('%d households, %d elected → %s', (households, elected, size) => {
    const formation = formCommittee('committee', households, ids(elected), ['alt']);
    if (size === undefined) {
      expect(formation).toEqual({ formed: false, reason: 'too_few_elected', elected, needed: minimumSeats(households), alternates: ['alt'] });
    } else {
      expect(formation).toMatchObject({ formed: true, size, members: ids(elected).slice(0, size) });
      // An elected candidate left over by the odd rule heads the alternates.
      expect(formation.alternates).toEqual([...ids(elected).slice(size), 'alt']);
    }
  });

  test('whatever is elected, a committee formed is odd, within bounds, and the first of the elected in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 5000 }), (elected, households) => {
        const f = formCommittee('committee', households, ids(elected), []);
        if (!f.formed) return elected < minimumSeats(households);
        return (
          f.size % 2 === 1 && f.size >= minimumSeats(households) && f.size <= 11 && committeeSizeProblem(f.size, households) === undefined && f.members.join() === ids(elected).slice(0, f.size).join()
        );
      }),
    );
  });

  test('a by-election fills whatever seats it elects, at least one', () => {
    expect(formCommittee('by_election', 600, [], ['a'])).toMatchObject({ formed: false, reason: 'too_few_elected', needed: 1 });
    expect(formCommittee('by_election', 600, ['x', 'y'], [])).toMatchObject({ formed: true, size: 2, members: ['x', 'y'] });
  });

  test('the final check: a disqualified winner’s seat goes to the first eligible alternate, then the odd rule applies', () => {
    const t = (candidateId: string) => ({ candidateId, forArea: 0, forHeadcount: 0 });
    const allocation = { elected: ['a', 'b', 'c', 'd', 'e'].map(t), alternates: ['x', 'y'].map(t) };
    expect(finalSeats('committee', 600, allocation, (p) => p === 'b' || p === 'x')).toEqual({
      formation: { formed: true, size: 5, members: ['a', 'c', 'd', 'e', 'y'], alternates: [] },
      dropped: ['b', 'x'],
    });
    // Two winners out and one alternate left: 4 seated is below 5, no committee.
    expect(finalSeats('committee', 600, allocation, (p) => p === 'a' || p === 'b' || p === 'x').formation).toMatchObject({ formed: false, elected: 4, needed: 5 });
  });

  test('removed members’ seats go to the eligible alternates in order, or wait for a by-election', () => {
    expect(fillVacancies(2, ['x', 'y', 'z'], 'fill_from_alternates', (p) => p === 'x')).toEqual({ filledBy: ['y', 'z'], remainingAlternates: ['x'], vacancies: 0 });
    expect(fillVacancies(2, ['x'], 'fill_from_alternates', () => false)).toEqual({ filledBy: ['x'], remainingAlternates: [], vacancies: 1 });
    expect(fillVacancies(2, ['x'], 'by_election', () => false)).toEqual({ filledBy: [], remainingAlternates: ['x'], vacancies: 2 });
  });

  test('outcomes: no quorum, nobody with a majority, too few for a committee, passed', () => {
    const formed = formCommittee('committee', 600, ids(5), []);
    const short = formCommittee('committee', 600, ids(3), []);
    expect(electionOutcome(false, 5, formed)).toEqual({ passed: false, reason: 'no_quorum' });
    expect(electionOutcome(true, 0, formCommittee('committee', 600, [], []))).toEqual({ passed: false, reason: 'not_enough_votes' });
    expect(electionOutcome(true, 3, short)).toEqual({ passed: false, reason: 'too_few_elected' });
    expect(electionOutcome(true, 5, formed)).toEqual({ passed: true });
  });
});

describe('temporary committee and who may sit', () => {
  test.each([
    [6, 6, false],
    [7, 4, true],
    [7, 3, false], // owners below half
    [8, 8, false], // even
    [9, 5, true],
    [11, 6, true],
    [13, 13, false],
  ])('%d members with %d owners: allowed %s', (size, owners, ok) => expect(temporaryCommitteeProblem(size, owners) === undefined).toBe(ok));

  test('members own a unit here, unless the city allows an exception the pool records', () => {
    expect(membershipProblem(true, false)).toBeUndefined();
    expect(membershipProblem(false, true)).toBeUndefined();
    expect(membershipProblem(false, false)).toMatch(/must own a unit/);
    expect(membershipProblem(false, true, { ...DEFAULT_COMMITTEE_RULES, membership: 'owners_only' })).toMatch(/no exception/);
    expect(membershipProblem(false, false, { ...DEFAULT_COMMITTEE_RULES, membership: 'anyone' })).toBeUndefined();
  });
});

describe('time rules', () => {
  const vote = { status: 'open', opensAt: '2026-03-16T00:00:00.000Z', closesAt: '2026-03-30T00:00:00.000Z' };
  test('a ballot is on time from the opening (included) to the closing (excluded)', () => {
    expect(votingOpen(vote, '2026-03-15T23:59:59.999Z')).toBe(false);
    expect(votingOpen(vote, '2026-03-16T00:00:00.000Z')).toBe(true);
    expect(votingOpen(vote, '2026-03-29T23:59:59.999Z')).toBe(true);
    expect(votingOpen(vote, '2026-03-30T00:00:00.000Z')).toBe(false);
    expect(votingOpen({ ...vote, status: 'scheduled' }, '2026-03-20T00:00:00.000Z')).toBe(false);
    expect(countFrom(vote.closesAt)).toBe('2026-03-30T00:01:00.000Z');
  });
  test('objections while preliminary, until the end of the period (excluded)', () => {
    const preliminary = { status: 'preliminary', objectionEndsAt: '2026-04-06T00:00:00.000Z' };
    expect(objectionOpen(preliminary, '2026-04-05T23:59:59.999Z')).toBe(true);
    expect(objectionOpen(preliminary, '2026-04-06T00:00:00.000Z')).toBe(false);
    expect(objectionOpen({ ...preliminary, status: 'final' }, '2026-04-01T00:00:00.000Z')).toBe(false);
  });
  test('officers are due within 7 days of the election (to 24:00 Beijing of the 7th day after, past a weekend; holidays: deadlines.test.ts); overdue only without a chair', () => {
    // Elected Fri 1 May 2026, 16:00 Beijing: 2 … 8 May, ends 00:00 Sat 9 May.
    const due = officersDueBy('2026-05-01T08:00:00.000Z', 7);
    expect(due).toBe('2026-05-08T16:00:00.000Z');
    // Elected Sun 3 May: the 7th day after is Sun 10 May, moved to Mon 11 May.
    expect(officersDueBy('2026-05-03T08:00:00.000Z', 7)).toBe('2026-05-11T16:00:00.000Z');
    const committee = { kind: 'committee', officersDueBy: due, members: [{ role: 'member' }] };
    expect(officersOverdue(committee, '2026-05-08T15:59:59.999Z')).toBe(false);
    expect(officersOverdue(committee, '2026-05-08T16:00:00.000Z')).toBe(true);
    expect(officersOverdue({ ...committee, members: [{ role: 'chair' }] }, '2026-06-01T00:00:00.000Z')).toBe(false);
    expect(officersOverdue({ ...committee, kind: 'temporary_committee' }, '2026-06-01T00:00:00.000Z')).toBe(false);
  });
});

describe('ballot validity', () => {
  const candidates = new Set(['a', 'b', 'c']);
  test('a resolution or removal takes a choice; an election up to its seats of distinct candidates, sorted', () => {
    expect(checkBallot({ kind: 'resolution' }, { choice: 'for' }, candidates)).toEqual({ ok: true, choice: 'for' });
    expect(checkBallot({ kind: 'removal' }, { choice: 'against' }, candidates)).toEqual({ ok: true, choice: 'against' });
    expect(checkBallot({ kind: 'resolution' }, { candidates: ['a'] }, candidates)).toMatchObject({ ok: false, field: 'body.choice' });
    expect(checkBallot({ kind: 'election', seats: 2 }, { choice: 'for' }, candidates)).toMatchObject({ ok: false, field: 'body.candidates' });
    expect(checkBallot({ kind: 'election', seats: 2 }, { candidates: ['c', 'a'] }, candidates)).toEqual({ ok: true, choice: ['a', 'c'] });
    expect(checkBallot({ kind: 'election', seats: 2 }, { candidates: [] }, candidates)).toEqual({ ok: true, choice: [] });
    expect(checkBallot({ kind: 'election', seats: 2 }, { candidates: ['a', 'b', 'c'] }, candidates)).toMatchObject({ ok: false, reason: 'too many' });
    expect(checkBallot({ kind: 'election', seats: 2 }, { candidates: ['a', 'a'] }, candidates)).toMatchObject({ ok: false, reason: 'duplicate' });
    expect(checkBallot({ kind: 'election', seats: 2 }, { candidates: ['z'] }, candidates)).toMatchObject({ ok: false, reason: 'unknown candidate' });
  });
});

describe('nominees and the roll', () => {
  const roll: RollUnit[] = [
    { unitId: 'B1-101', buildingId: 'B1', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1', ownerName: 'Chen  Mei', registered: true },
    { unitId: 'B1-102', buildingId: 'B1', area: 9000, areaSource: 'register', holding: 'owned', ownerId: 'O1', ownerName: 'Chen Mei', registered: true },
    { unitId: 'B1-103', buildingId: 'B1', area: 9000, areaSource: 'contract', holding: 'unsold', ownerId: 'DEV', ownerName: 'developer', registered: false },
    { unitId: 'B1-104', buildingId: 'B1', area: 9000, areaSource: 'register', holding: 'owned', ownerId: 'O4', registered: true },
  ];
  test('an owner stands under the roll’s name, on one of their units', () => {
    expect(checkOwnerNominee(roll, 'O1', 'ＣＨＥＮ mei', 'B1-102')).toEqual({ ok: true, unitId: 'B1-102', nameOnRoll: 'Chen  Mei', nameChecked: true });
    expect(checkOwnerNominee(roll, 'O1', 'Chen Wei')).toMatchObject({ ok: false, field: 'body.name' });
    expect(checkOwnerNominee(roll, 'O1', 'Chen Mei', 'B1-104')).toMatchObject({ ok: false, field: 'body.unitId' });
    expect(checkOwnerNominee(roll, 'DEV', 'developer')).toMatchObject({ ok: false, field: 'body.personId' });
    expect(checkOwnerNominee(roll, 'O9', 'Nobody')).toMatchObject({ ok: false, field: 'body.personId' });
    // A roll without names: ownership is checked, the name cannot be.
    expect(checkOwnerNominee(roll, 'O4', 'Anyone')).toEqual({ ok: true, unitId: 'B1-104', nameChecked: false });
  });
  test('a pool member owns a unit here when the unit is held under their name', () => {
    expect(poolMemberOwns(roll, 'chen mei', 'B1-101')).toEqual({ owns: true, rollOwnerId: 'O1' });
    expect(poolMemberOwns(roll, 'Lin Fang', 'B1-101')).toMatchObject({ owns: false });
    expect(poolMemberOwns(roll, 'Lin Fang', undefined)).toMatchObject({ owns: false });
    expect(poolMemberOwns(roll, 'developer', 'B1-103')).toMatchObject({ owns: false });
    expect(poolMemberOwns(roll, 'Anyone', 'B1-104')).toMatchObject({ owns: false, reason: expect.stringMatching(/no names/) });
    expect(normalizeName(' Wang\u3000Li ')).toBe('wang li');
  });
});

describe('the published log: areas committed, opened only for inspectors', () => {
  const ballots = ['O1', 'O2', 'O3', 'O4', 'O5'].map((voterId, i) => {
    const record = {
      voteId: 'V',
      voterId,
      choice: i < 3 ? 'for' : 'against',
      area: 9000 + i,
      headcount: 1,
      castAt: '2026-03-20T00:00:00.000Z',
      nonce: `n${i}`,
      channel: i === 4 ? ('paper' as const) : ('online' as const),
    };
    return { ...record, receipt: receiptOf(record), salt: `salt-${i}`, byProxy: i === 3 };
  });
  const weighted = buildLog(ballots);
  const result = tallyResolution('other_major', { totalArea: 45_010 + 1000, totalHeadcount: 6 }, ballots);
  const doc = (entries: PublishedVoteLog['entries'], view: PublishedVoteLog['view']): PublishedVoteLog => ({
    vote: { compoundId: 'C', voteId: 'V', kind: 'resolution', matter: 'other_major', totalArea: 46_010, totalHeadcount: 6 },
    head: headOf(weighted),
    view,
    entries,
    result,
  });

  test('the public entries carry no area; the chain is the same in both views', () => {
    const pub = weighted.map(publicEntry);
    expect(JSON.stringify(pub)).not.toMatch(/"area"|salt|9000|paper|online|byProxy/);
    expect(headOf(pub)).toBe(headOf(weighted));
    expect(firstBrokenEntry(pub)).toBeUndefined();
    const w = weighted[0]!;
    expect(pub[0]!.commitment).toBe(commitmentOf(pub[0]!.receipt, { area: w.area, channel: w.channel, byProxy: w.byProxy }, w.salt));
  });

  test('the public log verifies headcounts and that the outcome follows from the figures; the weighted log the whole tally', () => {
    expect(verifyVoteLog(doc(weighted.map(publicEntry), 'public'))).toMatchObject({
      ok: true,
      view: 'public',
      headcounts: { participating: 5, for: 3, against: 2 },
      outcomeFromFigures: { passed: true },
    });
    expect(verifyVoteLog(doc(weighted, 'weighted'))).toMatchObject({ ok: true, view: 'weighted', recomputed: { figures: result.figures } });
  });

  test('a changed area, a changed choice or a changed published figure is found', () => {
    const heavier = weighted.map((e, i) => (i === 2 ? { ...e, area: e.area + 1 } : e));
    expect(verifyVoteLog(doc(heavier, 'weighted')).problems[0]).toMatch(/entry 2: the area, channel or proxy flag does not open its commitment/);
    const flipped = weighted.map(publicEntry).map((e, i) => (i === 1 ? { ...e, choice: e.choice === 'for' ? 'against' : 'for' } : e));
    expect(verifyVoteLog(doc(flipped, 'public')).problems[0]).toMatch(/entry 1: .*altered/);
    const claimed = { ...doc(weighted.map(publicEntry), 'public'), result: { ...result, outcome: { passed: false as const, reason: 'no_quorum' as const } } };
    expect(verifyVoteLog(claimed).problems).toContain('the published outcome does not follow from the published figures');
    const inflated = { ...doc(weighted.map(publicEntry), 'public'), result: { ...result, figures: { ...result.figures, forHeadcount: 4 } } };
    expect(verifyVoteLog(inflated).problems.join()).toMatch(/headcount for: the log gives 3, the result 4/);
  });

  test('an election log verifies its committee formation too', () => {
    const ballots = Array.from({ length: 6 }, (_, i) => {
      const record = { voteId: 'E', voterId: `O${i}`, choice: ['a', 'b', 'c'], area: 100, headcount: 1, castAt: '2026-03-20T00:00:00.000Z', nonce: `n${i}`, channel: 'online' as const };
      return { ...record, receipt: receiptOf(record), salt: `s${i}`, byProxy: false };
    });
    const log = buildLog(ballots);
    const r = tallyElection(3, [{ candidateId: 'a', name: 'A' }, 'b', 'c'], { totalArea: 700, totalHeadcount: 7 }, ballots, { purpose: 'committee', households: 7 });
    expect(r.committee).toMatchObject({ formed: true, size: 3 });
    const published: PublishedVoteLog = {
      vote: {
        compoundId: 'C',
        voteId: 'E',
        kind: 'election',
        matter: 'committee_election',
        seats: 3,
        purpose: 'committee',
        households: 7,
        candidates: [{ candidateId: 'a', name: 'A' }, { candidateId: 'b' }, { candidateId: 'c' }],
        totalArea: 700,
        totalHeadcount: 7,
      },
      head: headOf(log),
      view: 'weighted',
      entries: log,
      result: r,
    };
    expect(verifyVoteLog(published)).toMatchObject({ ok: true });
    expect(verifyVoteLog({ ...published, result: { ...r, committee: { ...r.committee, size: 1 } as never } }).ok).toBe(false);
  });
});

describe('pool import (CSV, all or nothing, per line)', () => {
  const header = POOL_COLUMNS.join(',');
  test('a good file', () => {
    const parsed = parsePoolCsv(`${header}\nP-1,Chen Hua,c1 c2,yes,yes,,no,,,\nP-2,Lin Fang,c1,no,,yes,,,,community party secretary\n`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ line: 2, personId: 'P-1', compounds: ['c1', 'c2'], attributes: { partyMember: true, partyBranchSecretary: true, communityCommitteeMember: false } });
    expect(parsed.rows[1]).toMatchObject({ nonOwnerException: 'community party secretary' });
  });
  test('bad lines are reported each, and nothing is kept', () => {
    const parsed = parsePoolCsv(`${header}\nP-1,Chen Hua,c1,maybe,,,,,,\n,No Id,c1,,,,,,,\nP-1,Again,c1,,,,,,,\nP-4,,,,,,,,,\n`);
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors.map((e) => `${e.line}:${e.field}`)).toEqual(['2:party_member', '3:person_id', '4:person_id', '5:name', '5:compounds']);
    expect(parsePoolCsv('person_id,name\nP-1,x\n').errors[0]).toMatchObject({ line: 1, field: 'header' });
  });
});

describe('city report from summaries', () => {
  const place = { districtId: 'D1', streetId: 'S1', communityId: 'K1' };
  const attrs = (partyMember: boolean, partyBranchSecretary = false) => ({
    partyMember,
    partyBranchSecretary,
    communityCommitteeMember: false,
    retiredCadre: false,
    deputyOrCppcc: false,
    modelWorker: false,
  });
  const committee = (kind: 'committee' | 'temporary_committee', members: string[], termStart = '2026-02-01T00:00:00.000Z') => ({
    kind,
    committeeId: `${kind}-x`,
    seats: members.length,
    members: members.map((personId, i) => ({ personId, role: i === 0 ? ('chair' as const) : ('member' as const) })),
    termStart,
    termEnd: '2031-02-01T00:00:00.000Z',
    officersDueBy: '2026-02-08T00:00:00.000Z',
  });
  const pool = new Map([
    ['p1', attrs(true, true)],
    ['p2', attrs(true)],
    ['p3', attrs(true)],
    ['t1', attrs(true)],
    ['t2', attrs(true)],
  ]);

  test('the party-majority share is of formal committees only (Quanzhou: 988 of 1,504)', () => {
    const red = summarizeCompound({ compoundId: 'c1', ...place }, committee('committee', ['p1', 'p2', 'p3', 'o1', 'o2']), pool, true);
    const plain = summarizeCompound({ compoundId: 'c2', ...place }, committee('committee', ['p1', 'o1', 'o2', 'o3', 'o4']), pool, false);
    const temporary = summarizeCompound({ compoundId: 'c3', ...place }, committee('temporary_committee', ['t1', 't2', 'x', 'y', 'z', 'w', 'v']), pool, false);
    const none = summarizeCompound({ compoundId: 'c4', ...place }, undefined, pool, true);
    expect(red).toMatchObject({ partyMajority: true, partyMembers: 3, chairIsBranchSecretary: true });
    expect(plain.partyMajority).toBe(false);
    const report = aggregate(
      [red, plain, temporary, none],
      [
        summarizePool('D1', 'S1', [
          { status: 'serving', attributes: attrs(true) },
          { status: 'available', attributes: {} },
        ]),
      ],
      '2026-06-01T00:00:00.000Z',
      { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
    );
    expect(report).toMatchObject({
      compounds: 4,
      formalCommittees: 2,
      temporaryCommittees: 1,
      withoutCommittee: 1,
      committeesWithPartyMajority: 1,
      partyMajorityPercent: '50.00',
      partyBranches: 2,
      pool: { total: 2, serving: 1, partyMembers: 1 },
    });
    expect(report.period).toMatchObject({ committeesElected: 2, temporaryCommitteesFormed: 1 });
  });

  test('flags: members below half, the term, a disqualified member, officers late, a term ended with no successor', () => {
    const s = summarizeCompound(
      { compoundId: 'c1', ...place },
      {
        ...committee('committee', ['p1', 'p2']),
        seats: 5,
        members: [
          { personId: 'p1', role: 'member' },
          { personId: 'p2', role: 'member', disqualified: {} },
        ],
      },
      pool,
      false,
    );
    expect(flagsOf(s, '2026-03-01T00:00:00.000Z')).toEqual([
      'below half its seats or below 5 members: a new election is required',
      '1 sitting member(s) on the negative list',
      'no chair recorded within 7 days of the election',
    ]);
    const ended: CompoundSummary = {
      ...summarizeCompound({ compoundId: 'c5', ...place }, undefined, pool, false),
      lastCommittee: { kind: 'temporary_committee', termEnd: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-02T00:00:00.000Z' },
    };
    expect(flagsOf(ended, '2026-03-01T00:00:00.000Z')).toEqual(['temporary committee past its 2-year limit']);
  });
});
