import { App } from 'aws-cdk-lib';
import { GongzhiStack } from '../infra/cdk/stack';
import { mergedResources, templatesOf } from '../infra/cdk/templates';
import type { RouteDecl, ServiceTopology } from '../libs/topology';
import { services } from '../services/index';

/**
 * CloudFormation refuses a template of more than 500 resources (and a nested template over 1 MB, or
 * with more than 200 parameters or outputs). Every template stays under 400, so a service can grow
 * and the city can add services before anyone meets the limit. The counts are in the test names.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const MAX_RESOURCES = 400;
const MAX_TEMPLATE_BYTES = 1_000_000;
const MAX_PARAMETERS = 200;

const build = (id: string, all: readonly ServiceTopology[]) =>
  new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), id, { stage: 'dev', services: all, root: process.cwd() });

/** A service of the given shape, with handlers that exist (their code is not bundled here). */
function shaped(name: string, shape: { routes: number; consumers: number; schedules: number; queues: number; files?: boolean }): ServiceTopology {
  const entry = 'libs/outbox-sweep.ts';
  const routes: RouteDecl[] = Array.from({ length: shape.routes }, (_, i) => ({
    operationId: `${name}${i}`,
    method: i % 2 ? 'POST' : 'GET',
    path: `/compounds/{compoundId}/${name}/r${i}`,
    summary: `route ${i}`,
    allow: ['owner'],
  }));
  const queues = Array.from({ length: shape.queues }, (_, i) => ({ name: `units-${i}`, entry, description: `queue ${i}` }));
  return {
    name,
    source: `gongzhi.${name}`,
    ownsTable: true,
    files: shape.files,
    api: { entry, routes },
    consumers: Array.from({ length: shape.consumers }, (_, i) => ({ name: `on-${i}`, entry, description: `consumer ${i}`, pattern: { source: ['gongzhi.registry'] } })),
    schedules: Array.from({ length: shape.schedules }, (_, i) => ({ name: `every-${i}`, entry, description: `schedule ${i}`, expression: 'rate(1 hour)', sendsTo: queues.map((q) => q.name) })),
    queues,
    publishes: ['Happened'],
  };
}

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
  // Shaped like the services about to come (enforcement, notifications) and twice the largest so far.
  const coming = [
    shaped('enforcement', { routes: 25, consumers: 2, schedules: 2, queues: 1, files: true }),
    shaped('notifications', { routes: 10, consumers: 3, schedules: 2, queues: 1 }),
  ];
  const large = shaped('large', { routes: 100, consumers: 6, schedules: 6, queues: 4, files: true });
  const grown = templatesOf(build('Grown', [...services, ...coming, large]));
  const parent = (of: typeof grown) => of[0]!.resources;

  test.each(grown.map((t) => [t.path, t.resources, Math.round(t.bytes / 1000), t] as const))('%s: %d resources, %d kB', (_, __, ___, template) => {
    expectWithinLimits(template);
  });

  test(`the platform stack grows by one resource per service (${parent(templates)} today, ${parent(grown)} with three more)`, () => {
    expect(parent(grown) - parent(templates)).toBe(3);
  });
});
