import * as z from '../../../events/zod';
import { complaintCategory } from '../../../events/disputes';
import type { Role } from '../../../libs/auth';
import { id } from '../../../libs/ids';

/** Schemas and role lists the route declarations share (no AWS SDK here: the topology reads them). */

/** Anyone with a grant in the compound may file (a grid member or an official on someone's behalf too). */
export const FILERS: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'bureau'];
/** May open a case; the handler checks who may see what (domain/access.ts). */
export const CASE_READERS: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'];
/** May act on a case as its handler (or above it in the compound's chain). */
export const HANDLERS: Role[] = ['committee', 'property', 'community', 'street', 'district', 'department', 'bureau'];
/** The officials who mediate, route and record court matters for the compounds of their area. */
export const OFFICIALS: Role[] = ['community', 'street', 'district', 'bureau'];

export const complaintId = z.string().check(z.regex(/^Q\d{8}-[0-9A-Z]{6}$/, 'a complaint id such as Q20260501-K7M2P9'));
export const complaintParams = z.strictObject({ complaintId });
export const compoundParams = z.strictObject({ compoundId: id });
export const category = complaintCategory;
export const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
export const note = text(2, 2000);
export const isoTime = z.iso.datetime({ offset: true });
export const date = z.iso.date();
export const lat = z.number().check(z.minimum(-90), z.maximum(90));
export const long = z.number().check(z.minimum(-180), z.maximum(180));

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'video/mp4', 'audio/mpeg', 'audio/mp4', 'application/pdf'] as const;
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const attachmentInput = z.strictObject({
  filename: z.string().check(z.regex(/^[\w. ()-]{1,100}$/, 'letters, digits, spaces and ._()-, up to 100')),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.int().check(z.positive(), z.maximum(MAX_ATTACHMENT_BYTES)),
});

export const handler = z.strictObject({
  kind: z.enum(['property', 'committee', 'community', 'street', 'district', 'department']),
  id,
});

export const respondentKind = z.enum(['property_company', 'committee', 'owner', 'developer', 'department', 'other', 'none']);
