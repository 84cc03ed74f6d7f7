import fc from 'fast-check';
import { buildLog, headOf, publicEntry, receiptOf, removalEntry, type AnyLogEntry, type BallotRecord, type Channel } from './ballot-log';
import { attemptKey, channelsOf, channelsWithout, paperEntryProblem, refusal, type StoredBallot } from './channels';
import { reminderAt, reminderPending } from './deadlines';
import { covers, DEFAULT_PROXY_LIMIT, freezeProxies, proxyCutoff, registrationProblem, revocationProblem, type ProxyRecord } from './proxies';
import { notVotedByBuilding } from './reminders';
import { tallyElection, tallyResolution, withoutBallot } from './tally';
import { verifyVoteLog, type PublishedVoteLog } from './verify';

// Paper ballots, proxies, door-to-door collection and ballot objections (issue 14): the pure rules.

describe('who may enter and witness a paper ballot', () => {
  const entry = { enterer: ['clerk', 'O7'], witnessId: 'O8', voterId: 'O1', stakeholders: new Set(['C1', 'C2']) };

  test('two different people, neither with a stake, neither the voter', () => {
    expect(paperEntryProblem(entry)).toBeUndefined();
    expect(paperEntryProblem({ ...entry, witnessId: 'clerk' })).toMatchObject({ field: 'body.witness.personId', reason: 'same person as the enterer' });
    // The enterer's owner id in the compound is the same person as their user id.
    expect(paperEntryProblem({ ...entry, witnessId: 'O7' })).toMatchObject({ reason: 'same person as the enterer' });
    expect(paperEntryProblem({ ...entry, witnessId: 'C1' })).toMatchObject({ field: 'body.witness.personId', reason: 'a candidate' });
    expect(paperEntryProblem({ ...entry, enterer: ['clerk', 'C2'] })).toMatchObject({ field: 'principal', reason: 'a candidate' });
    expect(paperEntryProblem({ ...entry, witnessId: 'O1' })).toMatchObject({ reason: 'the voter' });
    expect(paperEntryProblem({ ...entry, proxyHolderId: 'H1', witnessId: 'H1' })).toMatchObject({ reason: 'the voter' });
  });
});

describe('one ballot per owner whatever the channel', () => {
  const online: StoredBallot = { channel: 'online', castBy: 'user-O1', castAt: '2026-05-10T00:00:00.000Z' };
  const paper: StoredBallot = { channel: 'paper', castBy: 'clerk', paperNumber: 'P-1', castAt: '2026-05-10T00:00:00.000Z' };

  test('the same ballot sent again is refused without a conflict', () => {
    expect(refusal('O1', online, { channel: 'online', castBy: 'user-O1' })).toMatchObject({ conflict: false });
    // The same sheet entered twice, by anyone.
    expect(refusal('O1', paper, { channel: 'paper', castBy: 'head', paperNumber: 'P-1' })).toMatchObject({ conflict: false });
  });

  test('another channel, the proxy, or another sheet is a conflict the committee sees', () => {
    expect(refusal('O1', online, { channel: 'paper', castBy: 'clerk', paperNumber: 'P-2' })).toMatchObject({
      conflict: true,
      detail: expect.stringMatching(/an online ballot .* recorded as a conflict/),
    });
    expect(refusal('O1', paper, { channel: 'online', castBy: 'user-O1' })).toMatchObject({ conflict: true, detail: expect.stringMatching(/a paper ballot \(no\. P-1\)/) });
    expect(refusal('O1', online, { channel: 'online', castBy: 'user-H1', proxyHolderId: 'H1' })).toMatchObject({ conflict: true });
    expect(refusal('O1', { ...online, castBy: 'user-H1', proxyHolderId: 'H1' }, { channel: 'online', castBy: 'user-O1' })).toMatchObject({
      conflict: true,
      detail: expect.stringMatching(/cast by the proxy H1/),
    });
    expect(refusal('O1', paper, { channel: 'paper', castBy: 'clerk', paperNumber: 'P-2' })).toMatchObject({ conflict: true });
  });

  test('a refused attempt is recorded once per sheet or sender', () => {
    expect(attemptKey({ channel: 'paper', castBy: 'a', paperNumber: 'P-2' })).toBe(attemptKey({ channel: 'paper', castBy: 'b', paperNumber: 'P-2' }));
    expect(attemptKey({ channel: 'online', castBy: 'a' })).not.toBe(attemptKey({ channel: 'online', castBy: 'b' }));
  });

  test('ballots per channel and by proxy; removing one is the same as not counting it', () => {
    const arb = fc.array(fc.record({ channel: fc.constantFrom<Channel>('online', 'paper'), byProxy: fc.boolean(), area: fc.integer({ min: 1, max: 50_000 }), headcount: fc.constant(1) }), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(arb, fc.nat(), (ballots, pick) => {
        const all = channelsOf(ballots);
        expect(all.online.ballots + all.paper.ballots).toBe(ballots.length);
        expect(all.byProxy.ballots).toBe(ballots.filter((b) => b.byProxy).length);
        const i = pick % ballots.length;
        expect(channelsWithout(all, ballots[i]!)).toEqual(channelsOf(ballots.filter((_, j) => j !== i)));
      }),
    );
  });
});

