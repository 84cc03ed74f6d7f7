import * as z from './zod';
import { defineEvent } from './envelope';
import { id } from './common';

/** Events published by the access service: every change to who may do what, so it lands in the audit trail. */

/** `role:scope` (owners add `:ownerId`), as libs/auth.ts writes it. */
const grant = z.string().check(z.minLength(1), z.maxLength(200));
/** Where a grant reaches: the street (or district, or the whole city) its list lives under. */
const area = z.string().check(z.minLength(1), z.maxLength(100));

export const GrantAssigned = defineEvent('gongzhi.access', 'GrantAssigned', 1, z.strictObject({ userId: id, grant, area }));

export const GrantRevoked = defineEvent('gongzhi.access', 'GrantRevoked', 1, z.strictObject({ userId: id, grant, area }));
