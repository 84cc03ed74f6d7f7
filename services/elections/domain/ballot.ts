/**
 * What a valid ballot is, by the kind of vote: a resolution (or a removal of committee members)
 * takes one of for, against, abstain; an election takes up to `seats` distinct candidates of the
 * election (an empty list takes part without supporting anyone). The choice is stored canonically
 * (candidates sorted), so the receipt does not depend on the order the voter listed them in.
 */
export type BallotBody = { choice: 'for' | 'against' | 'abstain' } | { candidates: string[] };

export type BallotCheck = { ok: true; choice: string | string[] } | { ok: false; detail: string; field: string; reason: string };

export function checkBallot(vote: { kind: 'resolution' | 'election' | 'removal'; seats?: number }, body: BallotBody, candidates: ReadonlySet<string>): BallotCheck {
  if (vote.kind !== 'election') {
    if (!('choice' in body)) return { ok: false, detail: 'this vote takes {"choice": "for" | "against" | "abstain"}', field: 'body.choice', reason: 'required' };
    return { ok: true, choice: body.choice };
  }
  if (!('candidates' in body)) return { ok: false, detail: 'an election ballot lists candidates: {"candidates": [...]}', field: 'body.candidates', reason: 'required' };
  const seats = vote.seats ?? 0;
  if (body.candidates.length > seats) return { ok: false, detail: `vote for at most ${seats} candidates`, field: 'body.candidates', reason: 'too many' };
  if (new Set(body.candidates).size !== body.candidates.length) return { ok: false, detail: 'a candidate is listed twice', field: 'body.candidates', reason: 'duplicate' };
  const unknown = body.candidates.filter((c) => !candidates.has(c));
  if (unknown.length) return { ok: false, detail: `not candidates: ${unknown.join(', ')}`, field: 'body.candidates', reason: 'unknown candidate' };
  return { ok: true, choice: [...body.candidates].sort() };
}