describe('written proxies', () => {
  const vote = { voteId: 'V1', opensAt: '2026-05-16T00:00:00.000Z', closesAt: '2026-05-23T00:00:00.000Z', status: 'scheduled' };
  const before = '2026-05-10T00:00:00.000Z';
  let n = 0;
  const proxy = (ownerId: string, holderId: string, over: Partial<ProxyRecord> = {}): ProxyRecord => ({
    proxyId: `px-${++n}`,
    ownerId,
    holder: { personId: holderId, name: holderId },
    voteId: 'V1',
    from: vote.opensAt,
    until: vote.closesAt,
    documentRef: 'doc/1',
    registeredAt: `2026-05-0${(n % 9) + 1}T00:00:00.000Z`,
    registeredBy: 'committee',
    ...over,
  });

  test('the cutoff is a minute before the opening, and registration stops there', () => {
    expect(proxyCutoff(vote.opensAt)).toBe('2026-05-15T23:59:00.000Z');
    expect(registrationProblem(proxy('O1', 'H'), [], 3, '2026-05-15T23:58:59.999Z', vote)).toBeUndefined();
    expect(registrationProblem(proxy('O1', 'H'), [], 3, '2026-05-15T23:59:00.000Z', vote)).toMatchObject({ kind: 'conflict', reason: 'too late' });
    expect(registrationProblem(proxy('O1', 'H'), [], 3, before, { ...vote, status: 'open' })).toMatchObject({ reason: 'too late' });
  });

  test('not to oneself; one proxy per owner and vote; a holder at most the limit', () => {
    expect(registrationProblem(proxy('O1', 'O1'), [], 3, before, vote)).toMatchObject({ reason: 'the owner' });
    const first = proxy('O1', 'H');
    expect(registrationProblem(proxy('O1', 'K'), [first], 3, before, vote)).toMatchObject({ kind: 'conflict', reason: 'already authorized' });
    const held = [proxy('O1', 'H'), proxy('O2', 'H')];
    expect(registrationProblem(proxy('O3', 'H'), held, 3, before, vote)).toBeUndefined();
    expect(registrationProblem(proxy('O3', 'H'), [...held, proxy('O4', 'H')], 3, before, vote)).toMatchObject({ kind: 'rule', reason: 'proxy limit' });
    // The limit is the compound's: at 2 the third is refused; a revoked one does not count.
    expect(registrationProblem(proxy('O3', 'H'), held, 2, before, vote)).toMatchObject({ reason: 'proxy limit' });
    expect(registrationProblem(proxy('O3', 'H'), [held[0]!, { ...held[1]!, revokedAt: before }], 2, before, vote)).toBeUndefined();
  });

  test('a period: it ends after it starts and is not over; it reaches the votes it holds whole', () => {
    const period = proxy('O1', 'H', { voteId: undefined, from: '2026-05-01T00:00:00.000Z', until: '2026-06-01T00:00:00.000Z' });
    expect(registrationProblem(period, [], 3, before)).toBeUndefined();
    expect(registrationProblem({ ...period, until: period.from }, [], 3, before)).toMatchObject({ reason: 'before from' });
    expect(registrationProblem(period, [], 3, '2026-06-01T00:00:00.000Z')).toMatchObject({ reason: 'in the past' });
    expect(covers(period, vote)).toBe(true);
    expect(covers({ ...period, until: '2026-05-22T23:59:59.999Z' }, vote)).toBe(false);
    expect(covers(proxy('O1', 'H', { voteId: 'V2' }), vote)).toBe(false);
  });

  test('revocation: a vote’s before its cutoff, once', () => {
    const p = proxy('O1', 'H');
    expect(revocationProblem(p, before, vote)).toBeUndefined();
    expect(revocationProblem(p, proxyCutoff(vote.opensAt), vote)).toMatch(/fixed at/);
    expect(revocationProblem({ ...p, revokedAt: before }, before, vote)).toMatch(/was revoked/);
  });

  test('the opening freezes them exactly: by the cutoff, in the electorate, first per owner, the limit per holder', () => {
    const cutoff = proxyCutoff(vote.opensAt);
    const late = proxy('O9', 'H', { registeredAt: cutoff.replace('59:00', '59:01') });
    const revokedEarly = proxy('O8', 'H', { revokedAt: '2026-05-12T00:00:00.000Z' });
    const revokedLate = proxy('O7', 'K', { revokedAt: '2026-05-16T00:00:00.000Z' });
    const ps = [
      proxy('O1', 'H', { registeredAt: '2026-05-01T00:00:00.000Z' }),
      proxy('O2', 'H', { registeredAt: '2026-05-02T00:00:00.000Z' }),
      proxy('O3', 'H', { registeredAt: '2026-05-03T00:00:00.000Z' }),
      proxy('O3', 'K', { registeredAt: '2026-05-04T00:00:00.000Z' }),
      proxy('X', 'K', { registeredAt: '2026-05-04T00:00:00.000Z' }),
      late,
      revokedEarly,
      revokedLate,
    ];
    const frozen = freezeProxies(ps, vote, new Set(['O1', 'O2', 'O3', 'O7', 'O8', 'O9']), 2);
    expect([...frozen.byOwner.entries()].map(([o, p]) => `${o}>${p.holderId}`).sort()).toEqual(['O1>H', 'O2>H', 'O3>K', 'O7>K']);
    // O3's first proxy found its holder full, so the next in force counts (only a race could register both).
    expect(frozen.voided.map((v) => `${v.ownerId}:${v.reason}`).sort()).toEqual(['O3:holder_limit', 'X:not_in_electorate']);
    const again = freezeProxies([proxy('O5', 'H', { registeredAt: '2026-05-01T00:00:00.000Z' }), proxy('O5', 'K', { registeredAt: '2026-05-02T00:00:00.000Z' })], vote, new Set(['O5']), 2);
    expect(again.voided).toEqual([expect.objectContaining({ ownerId: 'O5', reason: 'owner_has_another' })]);
    expect(DEFAULT_PROXY_LIMIT).toBe(3);
  });
});

