import * as z from '../events/zod';

/** What an identifier in a path, a body or a grant may be: safe in keys, URLs and grant strings. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const id = z.string().check(z.regex(ID_PATTERN, 'letters, digits, _ or -, up to 64'));
