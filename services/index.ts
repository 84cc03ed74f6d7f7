import type { ServiceTopology } from '../libs/topology';
import { topology as meta } from './meta/topology';
import { topology as access } from './access/topology';
import { topology as audit } from './audit/topology';
import { topology as disputes } from './disputes/topology';
import { topology as elections } from './elections/topology';
import { topology as enforcement } from './enforcement/topology';
import { topology as funds } from './funds/topology';
import { topology as registry } from './registry/topology';

/** Every service of the system, read by the CDK app and the local runtime alike. */
export const services: readonly ServiceTopology[] = [meta, registry, elections, funds, disputes, enforcement, audit, access];