describe('the reminder two days before the close', () => {
  test('due once, two days before the close, unless the period is shorter', () => {
    const v = { opensAt: '2026-05-16T00:00:00.000Z', closesAt: '2026-05-23T00:00:00.000Z' };
    expect(reminderAt(v.closesAt)).toBe('2026-05-21T00:00:00.000Z');
    expect(reminderPending(v)).toBe(true);
    expect(reminderPending({ ...v, reminderSentAt: '2026-05-21T00:00:00.000Z' })).toBe(false);
    expect(reminderPending({ ...v, closesAt: '2026-05-18T00:00:00.000Z' })).toBe(false);
    expect(reminderPending({ ...v, closesAt: '2026-05-18T00:00:00.001Z' })).toBe(true);
  });

  test('who has not voted, by building, in bounded parts; an owner in two buildings is on both', () => {
    const voters = [
      { voterId: 'O1', buildingIds: ['B1'] },
      { voterId: 'O2', buildingIds: ['B1', 'B2'] },
      { voterId: 'O3', buildingIds: ['B2'] },
      { voterId: 'O4', buildingIds: ['B3'] },
      { voterId: 'O5', buildingIds: ['B2'] },
    ];
    expect(notVotedByBuilding(voters, new Set(['O1', 'O4']))).toEqual([
      { buildingId: 'B1', parts: [['O2']] },
      { buildingId: 'B2', parts: [['O2', 'O3', 'O5']] },
    ]);
    expect(notVotedByBuilding(voters, new Set(), 2).find((b) => b.buildingId === 'B2')!.parts).toEqual([['O2', 'O3'], ['O5']]);
  });
});

