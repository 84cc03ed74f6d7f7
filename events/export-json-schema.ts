import { writeFileSync, mkdirSync } from 'node:fs';
import { catalogueJsonSchema } from './json-schema';

// Writes the catalogue as JSON Schema files for teams that do not read TypeScript.
const schemas = catalogueJsonSchema();
mkdirSync('events/json-schema', { recursive: true });
for (const [key, schema] of Object.entries(schemas)) {
  const file = `events/json-schema/${key.replaceAll('/', '.')}.json`;
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(file);
}
