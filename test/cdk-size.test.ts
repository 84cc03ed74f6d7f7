import { App } from 'aws-cdk-lib';
import { GongzhiStack } from '../infra/cdk/stack';
import { mergedResources, templatesOf } from '../infra/cdk/templates';
import type { ServiceExtension } from '../infra/cdk/service-extensions';
import type { ServiceTopology } from '../libs/topology';
import { services } from '../services/index';
import { SERVICE_EXTENSIONS } from '../infra/cdk/service-extensions';
import { mailingExtension, mailingShaped, shaped } from './cdk-shapes';

/**
 * CloudFormation refuses a template of more than 500 resources (and a nested template over 1 MB, or
 * with more than 200 parameters or outputs). Every template stays under 400, so a service can grow
 * and the city can add services before anyone meets the limit. The counts are in the test names.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const MAX_RESOURCES = 400;
const MAX_TEMPLATE_BYTES = 1_000_000;
const MAX_PARAMETERS = 200;

const build = (id: string, all: readonly ServiceTopology[], extensions?: Record<string, ServiceExtension>) =>
  new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), id, { stage: 'dev', services: all, root: process.cwd(), extensions });

function expectWithinLimits(template: ReturnType<typeof templatesOf>[number]) {
  expect(template.resources).toBeLessThanOrEqual(MAX_RESOURCES);
  expect(template.bytes).toBeLessThan(MAX_TEMPLATE_BYTES);
  expect(Object.keys(template.template.Parameters ?? {}).length).toBeLessThanOrEqual(MAX_PARAMETERS);
  expect(Object.keys(template.template.Outputs ?? {}).length).toBeLessThanOrEqual(MAX_PARAMETERS);
}

const stack = build('Gongzhi-dev', services);
const templates = templatesOf(stack);

describe(`every template stays under ${MAX_RESOURCES} resources`, () => {
  test.each(templates.map((t) => [t.path, t.resources, Math.round(t.bytes / 1000), t] as const))('%s: %d resources, %d kB', (_, __, ___, template) => {
    expectWithinLimits(template);
  });

  test(`all of it: ${templates.reduce((n, t) => n + t.resources, 0)} resources in ${templates.length} templates`, () => {
    expect(templates.map((t) => t.path)).toEqual(['Gongzhi-dev', ...services.map((s) => `Gongzhi-dev/${s.name[0]!.toUpperCase()}${s.name.slice(1)}`)]);
  });

  test('read as one, no reference between the templates is left unresolved', () => {
    const text = JSON.stringify(mergedResources(stack));
    expect(text).not.toMatch(/"Ref":"reference/);
    expect(text).not.toMatch(/"Outputs\./);
  });
});

describe('as the city grows', () => {
  // A mailing service with an SES and SNS extension, and a service twice the size of the largest so far.
  const large = shaped('large', { routes: 100, consumers: 6, schedules: 6, queues: 4, files: true });
  const grown = templatesOf(build('Grown', [...services, mailingShaped, large], { ...SERVICE_EXTENSIONS, mailing: mailingExtension }));
  const plain = templatesOf(build('Plain', [...services, mailingShaped], SERVICE_EXTENSIONS));
  const parent = (of: typeof grown) => of[0]!.resources;
  const mailing = (of: typeof grown) => of.find((t) => t.path.endsWith('/Mailing'))!.resources;

  test.each(grown.map((t) => [t.path, t.resources, Math.round(t.bytes / 1000), t] as const))('%s: %d resources, %d kB', (_, __, ___, template) => {
    expectWithinLimits(template);
  });

  test(`the platform stack grows by one resource per service (${parent(templates)} today, ${parent(grown)} with two more)`, () => {
    expect(parent(grown) - parent(templates)).toBe(2);
  });

  test(`an extension's resources land in its service's template only (mailing: ${mailing(plain)} without, ${mailing(grown)} with)`, () => {
    expect(mailing(grown)).toBeGreaterThan(mailing(plain));
    const others = (of: typeof grown) => of.filter((t) => !t.path.endsWith('/Mailing') && !t.path.endsWith('/Large')).map((t) => [t.path.split('/')[1], t.resources]);
    expect(others(grown).slice(1)).toEqual(others(plain).slice(1));
    expect(parent(grown)).toBe(parent(plain) + 1); // the large service's stack
  });

  test('an extension for a service the stack does not have is refused', () => {
    expect(() => build('Stray', services, { mailing: mailingExtension })).toThrow(/not a service of this stack/);
  });
});
