import { useState } from 'preact/hooks';
import { api } from '../api';
import { html } from '../html';
import { label, t } from '../i18n';
import { Async, ErrorLine, useAsync, useSubmit } from '../ui';

const MATTERS = ['other_major', 'rules_of_procedure', 'management_covenant', 'property_company', 'maintenance_fund_use', 'maintenance_fund_raise', 'rebuilding', 'common_parts_use'];
const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');

/** The owners' committee: call a vote or run an election, submit an expense under an authorized project. */
export function Committee({ compoundId }: { compoundId: string }) {
  return html`<${CallVote} compoundId=${compoundId} /><${SubmitExpense} compoundId=${compoundId} />`;
}

function CallVote({ compoundId }: { compoundId: string }) {
  const [kind, setKind] = useState<'resolution' | 'election'>('resolution');
  const [matter, setMatter] = useState('other_major');
  const [question, setQuestion] = useState('');
  const [days, setDays] = useState(7);
  const [seats, setSeats] = useState(5);
  const submit = useSubmit(() =>
    api(
      'POST',
      `/compounds/${compoundId}/votes`,
      kind === 'election'
        ? { kind, voteId: `election-${stamp()}`, question: t('electionQuestion', seats), seats, votingDays: days }
        : { kind, voteId: `vote-${stamp()}`, matter, question, votingDays: days },
    ),
  );
  return html`<section class="card" aria-labelledby="call-h"><h1 id="call-h">${t('callVote')}</h1>
    <form onSubmit=${submit.run}>
      <label for="v-kind">${t('kind')}</label>
      <select id="v-kind" value=${kind} onChange=${(e: any) => setKind(e.currentTarget.value)}><option value="resolution">${t('kind_resolution')}</option><option value="election">${t('kind_election')}</option></select>
      ${
        kind === 'resolution'
          ? html`<label for="v-matter">${t('matter')}</label>
            <select id="v-matter" value=${matter} onChange=${(e: any) => setMatter(e.currentTarget.value)}>${MATTERS.map((m) => html`<option value=${m}>${label(m)}</option>`)}</select>
            <label for="v-question">${t('question')}</label>
            <input id="v-question" required minlength="5" value=${question} onInput=${(e: any) => setQuestion(e.currentTarget.value)} />`
          : html`<label for="v-seats">${t('seats')}</label><input id="v-seats" type="number" min="3" max="11" step="2" value=${seats} onInput=${(e: any) => setSeats(Number(e.currentTarget.value))} />`
      }
      <label for="v-days">${t('votingDays')}</label>
      <input id="v-days" type="number" min="1" max="60" value=${days} onInput=${(e: any) => setDays(Number(e.currentTarget.value))} />
      <button type="submit" class="primary" disabled=${submit.busy}>${t('callVote')}</button>
      <${ErrorLine} error=${submit.error} />
      ${submit.result ? html`<p class="ok" role="status" data-created=${submit.result.voteId}>${t('created')}: <a href=${`#/votes/${submit.result.voteId}`}>${submit.result.voteId}</a> · ${t('opens')} ${new Date(submit.result.opensAt).toLocaleDateString()}</p>` : null}
    </form></section>`;
}

function SubmitExpense({ compoundId }: { compoundId: string }) {
  const projects = useAsync(() => api('GET', `/compounds/${compoundId}/projects`), [compoundId]);
  const [projectId, setProjectId] = useState('');
  const [payee, setPayee] = useState('');
  const [amount, setAmount] = useState('');
  const [purpose, setPurpose] = useState('');
  const submit = useSubmit(() => {
    // Yuan as typed, to integer fen without floating point: "1234.5" → 123450.
    const [whole, part = ''] = amount.trim().split('.');
    const amountFen = Number(whole) * 100 + Number(part.padEnd(2, '0').slice(0, 2));
    return api('POST', `/compounds/${compoundId}/projects/${projectId}/expenses`, { expenseId: `exp-${stamp()}`, payee, amountFen, purpose });
  });
  return html`<section class="card" aria-labelledby="exp-h"><h2 id="exp-h">${t('submitExpense')}</h2>
    <${Async} state=${projects}>${(p: any) => {
      const authorized = p.items.filter((x: any) => x.status === 'authorized');
      if (authorized.length === 0) return html`<p class="muted">${t('noProjects')}</p>`;
      if (!projectId) setTimeout(() => setProjectId(authorized[0].projectId));
      return html`<form onSubmit=${submit.run}>
        <label for="e-project">${t('project')}</label>
        <select id="e-project" value=${projectId} onChange=${(e: any) => setProjectId(e.currentTarget.value)}>${authorized.map((x: any) => html`<option value=${x.projectId}>${x.projectId} · ${label(x.basis ?? '')}</option>`)}</select>
        <label for="e-payee">${t('payee')}</label><input id="e-payee" required value=${payee} onInput=${(e: any) => setPayee(e.currentTarget.value)} />
        <label for="e-amount">${t('amountYuan')}</label><input id="e-amount" required inputmode="decimal" pattern="[0-9]+(\\.[0-9]{1,2})?" value=${amount} onInput=${(e: any) => setAmount(e.currentTarget.value)} />
        <label for="e-purpose">${t('purpose')}</label><input id="e-purpose" required minlength="5" value=${purpose} onInput=${(e: any) => setPurpose(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled=${submit.busy}>${t('submitExpense')}</button>
        <${ErrorLine} error=${submit.error} />
        ${submit.result ? html`<p class="ok" role="status" data-submitted=${submit.result.expenseId}>${t('submitted')}: ${submit.result.expenseId} · ${label(submit.result.status)}</p>` : null}
      </form>`;
    }}<//></section>`;
}
