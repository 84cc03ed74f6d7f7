import { z } from 'zod';
import { catalogue } from './catalogue';

/** JSON Schema (draft 2020-12) of every event's detail, keyed `source/detailType/vN`. */
export function catalogueJsonSchema(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const event of catalogue) {
    out[`${event.source}/${event.detailType}/v${event.version}`] = z.toJSONSchema(event.detail, { io: 'input' });
  }
  return out;
}
