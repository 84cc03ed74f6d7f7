import { useState } from 'preact/hooks';
import { api, date, yuan } from '../api';
import { html } from '../html';
import { label, t, type Key } from '../i18n';
import { fetchLedger, verifyLedgerInBrowser, type LedgerVerdict } from '../ledger-verify';
import { Async, ErrorLine, Status, useAsync } from '../ui';

const STEP: Record<string, [string, string]> = {
  community_reviewer: ['社区审核员', 'community reviewer'],
  branch_and_residents_committee: ['党支部和居委会', 'party branch and residents’ committee'],
  street_office: ['街道办', 'street office'],
};
const stepName = (s: string) => (STEP[s] ? STEP[s]![document.documentElement.lang === 'en' ? 1 : 0] : label(s));

/** The compound's books as an owner sees them: balances, the quarterly disclosures, every payment with its approvals. */
export function Funds({ compoundId }: { compoundId: string }) {
  const funds = useAsync(() => api('GET', `/compounds/${compoundId}/funds`), [compoundId]);
  const disclosures = useAsync(() => api('GET', `/compounds/${compoundId}/disclosures`), [compoundId]);
  const expenses = useAsync(() => api('GET', `/compounds/${compoundId}/expenses`), [compoundId]);
  return html`
    <section class="card" aria-labelledby="bal-h"><h1 id="bal-h">${t('balances')}</h1>
      <${Async} state=${funds}>${(
        f: any,
      ) => html`<table><thead><tr><th scope="col">${t('funds')}</th><th scope="col" class="num">${t('cash')}</th><th scope="col" class="num">${t('available')}</th></tr></thead>
        <tbody>${f.funds.map((x: any) => html`<tr data-fund=${x.fund}><td>${t(`fund_${x.fund}` as Key)}</td><td class="num">¥${yuan(x.cashFen)}</td><td class="num">¥${yuan(x.availableFen)}</td></tr>`)}</tbody></table>
        <p class="muted small">${date(f.asOf)}</p>`}<//>
    </section>
    <${LedgerCheck} compoundId=${compoundId} />
    <section class="card" aria-labelledby="pay-h"><h2 id="pay-h">${t('payments')}</h2>
      <${Async} state=${expenses}>${(e: any) =>
        e.items.length === 0
          ? html`<p class="muted">${t('noPayments')}</p>`
          : html`<ul class="list">${e.items.map(
              (x: any) => html`<li class="expense" data-expense=${x.expenseId}>
                <p><strong>${x.payee}</strong> · ¥${yuan(x.amountFen)} <${Status} code=${x.status} /></p>
                <p class="muted">${x.purpose}</p>
                <p class="small">${t('approvals')}:</p>
                <ol class="chain">${(x.approvals ?? []).map((a: any) => html`<li class="ok">✓ ${stepName(a.step)} · ${a.by} · ${date(a.at)}</li>`)}
                  ${(x.steps ?? x.requiredSteps ?? []).filter((s: string) => !(x.approvals ?? []).some((a: any) => a.step === s)).map((s: string) => html`<li class="muted">○ ${stepName(s)}</li>`)}</ol>
              </li>`,
            )}</ul>`}<//>
    </section>
    <section class="card" aria-labelledby="disc-h"><h2 id="disc-h">${t('disclosures')}</h2>
      <${Async} state=${disclosures}>${(d: any) =>
        d.items.length === 0
          ? html`<p class="muted">${t('noDisclosures')}</p>`
          : html`<ul class="list">${d.items.map((x: any) => html`<li><details><summary>${x.period}</summary><${Disclosure} compoundId=${compoundId} period=${x.period} /></details></li>`)}</ul>`}<//>
    </section>`;
}

function Disclosure({ compoundId, period }: { compoundId: string; period: string }) {
  const d = useAsync(() => api('GET', `/compounds/${compoundId}/disclosures/${period}`), [period]);
  return html`<${Async} state=${d}>${(x: any) =>
    html`<table><tbody>${Object.entries(x.funds ?? x.totals ?? {}).map(
      ([k, v]: [string, any]) =>
        html`<tr><th scope="row">${label(k)}</th><td class="num">${
          typeof v === 'number'
            ? `¥${yuan(v)}`
            : Object.entries(v)
                .filter(([, n]) => typeof n === 'number')
                .map(([n, f]) => `${label(n)} ¥${yuan(f as number)}`)
                .join(' · ')
        }</td></tr>`,
    )}</tbody></table>`}<//>`;
}

const FUNDS = ['maintenance', 'small_maintenance', 'public_revenue', 'neighbours'] as const;

/** Every page of a fund's journal fetched and checked here, against the head the server publishes. */
function LedgerCheck({ compoundId }: { compoundId: string }) {
  const [fund, setFund] = useState<string>('maintenance');
  const [state, setState] = useState<{ busy: boolean; verdict?: LedgerVerdict & { pages: number }; error?: Error }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      const { entries, claimed, pages } = await fetchLedger((path) => api('GET', path), compoundId, fund);
      setState({ busy: false, verdict: { ...(await verifyLedgerInBrowser(entries, claimed)), pages } });
    } catch (error) {
      setState({ busy: false, error: error as Error });
    }
  };
  const v = state.verdict;
  return html`<section class="card" aria-labelledby="ledger-h"><h2 id="ledger-h">${t('ledgerVerify')}</h2>
    <p class="muted small">${t('ledgerVerifyHint')}</p>
    <label for="ledger-fund">${t('funds')}</label>
    <select id="ledger-fund" value=${fund} onChange=${(e: any) => {
      setFund(e.currentTarget.value);
      setState({ busy: false });
    }}>${FUNDS.map((f) => html`<option value=${f}>${t(`fund_${f}` as Key)}</option>`)}</select>
    <button type="button" class="primary" onClick=${run} disabled=${state.busy}>${state.busy ? t('verifying') : t('verify')}</button>
    <${ErrorLine} error=${state.error} />
    <div role="status" aria-live="polite">${
      v
        ? html`<div class=${`verdict ${v.ok ? 'ok' : 'bad'}`} data-verdict=${v.ok ? 'ok' : 'failed'} data-fund=${fund}>
          <p><strong>${v.ok ? t('ledgerOk', v.entries, v.pages) : t('verifyFail')}</strong></p>
          <ul>${v.checks.map((c) => html`<li data-check=${c.name} data-ok=${c.ok}>${c.ok ? '✓' : '✗'} ${t(`ledgerCheck_${c.name}` as Key)}${c.detail ? ` — ${c.detail}` : ''}</li>`)}</ul>
          <p class="small">${t('logHead')}: <span class="hash">${v.head}</span></p>
          <p class="small">${t('cash')}: ¥${yuan(v.balances.cash ?? 0)}</p></div>`
        : null
    }</div>
  </section>`;
}
