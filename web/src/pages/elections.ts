import { useState } from 'preact/hooks';
import { all, api, apiMaybe, date } from '../api';
import { html } from '../html';
import { label, t } from '../i18n';
import type { Grant } from '../session';
import { Async, ErrorLine, Status, useAsync, useSubmit } from '../ui';

const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');
const CLOSED = ['preliminary', 'final', 'annulled', 'failed', 'closed'];
const ATTRIBUTES = ['partyMember', 'partyBranchSecretary', 'communityCommitteeMember', 'retiredCadre', 'deputyOrCppcc', 'modelWorker'];

/**
 * Running a committee election (the organisers: the owners' committee of its compound, the street
 * office of its street): call it, nominate candidates while it is announced, open it when its day
 * has come, and after the count see who is elected. The street office also browses the reserve
 * pool it vets (GET /pool is for officials: a committee nominates a pool member by the id and
 * name the street gives it).
 */
export function Elections({ grant, route }: { grant: Grant; route: string[] }) {
  const [, compoundId, voteId] = route;
  if (compoundId && voteId) return html`<${ElectionDetail} compoundId=${compoundId} voteId=${voteId} canBrowsePool=${grant.role === 'street'} />`;
  if (grant.role === 'committee') return html`<${CompoundElections} compoundId=${grant.scope} />`;
  return html`<${StreetElections} streetId=${grant.scope} initial=${compoundId} />`;
}

function StreetElections({ streetId, initial }: { streetId: string; initial?: string }) {
  const compounds = useAsync(() => all<any>(`/compounds?streetId=${encodeURIComponent(streetId)}`), [streetId]);
  const [chosen, setChosen] = useState(initial);
  return html`<${Async} state=${compounds}>${(list: any[]) => {
    const compoundId = chosen ?? list[0]?.compoundId;
    return html`<section class="card"><label for="el-compound" class="strong">${t('compound')}</label>
        <select id="el-compound" value=${compoundId} onChange=${(e: any) => setChosen(e.currentTarget.value)}>${list.map((c) => html`<option value=${c.compoundId}>${c.name}</option>`)}</select></section>
      ${compoundId ? html`<${CompoundElections} compoundId=${compoundId} key=${compoundId} />` : null}`;
  }}<//>`;
}

