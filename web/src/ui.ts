import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from './html';
import { label, t } from './i18n';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/** Run `load` when `deps` change; a reload runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function Async<T>({ state, children }: { state: Loaded<T>; children: (data: T) => unknown }) {
  if (state.error) return html`<div class="error" role="alert"><strong>${t('error')}</strong>: ${state.error.message} <button type="button" onClick=${state.reload}>${t('retry')}</button></div>`;
  if (state.data === undefined) return html`<p class="loading" aria-live="polite">${t('loading')}</p>`;
  return children(state.data);
}

export const Status = ({ code }: { code: string }) => html`<span class=${`status status-${code}`}>${label(code)}</span>`;

export const ErrorLine = ({ error }: { error?: Error }) => (error ? html`<p class="error" role="alert">${error.message}</p>` : null);

/** A form's submission: busy while it runs, its error shown, its result kept. */
export function useSubmit<T>(action: () => Promise<T>): { busy: boolean; error?: Error; result?: T; run: (e?: Event) => Promise<void> } {
  const [state, setState] = useState<{ busy: boolean; error?: Error; result?: T }>({ busy: false });
  const run = async (e?: Event) => {
    e?.preventDefault();
    setState({ busy: true });
    try {
      setState({ busy: false, result: await action() });
    } catch (error) {
      setState({ busy: false, error: error as Error });
    }
  };
  return { ...state, run };
}
