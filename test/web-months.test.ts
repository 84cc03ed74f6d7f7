import fc from 'fast-check';
import { localMonth } from '../services/disputes/domain/calendar';
import { lastMonths } from '../web/src/months';

/** The dashboard's months (web/src/months.ts) are the disputes service's local months. */
describe('lastMonths', () => {
  test('twelve months ending with the local month, across the year boundary', () => {
    expect(lastMonths('2026-03-10T04:00:00.000Z')).toEqual(['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(lastMonths('2026-12-31T15:59:59.999Z', 2)).toEqual(['2026-11', '2026-12']);
  });

  test('a UTC instant already in the next month in Quanzhou counts there (midnight local, either side)', () => {
    expect(lastMonths('2026-01-31T16:00:00.000Z', 1)).toEqual(['2026-02']);
    expect(lastMonths('2026-01-31T15:59:59.999Z', 1)).toEqual(['2026-01']);
    expect(lastMonths('2026-12-31T16:00:00.000Z', 2)).toEqual(['2026-12', '2027-01']);
  });

  test('the last month is the server’s local month, and the months are consecutive', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 36 }), (at, count) => {
        const months = lastMonths(at.toISOString(), count);
        expect(months).toHaveLength(count);
        expect(months[count - 1]).toBe(localMonth(at.toISOString()));
        for (let i = 1; i < count; i++) {
          const [y, m] = months[i - 1]!.split('-').map(Number) as [number, number];
          expect(months[i]).toBe(m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`);
        }
      }),
    );
  });
});
