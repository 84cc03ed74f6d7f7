import { catalogue, ResolutionPassed, RollActivated } from './catalogue';
import { fixtures } from './fixtures';
import { catalogueJsonSchema } from './json-schema';

const delivered = (e: { source: string; detailType: string; detail: unknown }) => ({ source: e.source, 'detail-type': e.detailType, detail: e.detail as never });

describe('event catalogue', () => {
  test('every event has a fixture that its own schema accepts', () => {
    for (const definition of catalogue) {
      const fixture = fixtures[definition.detailType];
      expect(fixture).toBeDefined();
      expect(definition.parse(delivered(fixture!)).metadata.id).toBe(fixture!.detail.metadata.id);
    }
  });

  test('detail-types are unique and PascalCase, sources gongzhi.<service>', () => {
    const types = catalogue.map((e) => e.detailType);
    expect(new Set(types).size).toBe(types.length);
    for (const e of catalogue) {
      expect(e.detailType).toMatch(/^[A-Z][a-zA-Z]+$/);
      expect(e.source).toMatch(/^gongzhi\.[a-z]+$/);
    }
  });

  test('create refuses bad data; parse refuses another event, another version and unknown fields', () => {
    expect(() =>
      RollActivated.create({ compoundId: 'C1', rollVersion: 0, chunkCount: 1, unitCount: 1, totalArea: 1 }, { compoundId: 'C1', actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z' }),
    ).toThrow();
    const passed = fixtures.ResolutionPassed!;
    expect(() => RollActivated.parse(delivered(passed))).toThrow(/expected gongzhi.registry\/RollActivated/);
    const v2 = { ...passed.detail, metadata: { ...passed.detail.metadata, version: 2 } };
    expect(() => ResolutionPassed.parse({ ...delivered(passed), detail: v2 })).toThrow();
    const extra = { ...passed.detail, data: { ...(passed.detail.data as object), surprise: 1 } };
    expect(() => ResolutionPassed.parse({ ...delivered(passed), detail: extra })).toThrow();
  });

  test('the correlation id defaults to the event id and survives when given', () => {
    const own = RollActivated.create({ compoundId: 'C1', rollVersion: 1, chunkCount: 1, unitCount: 1, totalArea: 1 }, { compoundId: 'C1', actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z' });
    expect(own.detail.metadata.correlationId).toBe(own.detail.metadata.id);
    const caused = RollActivated.create(
      { compoundId: 'C1', rollVersion: 1, chunkCount: 1, unitCount: 1, totalArea: 1 },
      { compoundId: 'C1', actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'root' },
    );
    expect(caused.detail.metadata.correlationId).toBe('root');
  });

  test('the catalogue exports JSON Schema for every event', () => {
    const schemas = catalogueJsonSchema();
    expect(Object.keys(schemas)).toHaveLength(catalogue.length);
    const passed = schemas['gongzhi.elections/ResolutionPassed/v1'] as { properties: Record<string, unknown>; required: string[] };
    expect(passed.required).toEqual(['metadata', 'data']);
    expect(JSON.stringify(passed)).toContain('maintenance_fund_raise');
  });
});
