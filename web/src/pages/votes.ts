import { useEffect, useState } from 'preact/hooks';
import { all, api, date } from '../api';
import { Meter } from '../chart';
import { download } from '../csv';
import { html } from '../html';
import { label, t, type Key } from '../i18n';
import { Async, ErrorLine, Status, useAsync, useSubmit } from '../ui';
import { ElectionSeats } from './elections';
import { isRemoval, keptFrom, verifyInBrowser, type Check, type KeptReceipt, type PublishedLog } from '../verify';

const CLOSED = ['preliminary', 'final', 'annulled', 'failed', 'closed'];

export function VoteList({ compoundId }: { compoundId: string }) {
  const votes = useAsync(() => api('GET', `/compounds/${compoundId}/votes`), [compoundId]);
  return html`<section class="card" aria-labelledby="votes-h">
    <h1 id="votes-h">${t('votes')}</h1>
    <${Async} state=${votes}>${(v: any) =>
      v.items.length === 0
        ? html`<p class="muted">${t('noVotes')}</p>`
        : html`<ul class="list">${v.items.map(
            (x: any) => html`<li><a href=${`#/votes/${encodeURIComponent(x.voteId)}`} class="row-link">
              <span class="row-title">${x.question ?? label(x.kind)}</span>
              <${Status} code=${x.status} />
              <span class="muted">${t('opens')} ${date(x.opensAt)} · ${t('closes')} ${date(x.closesAt)}</span></a></li>`,
          )}</ul>`}<//>
  </section>`;
}

const receiptKey = (compoundId: string, voteId: string, ownerId: string) => `gongzhi.receipt.${compoundId}.${voteId}.${ownerId}`;

/** The receipt as kept on this device (saved when the ballot was cast). */
function keptReceipt(compoundId: string, voteId: string, ownerId?: string): KeptReceipt | undefined {
  if (!ownerId) return undefined;
  const raw = localStorage.getItem(receiptKey(compoundId, voteId, ownerId));
  return raw ? (JSON.parse(raw) as KeptReceipt) : undefined;
}

export function VoteDetail({ compoundId, voteId, ownerId }: { compoundId: string; voteId: string; ownerId?: string }) {
  const vote = useAsync(() => api('GET', `/compounds/${compoundId}/votes/${voteId}`), [compoundId, voteId]);
  // Live turnout: an open vote is refreshed while the page is shown (the server's snapshot is at most half a minute old).
  useEffect(() => {
    if (vote.data?.status !== 'open') return;
    const timer = setInterval(vote.reload, 20_000);
    return () => clearInterval(timer);
  }, [vote.data?.status]);
  const [receipt, setReceipt] = useState<KeptReceipt | undefined>(() => keptReceipt(compoundId, voteId, ownerId));
  return html`<${Async} state=${vote}>${(v: any) => html`
    <section class="card" aria-labelledby="vote-h">
      <p><a href="#/votes">← ${t('votes')}</a></p>
      <h1 id="vote-h">${v.question ?? label(v.kind)}</h1>
      <p><${Status} code=${v.status} /> <span class="muted">${label(v.matter ?? v.kind)}</span></p>
      <dl class="facts"><div><dt>${t('opens')}</dt><dd>${date(v.opensAt)}</dd></div><div><dt>${t('closes')}</dt><dd>${date(v.closesAt)}</dd></div></dl>
      ${
        v.turnout
          ? html`<h2>${t('turnout')}</h2><div aria-live="polite">
        <${Meter} label=${t('byArea')} percent=${Number(v.turnout.areaPercent)} />
        <${Meter} label=${t('byHeadcount')} percent=${Number(v.turnout.headcountPercent)} />
        <p class="muted small">${v.turnout.participatingHeadcount} / ${v.turnout.totalHeadcount} · ${date(v.turnout.asOf)}</p></div>`
          : null
      }
    </section>
    ${
      v.status === 'open' && ownerId && !receipt
        ? html`<${Ballot} vote=${v} compoundId=${compoundId} ownerId=${ownerId} onCast=${(r: KeptReceipt) => {
            setReceipt(r);
            vote.reload();
          }} />`
        : null
    }
    ${ownerId && v.status !== 'scheduled' ? html`<${Receipt} compoundId=${compoundId} voteId=${voteId} ownerId=${ownerId} kept=${receipt} onFound=${setReceipt} />` : null}
    ${CLOSED.includes(v.status) && v.result ? html`<${Result} vote=${v} />` : null}
    ${CLOSED.includes(v.status) && v.kind === 'election' ? html`<${ElectionSeats} compoundId=${compoundId} voteId=${voteId} final=${v.status === 'final'} />` : null}
    ${CLOSED.includes(v.status) && v.logHead ? html`<${BallotLog} compoundId=${compoundId} voteId=${voteId} receipt=${receipt} />` : null}
  `}<//>`;
}

function Ballot({ vote, compoundId, ownerId, onCast }: { vote: any; compoundId: string; ownerId: string; onCast: (r: KeptReceipt) => void }) {
  const election = vote.kind === 'election';
  const candidates = useAsync(() => (election ? api('GET', `/compounds/${compoundId}/votes/${vote.voteId}/candidates`) : Promise.resolve({ items: [] })), [vote.voteId]);
  const [choice, setChoice] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const submit = useSubmit(async () => {
    const answer = await api('POST', `/compounds/${compoundId}/votes/${vote.voteId}/ballots`, election ? { candidates: chosen } : { choice });
    const kept: KeptReceipt = keptFrom(answer, vote.voteId, ownerId);
    localStorage.setItem(receiptKey(compoundId, vote.voteId, ownerId), JSON.stringify(kept));
    onCast(kept);
  });
  return html`<section class="card" aria-labelledby="ballot-h">
    <h2 id="ballot-h">${t('castBallot')}</h2>
    <form onSubmit=${submit.run}>
      ${
        election
          ? html`<${Async} state=${candidates}>${(c: any) => html`<fieldset><legend>${t('chooseCandidates', vote.seats ?? '')}</legend>
            ${(c.items ?? []).map((x: any) => {
              // At most one name per seat (the API refuses more): once the seats are filled, the others wait until one is unticked.
              const full = chosen.length >= (vote.seats ?? Number.POSITIVE_INFINITY) && !chosen.includes(x.personId);
              return html`<label class="option"><input type="checkbox" name="candidate" value=${x.personId} disabled=${full}
              checked=${chosen.includes(x.personId)} onChange=${(e: any) => setChosen(e.currentTarget.checked ? [...chosen, x.personId] : chosen.filter((k) => k !== x.personId))} />
              <span>${x.name}<br /><span class="muted small">${x.source === 'pool' ? t('vet_pool') : t('vet_owners')}</span></span></label>`;
            })}
            <p class="muted small" aria-live="polite" data-chosen=${chosen.length}>${t('chosenOf', chosen.length, vote.seats ?? '')}</p>
          </fieldset>`}<//>`
          : html`<fieldset><legend>${t('choice')}</legend>
            ${(['for', 'against', 'abstain'] as Key[]).map((c) => html`<label class="option"><input type="radio" name="choice" value=${c} checked=${choice === c} onChange=${() => setChoice(c)} required /> ${t(c)}</label>`)}
          </fieldset>`
      }
      <button type="submit" class="primary" disabled=${submit.busy || (election ? chosen.length === 0 : !choice)}>${t('submitBallot')}</button>
      <${ErrorLine} error=${submit.error} />
    </form>
  </section>`;
}

function Receipt({ compoundId, voteId, ownerId, kept, onFound }: { compoundId: string; voteId: string; ownerId: string; kept?: KeptReceipt; onFound: (r: KeptReceipt) => void }) {
  // Not on this device (cast on another phone): the server's copy, which the checks below still test against the log.
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (kept) return;
    api('GET', `/compounds/${compoundId}/votes/${voteId}/ballots/mine`).then(
      (b: any) => onFound(keptFrom(b, voteId, ownerId)),
      () => setMissing(true),
    );
  }, [kept]);
  // An election's receipt names candidates by id: shown by the names they stand under (public for an election).
  const election = Array.isArray(kept?.choice);
  const names = useAsync(async () => (election ? new Map((await all<any>(`/compounds/${compoundId}/votes/${voteId}/candidates`)).map((c) => [c.personId, c.name])) : new Map()), [voteId, election]);
  if (!kept) return missing ? null : null;
  return html`<section class="card receipt" aria-labelledby="receipt-h">
    <h2 id="receipt-h">${t('myReceipt')}</h2>
    <p>${t('receiptKeep')}</p>
    <p><span class="muted">${t('choice')}:</span> <strong>${Array.isArray(kept.choice) ? kept.choice.map((id) => names.data?.get(id) ?? id).join('、') : t(kept.choice as Key)}</strong></p>
    <p class="hash" data-receipt>${kept.receipt}</p>
    <button type="button" onClick=${() => download(`receipt-${voteId}.json`, JSON.stringify(kept, null, 2), 'application/json')}>${t('downloadReceipt')}</button>
  </section>`;
}

function Result({ vote }: { vote: any }) {
  const r = vote.result;
  const passed = (vote.outcome ?? r.outcome)?.passed;
  return html`<section class="card" aria-labelledby="result-h">
    <h2 id="result-h">${t('result')}: <span class=${passed ? 'ok' : 'bad'}>${passed ? t('passed') : t('notPassed')}</span></h2>
    ${(vote.outcome ?? r.outcome)?.reason ? html`<p class="muted">${label((vote.outcome ?? r.outcome).reason)}</p>` : null}
    ${
      r.kind === 'resolution'
        ? html`<table><thead><tr><th scope="col">${t('choice')}</th><th scope="col">${t('byHeadcount')}</th></tr></thead><tbody>
          <tr><td>${t('for')}</td><td>${r.figures.forHeadcount}</td></tr><tr><td>${t('against')}</td><td>${r.againstHeadcount}</td></tr><tr><td>${t('abstain')}</td><td>${r.abstainHeadcount}</td></tr></tbody></table>`
        : html`<table><tbody>${r.candidates.map((c: any) => html`<tr><td>${c.name ?? c.candidateId}</td><td>${c.forHeadcount}</td></tr>`)}</tbody></table>`
    }
  </section>`;
}

async function fullLog(compoundId: string, voteId: string): Promise<PublishedLog & { nextCursor?: string }> {
  const path = `/compounds/${compoundId}/votes/${voteId}/log`;
  const doc = await api('GET', path);
  for (let cursor = doc.nextCursor; cursor; ) {
    const next = await api('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
    doc.entries.push(...next.entries);
    cursor = next.nextCursor;
  }
  return doc;
}

function BallotLog({ compoundId, voteId, receipt }: { compoundId: string; voteId: string; receipt?: KeptReceipt }) {
  const log = useAsync(() => fullLog(compoundId, voteId), [compoundId, voteId]);
  const [checks, setChecks] = useState<Check[]>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setChecks(await verifyInBrowser(log.data!, receipt));
    setBusy(false);
  };
  const ok = checks?.every((c) => c.ok);
  return html`<section class="card" aria-labelledby="log-h">
    <h2 id="log-h">${t('ballotLog')}</h2>
    <${Async} state=${log}>${(l: PublishedLog) => html`
      <p class="muted small">${t('logHead')}: <span class="hash">${l.head}</span> · ${l.entries.length} ${t('entries')}</p>
      <button type="button" class="primary" onClick=${run} disabled=${busy}>${busy ? t('verifying') : t('verify')}</button>
      ${!receipt ? html`<p class="muted">${t('noReceipt')}</p>` : null}
      ${
        checks
          ? html`<div class=${`verdict ${ok ? 'ok' : 'bad'}`} role="status" data-verdict=${ok ? 'ok' : 'failed'}>
          <p><strong>${ok ? t('verifyOk') : t('verifyFail')}</strong></p>
          <ul>${checks.map((c) => html`<li data-check=${c.name} data-ok=${c.ok}>${c.ok ? '✓' : '✗'} ${t(`check_${c.name}` as Key)}${c.detail ? ` — ${c.detail}` : ''}</li>`)}</ul></div>`
          : null
      }
      <div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('ballotLog'))}><table class="log"><thead><tr><th scope="col">#</th><th scope="col">${t('receipt')}</th><th scope="col">${t('choice')}</th></tr></thead>
        <tbody>${l.entries
          .slice(0, 200)
          .map((e) =>
            isRemoval(e)
              ? html`<tr class=${receipt?.receipt === e.removes ? 'mine' : ''}><td>${e.seq}</td><td class="hash">✗ ${e.removes.slice(0, 16)}…</td><td>${t('struck')}</td></tr>`
              : html`<tr class=${receipt?.receipt === e.receipt ? 'mine' : ''}><td>${e.seq}</td><td class="hash">${e.receipt.slice(0, 16)}…</td><td>${Array.isArray(e.choice) ? e.choice.join(', ') : t(e.choice as Key)}</td></tr>`,
          )}</tbody></table></div>`}<//>
  </section>`;
}
