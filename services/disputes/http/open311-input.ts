import * as z from '../../../events/zod';
import { invalid } from '../../../libs/errors';
import { zodFieldErrors } from '../../../libs/http/problem';

/**
 * Open311 arguments after the edge: empty ones dropped ("optional means the response should be the
 * same whether a parameter is passed and is empty or is not passed at all"), then typed and checked.
 */
export function dropEmpty<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}

const coordinate = (min: number, max: number) =>
  z.pipe(z.string().check(z.regex(/^-?\d{1,3}(\.\d{1,12})?$/, 'a decimal number')), z.transform(Number)).check(z.refine((n) => n >= min && n <= max, `between ${min} and ${max}`));
const short = (max: number) => z.optional(z.string().check(z.trim(), z.maxLength(max)));

export const postFields = z.object({
  api_key: short(200),
  jurisdiction_id: short(200),
  service_code: short(64),
  lat: z.optional(coordinate(-90, 90)),
  long: z.optional(coordinate(-180, 180)),
  address_string: short(500),
  address_id: short(200),
  email: z.optional(z.email()),
  device_id: short(200),
  account_id: short(200),
  first_name: short(100),
  last_name: short(100),
  phone: z.optional(z.string().check(z.regex(/^[0-9+ ()-]{3,30}$/, 'a phone number'))),
  description: short(4000),
  media_url: z.optional(z.url({ protocol: /^https?$/ })),
  attribute: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
});
export type PostFields = z.infer<typeof postFields>;

export function parseFields<S extends z.ZodMiniType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(dropEmpty(raw));
  if (!parsed.success)
    throw invalid(
      'the request has invalid arguments',
      zodFieldErrors('', parsed.error).map((e) => ({ field: e.field.replace(/^\./, ''), reason: e.reason })),
    );
  return parsed.data;
}

const list = z.optional(
  z.pipe(
    z.string(),
    z.transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ),
);
const w3cTime = z.optional(
  z
    .string()
    .check(z.refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), 'a W3C datetime such as 2026-05-01T00:00:00+08:00')),
);
const positive = (max: number) => z.optional(z.pipe(z.string().check(z.regex(/^\d{1,6}$/, 'a whole number')), z.transform(Number)).check(z.refine((n) => n >= 1 && n <= max, `1 to ${max}`)));

export const listFields = z.object({
  jurisdiction_id: short(200),
  api_key: short(200),
  service_request_id: list,
  service_code: list,
  start_date: w3cTime,
  end_date: w3cTime,
  status: list,
  page: positive(100_000),
  page_size: positive(1000),
});
export type ListFields = z.infer<typeof listFields>;

/** A W3C date without a time is the start of that day, Beijing time (the jurisdiction's zone). */
export const instant = (s: string): string => new Date(/T/.test(s) ? s : `${s}T00:00:00+08:00`).toISOString();
