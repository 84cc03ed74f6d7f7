import { config, globalRegistry, type ZodMiniType } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod, the tree-shakable "mini" build with English messages. The classic build takes ~40 ms to
 * initialise by itself, more than a bare Lambda handler's whole module init (npm run bench --
 * bundles); mini with one locale takes a few. Import it as `import * as z from '…/events/zod'` (a
 * namespace import keeps tree shaking; re-exporting the namespace object would pull in every
 * locale and the JSON Schema generator). Every schema imports z from here, so the locale is set once.
 */
config(en());

export * from 'zod/mini';

/** A copy of `schema` carrying a description (for OpenAPI and JSON Schema); the original is untouched. */
export function described<T extends ZodMiniType>(schema: T, description: string): T {
  const copy = schema.clone() as T;
  globalRegistry.add(copy, { description });
  return copy;
}
