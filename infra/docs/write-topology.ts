import { writeFileSync } from 'node:fs';
import { services } from '../../services/index';
import { topologyMarkdown } from './topology-doc';

writeFileSync('docs/topology.md', topologyMarkdown(services));
console.log('wrote docs/topology.md');