function CompoundElections({ compoundId }: { compoundId: string }) {
  const votes = useAsync(() => all<any>(`/compounds/${compoundId}/votes`, 100), [compoundId]);
  const [seats, setSeats] = useState(5);
  const [days, setDays] = useState(7);
  const call = useSubmit(async () => {
    const created = await api('POST', `/compounds/${compoundId}/votes`, { kind: 'election', voteId: `election-${stamp()}`, question: t('electionQuestion', seats), seats, votingDays: days });
    votes.reload();
    return created;
  });
  return html`<section class="card" aria-labelledby="el-h"><h1 id="el-h">${t('elections')}</h1>
      <${Async} state=${votes}>${(items: any[]) => {
        const elections = items.filter((v) => v.kind === 'election');
        return elections.length === 0
          ? html`<p class="muted">${t('noElections')}</p>`
          : html`<ul class="list">${elections.map(
              (v) => html`<li><a class="row-link" href=${`#/elections/${compoundId}/${encodeURIComponent(v.voteId)}`}>
                <span class="row-title">${v.question ?? t('kind_election')} · ${t('seatsN', v.seats ?? '')}</span><${Status} code=${v.status} />
                <span class="muted">${t('opens')} ${date(v.opensAt)} · ${t('closes')} ${date(v.closesAt)}</span></a></li>`,
            )}</ul>`;
      }}<//></section>
    <section class="card" aria-labelledby="el-call-h"><h2 id="el-call-h">${t('callElection')}</h2>
      <form onSubmit=${call.run}>
        <label for="el-seats">${t('seats')}</label>
        <input id="el-seats" type="number" min="3" max="11" step="2" required aria-describedby="el-seats-hint" value=${seats} onInput=${(e: any) => setSeats(Number(e.currentTarget.value))} />
        <p id="el-seats-hint" class="muted small">${t('seatsHint')}</p>
        <label for="el-days">${t('votingDays')}</label>
        <input id="el-days" type="number" min="1" max="60" required value=${days} onInput=${(e: any) => setDays(Number(e.currentTarget.value))} />
        <button type="submit" class="primary" disabled=${call.busy}>${t('callElection')}</button>
        <${ErrorLine} error=${call.error} />
        ${call.result ? html`<p class="ok" role="status" data-election=${call.result.voteId}>${t('created')}: <a href=${`#/elections/${compoundId}/${call.result.voteId}`}>${call.result.voteId}</a> · ${t('opens')} ${date(call.result.opensAt)}</p>` : null}
      </form></section>`;
}

/** What was checked about a candidate, in words: where they come from, the roll, ownership. */
function vetting(c: any): string[] {
  return [
    c.source === 'pool' ? t('vet_pool') : t('vet_owners'),
    c.source === 'pool' ? t('vet_namePool') : c.nameChecked ? t('vet_nameChecked') : t('vet_nameUnchecked'),
    c.ownsUnitHere ? t('vet_owns', c.unitId ?? '') : t('vet_nonOwner', c.nonOwnerException ?? ''),
  ];
}

function ElectionDetail({ compoundId, voteId, canBrowsePool }: { compoundId: string; voteId: string; canBrowsePool: boolean }) {
  const vote = useAsync(() => api('GET', `/compounds/${compoundId}/votes/${voteId}`), [compoundId, voteId]);
  const candidates = useAsync(() => all<any>(`/compounds/${compoundId}/votes/${voteId}/candidates`), [compoundId, voteId]);
  const open = useSubmit(async () => {
    const opened = await api('POST', `/compounds/${compoundId}/votes/${voteId}/open`);
    vote.reload();
    return opened;
  });
  const nominated = () => {
    candidates.reload();
    vote.reload();
  };
  return html`<${Async} state=${vote}>${(v: any) => html`
    <section class="card" aria-labelledby="ed-h">
      <p><a href=${`#/elections/${compoundId}`}>← ${t('elections')}</a></p>
      <h1 id="ed-h">${v.question ?? t('kind_election')}</h1>
      <p><${Status} code=${v.status} /></p>
      <dl class="facts"><div><dt>${t('seats')}</dt><dd>${v.seats}</dd></div><div><dt>${t('opens')}</dt><dd>${date(v.opensAt)}</dd></div><div><dt>${t('closes')}</dt><dd>${date(v.closesAt)}</dd></div></dl>
      ${
        v.status === 'scheduled'
          ? html`<button type="button" class="primary" onClick=${open.run} disabled=${open.busy}>${t('openVoting')}</button> <span class="muted small">${t('openVotingHint')}</span>
            <${ErrorLine} error=${open.error} />${open.result ? html`<p class="ok" role="status">${label(open.result.status)}</p>` : null}`
          : null
      }
    </section>
    <section class="card" aria-labelledby="cand-h"><h2 id="cand-h">${t('candidates')}</h2>
      <${Async} state=${candidates}>${(list: any[]) => html`
        ${list.length < (v.seats ?? 0) ? html`<p class="bad" role="note">${t('fewCandidates', list.length, v.seats)}</p>` : null}
        ${
          list.length === 0
            ? html`<p class="muted">${t('noCandidates')}</p>`
            : html`<div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('candidates'))}><table><thead><tr><th scope="col">${t('candidate')}</th><th scope="col">${t('vetting')}</th></tr></thead>
              <tbody>${list.map((c) => html`<tr data-candidate=${c.personId}><th scope="row">${c.name}<br /><span class="muted small">${c.personId}</span></th><td><ul class="plain">${vetting(c).map((line) => html`<li>${line}</li>`)}</ul></td></tr>`)}</tbody></table></div>`
        }`}<//>
    </section>
    ${
      v.status === 'scheduled'
        ? html`${canBrowsePool ? html`<${PoolPicker} compoundId=${compoundId} voteId=${voteId} taken=${(candidates.data ?? []).map((c: any) => c.personId)} onNominated=${nominated} />` : html`<p class="muted small card">${t('poolByStreet')}</p>`}
          <${Nominate} compoundId=${compoundId} voteId=${voteId} onNominated=${nominated} />`
        : null
    }
    ${CLOSED.includes(v.status) ? html`<${ElectionSeats} compoundId=${compoundId} voteId=${voteId} final=${v.status === 'final'} />` : null}
    ${v.status === 'open' ? html`<p class="card"><a href=${`#/votes/${encodeURIComponent(voteId)}`}>${t('turnout')} →</a></p>` : null}`}<//>`;
}

/** The vetted people of the reserve pool available for this compound; nominating one needs nothing more (the API checks the rest). */
function PoolPicker({ compoundId, voteId, taken, onNominated }: { compoundId: string; voteId: string; taken: string[]; onNominated: () => void }) {
  const pool = useAsync(() => all<any>(`/pool?compoundId=${encodeURIComponent(compoundId)}&status=available`, 200), [compoundId]);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<string>();
  const nominate = async (p: any) => {
    setBusy(p.personId);
    setError(undefined);
    try {
      await api('POST', `/compounds/${compoundId}/votes/${voteId}/candidates`, { personId: p.personId, name: p.name, source: 'pool' });
      onNominated();
    } catch (e) {
      setError(e as Error);
    }
    setBusy(undefined);
  };
  return html`<section class="card" aria-labelledby="pool-h"><h2 id="pool-h">${t('fromPool')}</h2>
    <${Async} state=${pool}>${(people: any[]) =>
      people.length === 0
        ? html`<p class="muted">${t('poolEmpty')}</p>`
        : html`<ul class="list">${people.map(
            (p) => html`<li data-pool=${p.personId}><strong>${p.name}</strong> <span class="muted small">${p.personId}</span>
              <br /><span class="small">${
                ATTRIBUTES.filter((a) => p.attributes?.[a])
                  .map((a) => label(`attr_${a}`))
                  .join(' · ') || '—'
              }${p.nonOwnerException ? ` · ${t('vet_nonOwner', p.nonOwnerException)}` : ''}</span>
              <div>${taken.includes(p.personId) ? html`<span class="ok">✓ ${t('nominated')}</span>` : html`<button type="button" onClick=${() => nominate(p)} disabled=${!!busy} aria-label=${`${t('nominate')} ${p.name}`}>${t('nominate')}</button>`}</div></li>`,
          )}</ul>`}<//>
    <${ErrorLine} error=${error} />
  </section>`;
}

/** Nominate by hand: an owner as on the roll (their owner id, name and unit), or a pool member by the id and name the street gave. */
function Nominate({ compoundId, voteId, onNominated }: { compoundId: string; voteId: string; onNominated: () => void }) {
  const [source, setSource] = useState<'owners' | 'pool'>('owners');
  const [personId, setPersonId] = useState('');
  const [name, setName] = useState('');
  const [unitId, setUnitId] = useState('');
  const submit = useSubmit(async () => {
    const candidate = await api('POST', `/compounds/${compoundId}/votes/${voteId}/candidates`, {
      personId: personId.trim(),
      name: name.trim(),
      source,
      ...(unitId.trim() ? { unitId: unitId.trim() } : {}),
    });
    setPersonId('');
    setName('');
    setUnitId('');
    onNominated();
    return candidate;
  });
  return html`<section class="card" aria-labelledby="nom-h"><h2 id="nom-h">${t('nominate')}</h2>
    <form onSubmit=${submit.run}>
      <fieldset><legend>${t('nomineeSource')}</legend>
        <label class="option"><input type="radio" name="nom-source" checked=${source === 'owners'} onChange=${() => setSource('owners')} /> ${t('vet_owners')}</label>
        <label class="option"><input type="radio" name="nom-source" checked=${source === 'pool'} onChange=${() => setSource('pool')} /> ${t('vet_pool')}</label>
      </fieldset>
      <label for="nom-id">${source === 'owners' ? t('ownerId') : t('personId')}</label><input id="nom-id" required value=${personId} onInput=${(e: any) => setPersonId(e.currentTarget.value)} />
      <label for="nom-name">${t('nameOnRoll')}</label><input id="nom-name" required value=${name} onInput=${(e: any) => setName(e.currentTarget.value)} />
      <label for="nom-unit">${t('unitOptional')}</label><input id="nom-unit" value=${unitId} onInput=${(e: any) => setUnitId(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled=${submit.busy}>${t('nominate')}</button>
      <${ErrorLine} error=${submit.error} />
      ${submit.result ? html`<p class="ok" role="status" data-nominated=${submit.result.personId}>${t('nominated')}: ${submit.result.name}${(submit.result.warnings ?? []).length ? ` — ${submit.result.warnings.join('; ')}` : ''}</p>` : null}
    </form></section>`;
}

/**
 * Who the count elected (and the alternates), from the vote's report — names only, no ballots; once
 * final, the committee on record.
 */
export function ElectionSeats({ compoundId, voteId, final }: { compoundId: string; voteId: string; final: boolean }) {
  const report = useAsync(() => api('GET', `/compounds/${compoundId}/votes/${voteId}/report`), [compoundId, voteId]);
  const record = useAsync(() => (final ? apiMaybe(`/compounds/${compoundId}/committee`) : Promise.resolve(null)), [compoundId, final]);
  return html`<section class="card" aria-labelledby="seats-h" data-seats>
    <h2 id="seats-h">${final ? t('electedCommittee') : t('electedPreliminary')}</h2>
    <${Async} state=${report}>${(r: any) => html`
      ${r.committee && !r.committee.formed ? html`<p class="bad">${t('notFormed')}</p>` : null}
      <ol class="elected">${(r.elected ?? []).map((e: any) => html`<li data-elected=${e.personId}>${e.name ?? e.personId}</li>`)}</ol>
      ${(r.alternates ?? []).length ? html`<p><span class="muted">${t('alternates')}:</span> ${r.alternates.map((e: any) => e.name ?? e.personId).join('、')}</p>` : null}
      ${!final && r.objectionEndsAt ? html`<p class="muted small">${t('objectionsUntil')} ${date(r.objectionEndsAt)}</p>` : null}`}<//>
    ${
      final
        ? html`<${Async} state=${record}>${(c: any) =>
            c
              ? html`<h3>${t('onRecord')}</h3><ul class="plain" data-on-record>${(c.members ?? []).map((m: any) => html`<li>${m.name ?? m.personId}${m.role && m.role !== 'member' ? ` · ${label(m.role)}` : ''}</li>`)}</ul>
                <p class="muted small">${t('term')}: ${date(c.termStart)} – ${date(c.termEnd)}</p>`
              : null}<//>`
        : null
    }
  </section>`;
}
