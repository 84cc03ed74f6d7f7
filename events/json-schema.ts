import { toJSONSchema } from 'zod/v4/core';
import { catalogue } from './catalogue';

/** JSON Schema (draft 2020-12) of every event's detail, keyed `source/detailType/vN`. */
export function catalogueJsonSchema(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const event of catalogue) {
    out[`${event.source}/${event.detailType}/v${event.version}`] = toJSONSchema(event.detail, { io: 'input' });
  }
  return out;
}
