import { useState } from 'preact/hooks';
import { api, date } from '../api';
import { html } from '../html';
import { label, t } from '../i18n';
import { Async, ErrorLine, Status, useAsync, useSubmit } from '../ui';

/** An owner's complaints (the API shows an owner only their own) and the form to file one with a photo. */
export function Complaints({ compoundId }: { compoundId: string }) {
  const list = useAsync(() => api('GET', `/compounds/${compoundId}/complaints`), [compoundId]);
  return html`<${FileComplaint} compoundId=${compoundId} onFiled=${list.reload} />
    <section class="card" aria-labelledby="mine-h"><h2 id="mine-h">${t('myComplaints')}</h2>
      <${Async} state=${list}>${(l: any) =>
        l.items.length === 0
          ? html`<p class="muted">${t('noComplaints')}</p>`
          : html`<ul class="list">${l.items.map(
              (
                c: any,
              ) => html`<li data-complaint=${c.complaintId}><details><summary><strong>${label(c.category)}</strong> <${Status} code=${c.status} /> <span class="muted small">${c.complaintId}</span></summary>
                <p>${c.description}</p>
                <dl class="facts"><div><dt>${t('handler')}</dt><dd>${label(c.handler?.kind ?? '')}</dd></div><div><dt>${t('acknowledgeBy')}</dt><dd>${date(c.acknowledgeBy)}</dd></div><div><dt>${t('resolveBy')}</dt><dd>${date(c.resolveBy)}</dd></div></dl>
                ${c.attachments?.length ? html`<p class="small">${t('attachments')}: ${c.attachments.map((a: any) => a.filename).join(', ')}</p>` : null}
                <h3>${t('history')}</h3><ol class="chain">${(c.history ?? []).map((h: any) => html`<li>${date(h.at)} · ${label(h.status)} — ${h.note ?? ''}</li>`)}</ol></details></li>`,
            )}</ul>`}<//>
    </section>`;
}

function FileComplaint({ compoundId, onFiled }: { compoundId: string; onFiled: () => void }) {
  const services = useAsync(() => api('GET', '/open311/v2/services.json'), []);
  const [category, setCategory] = useState('leaks_repairs');
  const [description, setDescription] = useState('');
  const [photo, setPhoto] = useState<File>();
  const submit = useSubmit(async () => {
    const attachments = photo ? [{ filename: photo.name, contentType: photo.type || 'image/jpeg', size: photo.size }] : undefined;
    const filed = await api('POST', `/compounds/${compoundId}/complaints`, { category, description, ...(attachments ? { attachments } : {}) });
    // The photo goes straight to object storage by the presigned URL the API returned.
    for (const upload of filed.uploads ?? []) {
      const put = await fetch(upload.url, { method: upload.method ?? 'PUT', headers: upload.headers, body: photo });
      if (!put.ok) throw new Error(`upload: ${put.status}`);
    }
    setDescription('');
    setPhoto(undefined);
    onFiled();
    return { complaintId: filed.complaint.complaintId as string, trackingToken: filed.trackingToken as string, uploaded: (filed.uploads ?? []).length > 0 };
  });
  return html`<section class="card" aria-labelledby="file-h"><h1 id="file-h">${t('fileComplaint')}</h1>
    <form onSubmit=${submit.run}>
      <label for="c-category">${t('category')}</label>
      <select id="c-category" value=${category} onChange=${(e: any) => setCategory(e.currentTarget.value)}>
        ${(services.data ?? [{ service_code: 'leaks_repairs', service_name: label('leaks_repairs') }]).map((s: any) => html`<option value=${s.service_code}>${s.service_name}</option>`)}
      </select>
      <label for="c-description">${t('description')}</label>
      <textarea id="c-description" required minlength="10" maxlength="2000" rows="4" aria-describedby="c-hint" value=${description} onInput=${(e: any) => setDescription(e.currentTarget.value)}></textarea>
      <p id="c-hint" class="muted small">${t('descriptionHint')}</p>
      <label for="c-photo">${t('photo')}</label>
      <input id="c-photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" onChange=${(e: any) => setPhoto(e.currentTarget.files?.[0])} />
      <button type="submit" class="primary" disabled=${submit.busy}>${t('submit')}</button>
      <${ErrorLine} error=${submit.error} />
      ${submit.result ? html`<p class="ok" role="status" data-filed=${submit.result.complaintId}>${t('submitted')}: ${submit.result.complaintId} · ${t('trackingToken')} <strong>${submit.result.trackingToken}</strong>${submit.result.uploaded ? ` · ${t('uploaded')}` : ''}</p>` : null}
    </form>
  </section>`;
}
