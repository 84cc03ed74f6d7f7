import type { HttpResult } from '../../libs/http/api';
import { MemorySink } from '../../services/notifications/channels/memory';
import { setChannelAdapters } from '../../services/notifications/channels/port';

/**
 * The local runtime's outbound channels: SMS and e-mail go to one in-memory sink, never off the
 * machine. `GET /_local/notifications[?channel=sms&to=+86…]` lists what was "sent"; `DELETE` empties
 * it; `POST /_local/notifications/fail {"to": "+86…", "times": 2}` makes sends to an address fail
 * (every time without `times`), to watch retries and the dead-letter queue. `close()` should call
 * `setChannelAdapters(undefined)`.
 */
export function installLocalNotificationSink(): MemorySink & { route(method: string, url: URL, body: string): HttpResult | undefined } {
  const sink = new MemorySink();
  setChannelAdapters({ sms: sink, email: sink });
  return Object.assign(sink, {
    route(method: string, url: URL, body: string): HttpResult | undefined {
      if (method === 'POST' && url.pathname === '/_local/notifications/fail') {
        let input: { to?: unknown; times?: unknown };
        try {
          input = JSON.parse(body || '{}') as typeof input;
        } catch {
          input = {};
        }
        if (typeof input.to !== 'string')
          return {
            statusCode: 400,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({ title: 'Bad Request', status: 400, detail: 'give "to": the address whose sends fail' }),
          };
        if (input.times === 0) sink.heal(input.to);
        else sink.failFor(input.to, typeof input.times === 'number' ? input.times : Infinity);
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failing: input.to, times: input.times ?? 'always' }) };
      }
      if (url.pathname !== '/_local/notifications') return undefined;
      if (method === 'DELETE') {
        sink.clear();
        return { statusCode: 204, headers: {}, body: '' };
      }
      if (method !== 'GET') return undefined;
      const channel = url.searchParams.get('channel');
      const to = url.searchParams.get('to');
      const items = sink.sent.filter((m) => (!channel || m.channel === channel) && (!to || m.to === to));
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: items.length, items: items.slice(-500) }) };
    },
  });
}
