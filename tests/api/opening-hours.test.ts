import type { Feature, Point } from 'geojson';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NearestStationCollection } from '../../server/src/contracts';
import { type SeedStationProps, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

beforeAll(async () => {
  ctx = await testContext();
});

const at = (lng: number, name: string, openingHours: string): Feature<Point, SeedStationProps> => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, 26.61] },
  properties: { name, openingHours },
});

const nearest = async (params: string) =>
  (await request(ctx.app).get(`/api/stations/nearest?lng=106.63&lat=26.61&${params}`).expect(200))
    .body as NearestStationCollection;
const states = (body: NearestStationCollection) =>
  body.features.map((f) => [f.properties.name, f.properties.openState.open, f.properties.openState.nextChange]);

describe('GET /api/stations/nearest with open_at', () => {
  it('at 03:45 Beijing time widens past twenty closed stations to the 24/7 one 2.5 km away', async () => {
    await resetData(ctx.database);
    // Twenty stations within 800 m that open at 06:00 (more than the first shortlist of 15, so the
    // search must widen), and one open all night about 2.5 km east.
    const day = Array.from({ length: 20 }, (_, i) => i + 1);
    await seedStations(ctx.database, [
      ...day.map((i) => at(106.63 + i * 0.0004, `day-${i}`, 'Mo-Su 06:00-24:00')),
      at(106.655, '小蜜蜂驿站·金阳公园', '24/7'),
    ]);
    const night = encodeURIComponent('2026-03-10T03:45:00+08:00');
    const all = await nearest(`limit=5&open_at=${night}`);
    expect(states(all)).toEqual(
      [1, 2, 3, 4, 5].map((i) => [`day-${i}`, false, '2026-03-09T22:00:00.000Z']), // opens 06:00 Beijing
    );
    expect(all.features.every((f) => f.properties.openNow === false)).toBe(true);

    const open = await nearest(`limit=5&open=true&open_at=${night}`);
    expect(states(open)).toEqual([['小蜜蜂驿站·金阳公园', true, null]]);
    expect(open.features[0]!.properties.distance_m).toBeGreaterThan(2400);
    expect(open.features[0]!.properties.distance_m).toBeLessThan(2600);

    // The same moment written in UTC is the same answer.
    const utc = await nearest(`limit=5&open=true&open_at=2026-03-09T19:45:00Z`);
    expect(states(utc)).toEqual(states(open));
    // At 07:00 the day stations are open and come first, closing at midnight.
    const morning = await nearest(`limit=2&open=true&open_at=${encodeURIComponent('2026-03-10T07:00:00+08:00')}`);
    expect(states(morning)).toEqual([
      ['day-1', true, '2026-03-10T16:00:00.000Z'],
      ['day-2', true, '2026-03-10T16:00:00.000Z'],
    ]);
  });

  it('closes "PH off" stations on 2026-02-17 (春节) and opens them on Sat 2026-02-14 (a make-up working day)', async () => {
    await resetData(ctx.database);
    await seedStations(ctx.database, [
      at(106.631, 'office-hours', 'Mo-Fr 08:00-18:00; PH off'),
      at(106.632, 'every-day', 'Mo-Su 07:00-21:00; PH off'),
      at(106.633, 'holiday-hours', 'Mo-Su 07:00-21:00; PH 10:00-16:00'),
    ]);
    const holiday = await nearest(`limit=3&open_at=${encodeURIComponent('2026-02-17T12:00:00+08:00')}`);
    expect(states(holiday)).toEqual([
      ['office-hours', false, '2026-02-24T00:00:00.000Z'], // Tue 24 Feb 08:00, after 春节
      ['every-day', false, '2026-02-23T23:00:00.000Z'], // Tue 24 Feb 07:00
      ['holiday-hours', true, '2026-02-17T08:00:00.000Z'], // 16:00 that day
    ]);
    const holidayOpen = await nearest(`limit=3&open=true&open_at=${encodeURIComponent('2026-02-17T12:00:00+08:00')}`);
    expect(holidayOpen.features.map((f) => f.properties.name)).toEqual(['holiday-hours']);

    const makeUp = await nearest(`limit=3&open=true&open_at=${encodeURIComponent('2026-02-14T12:00:00+08:00')}`);
    expect(states(makeUp)).toEqual([
      ['office-hours', true, '2026-02-14T10:00:00.000Z'], // working-day hours: closes 18:00
      ['every-day', true, '2026-02-14T13:00:00.000Z'],
      ['holiday-hours', true, '2026-02-14T13:00:00.000Z'],
    ]);
    // An ordinary Saturday: the office is shut.
    const saturday = await nearest(`limit=3&open=true&open_at=${encodeURIComponent('2026-03-07T12:00:00+08:00')}`);
    expect(saturday.features.map((f) => f.properties.name)).toEqual(['every-day', 'holiday-hours']);
  });

  it.each([
    ['2026-02-17T12:00:00', 'no offset'],
    ['2026-02-17', 'a date only'],
    ['yesterday', 'words'],
    ['2026-02-30T12:00:00Z', 'no such date'],
    ['2026-02-17T25:00:00Z', 'no such hour'],
    ['', 'empty'],
  ])('open_at=%s (%s) → 400 saying the format', async (value, _why) => {
    const res = await request(ctx.app)
      .get(`/api/stations/nearest?lng=106.63&lat=26.61&open_at=${encodeURIComponent(value)}`)
      .expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(
      value === ''
        ? /open_at: must not be empty/
        : /open_at: .*ISO 8601 time with its offset, like 2026-02-17T12:00:00\+08:00/,
    );
  });

  it('open_at given twice → 400', async () => {
    const res = await request(ctx.app)
      .get('/api/stations/nearest?lng=106.63&lat=26.61&open_at=2026-02-17T04:00:00Z&open_at=2026-02-17T05:00:00Z')
      .expect(400);
    expect(res.body.error.message).toMatch(/open_at: is given twice; give it once/);
  });
});
