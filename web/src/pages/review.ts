import { useRef, useState } from 'preact/hooks';
import { all, api, yuan } from '../api';
import { html } from '../html';
import { label, t } from '../i18n';
import type { Grant } from '../session';
import { Async, ErrorLine, useAsync, useSubmit } from '../ui';

/** A reviewer's queue: expenses in review in the compounds of their community or street. */
export function ReviewQueue({ grant }: { grant: Grant }) {
  const queue = useAsync(async () => {
    const area = grant.role === 'community' ? `communityId=${grant.scope}` : `streetId=${grant.scope}`;
    const compounds = await all<any>(`/compounds?${area}`, 200);
    const lists = await Promise.all(
      compounds.map(async (c) => ((await api('GET', `/compounds/${c.compoundId}/expenses`)).items as any[]).map((e) => ({ ...e, compoundId: c.compoundId, compoundName: c.name }))),
    );
    return lists.flat().filter((e) => e.status === 'in_review');
  }, [grant.scope]);
  return html`<section class="card" aria-labelledby="rq-h"><h1 id="rq-h">${t('reviewQueue')}</h1>
    <${Async} state=${queue}>${(items: any[]) =>
      items.length === 0
        ? html`<p class="muted">${t('nothingToReview')}</p>`
        : html`<ul class="list">${items.map((e) => html`<li><${ReviewItem} expense=${e} onDone=${queue.reload} /></li>`)}</ul>`}<//>
  </section>`;
}

function ReviewItem({ expense: e, onDone }: { expense: any; onDone: () => void }) {
  const [reason, setReason] = useState('');
  // Which of the two submit buttons was pressed (read at submission, not from a stale render).
  const decision = useRef<'approve' | 'reject'>('approve');
  const submit = useSubmit(async () => {
    const r = await api('POST', `/compounds/${e.compoundId}/projects/${e.projectId}/expenses/${e.expenseId}/reviews`, { decision: decision.current, reason });
    onDone();
    return r;
  });
  const id = `r-${e.compoundId}-${e.expenseId}`;
  return html`<form class="review" data-review=${e.expenseId} onSubmit=${(ev: SubmitEvent) => {
    decision.current = (ev.submitter as HTMLButtonElement | null)?.value === 'reject' ? 'reject' : 'approve';
    return submit.run(ev);
  }}>
    <p><strong>${e.compoundName}</strong> · ${e.payee} · ¥${yuan(e.amountFen)}</p>
    <p class="muted">${e.purpose} · ${label(e.nextStep ?? e.step ?? '')}</p>
    <label for=${`${id}-reason`}>${t('reason')}</label>
    <input id=${`${id}-reason`} required minlength="3" value=${reason} onInput=${(ev: any) => setReason(ev.currentTarget.value)} />
    <div class="buttons">
      <button type="submit" class="primary" name="decision" value="approve" disabled=${submit.busy}>${t('approve')}</button>
      <button type="submit" class="danger" name="decision" value="reject" disabled=${submit.busy}>${t('reject')}</button>
    </div>
    <${ErrorLine} error=${submit.error} />
  </form>`;
}
