import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { testContext } from './harness';

let app: Awaited<ReturnType<typeof testContext>>['app'];

beforeAll(async () => {
  app = (await testContext()).app;
});

/** Bad input gets a 400 whose message says what to fix, never a 500. */
describe('input validation', () => {
  const cases: [string, string, RegExp][] = [
    ['/api/stations/nearest?lat=26.6', 'missing lng', /lng: must be a number/],
    ['/api/stations/nearest?lng=200&lat=26.6', 'lng out of range', /lng: longitude must be between -180 and 180/],
    ['/api/stations/nearest?lng=106.6&lat=-91', 'lat out of range', /lat: latitude must be between -90 and 90/],
    ['/api/stations/nearest?lng=abc&lat=26.6', 'lng not a number', /lng: must be a number/],
    ['/api/stations/nearest?lng=106.6&lat=26.6&limit=0', 'limit too small', /limit/],
    ['/api/stations/nearest?lng=106.6&lat=26.6&limit=500', 'limit too large', /limit/],
    ['/api/stations/nearest?lng=106.6&lat=26.6&kind=spaceport', 'unknown kind', /unknown station kind: spaceport/],
    ['/api/stations?amenity=water,sauna', 'unknown amenity', /unknown amenity: sauna/],
    ['/api/grids?bbox=1,2,3', 'bbox with three numbers', /bbox must be four numbers/],
    ['/api/grids?bbox=10,10,5,20', 'inverted bbox', /minimums must not exceed maximums/],
    ['/api/zones?bbox=-200,0,10,10', 'bbox out of range', /bbox is out of range/],
    ['/api/zones?grid=not-a-uuid', 'grid not a uuid', /grid must be a grid id/],
    ['/api/regions?level=city', 'unknown level', /level/],
    ['/api/coverage', 'missing region', /region/],
    ['/api/coverage?region=1&minutes=0', 'minutes too small', /minutes must be 1–60/],
    ['/api/coverage?region=1&mode=teleport', 'unknown mode', /mode/],
    ['/api/coverage?region=1&method=teleport', 'unknown method', /method must be "radius" or "network"/],
    ['/api/stations?bogus=1', 'unknown parameter', /bogus/],
    ['/api/stations/nearest?lng=1&lng=2&lat=3', 'repeated parameter', /lng/],
  ];
  it.each(cases)('%s (%s) → 400', async (url, _why, message) => {
    const res = await request(app).get(url).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    expect(Array.isArray(res.body.error.details)).toBe(true);
  });

  it('an unknown region is a 404, not a 500', async () => {
    const res = await request(app).get('/api/coverage?region=999999').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Region 999999 does not exist.' } });
  });
});
