import { clock } from '../../libs/clock';
import { LocalScheduler, nextFireTime } from './scheduler';

const at = (iso: string) => new Date(iso);

describe('schedule expressions', () => {
  test.each([
    ['rate(5 minutes)', '2026-01-01T00:00:00Z', '2026-01-01T00:05:00.000Z'],
    ['rate(1 hour)', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00.000Z'],
    ['rate(1 day)', '2026-01-31T12:00:00Z', '2026-02-01T12:00:00.000Z'],
    // 02:00 UTC on the 1st of each month
    ['cron(0 2 1 * ? *)', '2026-01-15T00:00:00Z', '2026-02-01T02:00:00.000Z'],
    ['cron(0 2 1 * ? *)', '2026-02-01T01:59:00Z', '2026-02-01T02:00:00.000Z'],
    // first day of each quarter
    ['cron(0 3 1 1,4,7,10 ? *)', '2026-04-01T03:00:00Z', '2026-07-01T03:00:00.000Z'],
    // AWS weekdays count 1-7 from Sunday: 2 is Monday (2026-01-05 is a Monday)
    ['cron(0 9 ? * 2 *)', '2026-01-01T00:00:00Z', '2026-01-05T09:00:00.000Z'],
    ['cron(0 9 ? * MON-FRI *)', '2026-01-03T00:00:00Z', '2026-01-05T09:00:00.000Z'],
  ])('%s after %s fires at %s', (expression, after, next) => {
    expect(nextFireTime(expression, at(after)).toISOString()).toBe(next);
  });

  test.each(['every 5 minutes', 'rate(5 weeks)', 'cron(0 2 1 * ? 2027)'])('%s is refused', (expression) => {
    expect(() => nextFireTime(expression, new Date())).toThrow();
  });

  test('advancing the clock fires what fell due, once', async () => {
    clock.reset();
    const fired: string[] = [];
    const scheduler = new LocalScheduler([
      { id: 's/hourly', expression: 'rate(1 hour)', invoke: async ({ schedule }) => void fired.push(schedule) },
      { id: 's/daily', expression: 'rate(1 day)', invoke: async ({ schedule }) => void fired.push(schedule) },
    ]);
    expect(await scheduler.advance(30 * 60_000)).toEqual([]);
    expect(await scheduler.advance(31 * 60_000)).toEqual(['s/hourly']);
    expect(await scheduler.advance(3 * 86_400_000)).toEqual(['s/hourly', 's/daily']);
    expect(fired).toEqual(['s/hourly', 's/hourly', 's/daily']);
    clock.reset();
  });
});
