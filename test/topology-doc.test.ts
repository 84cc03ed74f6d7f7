import { readFileSync } from 'node:fs';
import { topologyMarkdown } from '../infra/docs/topology-doc';
import { services } from '../services/index';

test('docs/topology.md is what the declarations say (run `npm run docs:topology` after changing one)', () => {
  expect(readFileSync('docs/topology.md', 'utf8')).toBe(topologyMarkdown(services));
});