describe('an upheld objection strikes a ballot and recounts', () => {
  const choices = ['for', 'against', 'abstain'] as const;
  const ballotArb = fc.record({ choice: fc.constantFrom(...choices), area: fc.integer({ min: 1, max: 40_000 }), headcount: fc.constant(1) });

  test('the recount from the sums equals counting the other ballots afresh (resolutions)', () => {
    fc.assert(
      fc.property(fc.array(ballotArb, { minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom('other_major' as const, 'common_parts_use' as const), (ballots, pick, matter) => {
        const totals = { totalArea: ballots.reduce((s, b) => s + b.area, 0) + 5_000, totalHeadcount: ballots.length + 2 };
        const i = pick % ballots.length;
        const full = tallyResolution(matter, totals, ballots);
        expect(withoutBallot(full, matter, ballots[i]!)).toEqual(
          tallyResolution(
            matter,
            totals,
            ballots.filter((_, j) => j !== i),
          ),
        );
      }),
    );
  });

  test('and for elections (seats, committee formation)', () => {
    const candidates = ['a', 'b', 'c', 'd', 'e', 'f'];
    const arb = fc.record({ choice: fc.subarray(candidates, { maxLength: 5 }).map((c) => [...c].sort()), area: fc.integer({ min: 1, max: 40_000 }), headcount: fc.constant(1) });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 30 }), fc.nat(), (ballots, pick) => {
        const totals = { totalArea: ballots.reduce((s, b) => s + b.area, 0) + 1_000, totalHeadcount: ballots.length + 1 };
        const i = pick % ballots.length;
        const opts = { purpose: 'committee' as const, households: 40 };
        const full = tallyElection(5, candidates, totals, ballots, opts);
        expect(withoutBallot(full, 'committee_election', ballots[i]!)).toEqual(
          tallyElection(
            5,
            candidates,
            totals,
            ballots.filter((_, j) => j !== i),
            opts,
          ),
        );
      }),
    );
  });

  test('at the boundary: 4 of 6 equal owners is exactly 2/3 (quorum); struck to 3, it is not', () => {
    const ballots = Array.from({ length: 4 }, () => ({ choice: 'for', area: 8_000, headcount: 1 }));
    const full = tallyResolution('other_major', { totalArea: 48_000, totalHeadcount: 6 }, ballots);
    expect(full.outcome).toEqual({ passed: true });
    expect(withoutBallot(full, 'other_major', ballots[0]!).outcome).toEqual({ passed: false, reason: 'no_quorum' });
  });

  test('more than half: 3 for of 5 passes; striking one for leaves 2 of 4, exactly half, which fails', () => {
    const ballots = ['for', 'for', 'for', 'against', 'against'].map((choice) => ({ choice, area: 8_000, headcount: 1 }));
    const full = tallyResolution('other_major', { totalArea: 40_000, totalHeadcount: 5 }, ballots);
    expect(full.outcome).toEqual({ passed: true });
    expect(withoutBallot(full, 'other_major', ballots[0]!).outcome).toEqual({ passed: false, reason: 'not_enough_votes' });
    expect(withoutBallot(full, 'other_major', ballots[3]!).outcome).toEqual({ passed: true });
  });
});

describe('the log after an upheld objection, and every channel in it', () => {
  const record = (voterId: string, choice: string, channel: Channel, extra: Partial<BallotRecord> = {}): BallotRecord => ({
    voteId: 'V1',
    voterId,
    choice,
    area: 8_000,
    headcount: 1,
    castAt: '2026-05-20T00:00:00.000Z',
    nonce: `n-${voterId}`,
    channel,
    ...extra,
  });
  const records = [
    record('O1', 'for', 'online'),
    record('O2', 'for', 'paper', { paperNumber: 'P-2' }),
    record('O3', 'for', 'online', { proxyHolderId: 'H' }),
    record('O4', 'for', 'paper', { paperNumber: 'P-4', proxyHolderId: 'K' }),
  ];
  const logged = records.map((r) => ({
    receipt: receiptOf(r),
    choice: r.choice,
    headcount: r.headcount,
    area: r.area,
    channel: r.channel,
    byProxy: r.proxyHolderId !== undefined,
    salt: `s-${r.voterId}`,
  }));
  const totals = { totalArea: 48_000, totalHeadcount: 6 };

  function doc(entries: AnyLogEntry[], counted: typeof logged, view: 'public' | 'weighted'): PublishedVoteLog {
    return {
      vote: { compoundId: 'C', voteId: 'V1', kind: 'resolution', matter: 'other_major', ...totals },
      head: headOf(entries),
      view,
      entries,
      result: tallyResolution('other_major', totals, counted),
      channels: channelsOf(counted),
    };
  }

  test('a removal entry chained after the ballots: the verifier recounts without it, per channel too', () => {
    const ballots = buildLog(logged);
    const struck = logged.find((b) => b.channel === 'paper' && !b.byProxy)!;
    const removal = removalEntry(ballots.length, struck.receipt, 'ob-1', headOf(ballots));
    const remaining = logged.filter((b) => b !== struck);
    const weighted = verifyVoteLog(doc([...ballots, removal], remaining, 'weighted'));
    expect(weighted).toMatchObject({ ok: true, counted: 3, removed: 1, channels: { online: { ballots: 2 }, paper: { ballots: 1 }, byProxy: { ballots: 2 } } });
    expect(weighted.recomputed!.outcome).toEqual({ passed: false, reason: 'no_quorum' });
    expect(verifyVoteLog(doc([...ballots.map(publicEntry), removal], remaining, 'public'))).toMatchObject({ ok: true, counted: 3, removed: 1 });
    // The head saved before the removal is still a link of the chain.
    expect(removal.previousHash).toBe(headOf(ballots));
  });

  test('a log that hides a removal, strikes twice, or misstates the channels is caught', () => {
    const ballots = buildLog(logged);
    const removal = removalEntry(ballots.length, logged[1]!.receipt, 'ob-1', headOf(ballots));
    const remaining = logged.filter((_, i) => i !== 1);
    // The result recounted but the removal left out: the tally does not match the ballots.
    expect(verifyVoteLog(doc(ballots, remaining, 'weighted')).ok).toBe(false);
    const twice = removalEntry(ballots.length + 1, logged[1]!.receipt, 'ob-2', removal.hash);
    expect(verifyVoteLog(doc([...ballots, removal, twice], remaining, 'weighted')).problems[0]).toMatch(/already removed/);
    const unknown = removalEntry(ballots.length, 'f'.repeat(64), 'ob-1', headOf(ballots));
    expect(verifyVoteLog(doc([...ballots, unknown], logged, 'weighted')).problems[0]).toMatch(/not in the log/);
    const lying = { ...doc([...ballots, removal], remaining, 'weighted'), channels: channelsOf(logged) };
    expect(verifyVoteLog(lying).problems.join('\n')).toMatch(/channels/);
    const flag = structuredClone(ballots) as (typeof ballots)[number][];
    flag[0]!.channel = flag[0]!.channel === 'paper' ? 'online' : 'paper';
    expect(verifyVoteLog(doc(flag, logged, 'weighted')).problems[0]).toMatch(/does not open its commitment/);
  });
});
