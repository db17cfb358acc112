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
    ['/api/stations/nearest?lat=26.6', 'missing lng', /lng: is required: a number \(longitude in degrees\)/],
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
    ['/api/zones?grid=not-a-uuid', 'grid not a uuid', /grid: must be a grid id \(a UUID\)/],
    ['/api/regions?level=city', 'unknown level', /level/],
    ['/api/coverage', 'missing region', /region/],
    ['/api/coverage?region=1&minutes=0', 'minutes too small', /minutes must be 1–60/],
    ['/api/coverage?region=1&mode=teleport', 'unknown mode', /mode/],
    ['/api/coverage?region=1&method=teleport', 'unknown method', /method must be "radius" or "network"/],
    ['/api/stations?bogus=1', 'unknown parameter', /bogus/],
    ['/api/stations/nearest?lng=1&lng=2&lat=3', 'repeated parameter', /lng: is given twice; give it once/],
    [
      '/api/stations/nearest?lng=1&lat=2&lat=3&lat=4',
      'parameter given three times',
      /lat: is given 3 times; give it once/,
    ],
    [
      '/api/stations?bogus=1',
      'unknown parameter, naming the known ones',
      /unknown parameter bogus; this endpoint takes bbox, kind/,
    ],
    // Empty values were read as 0 (the point 0,0; bbox 0,0,0,0).
    ['/api/here?lng=&lat=', 'empty coordinates', /lng: must not be empty; lat: must not be empty/],
    ['/api/grids?bbox=,,,', 'empty bbox numbers', /bbox must be four numbers: .*minLng must not be empty/],
    ['/api/grids?bbox=', 'empty bbox', /bbox: must not be empty/],
    ['/api/coverage?region=', 'empty region', /region: must not be empty/],
    ['/api/coverage?region=1&mode=', 'empty mode', /mode: must not be empty/],
    ['/api/stations?kind=', 'empty kind list', /kind: must not be empty/],
    ['/api/zones?grid=', 'empty grid id', /grid: must not be empty/],
    ['/api/isochrones?lng=106.6&lat=26.6&minutes=', 'empty minutes list', /minutes: must not be empty/],
    // Number() forms that are not plain decimal digits.
    ['/api/coverage?region=0x10', 'hex id', /region: must be a whole number in plain decimal digits/],
    [
      '/api/stations/nearest?lng=106.6&lat=26.6&limit=0b11',
      'binary count',
      /limit: must be a whole number in plain decimal digits/,
    ],
    ['/api/grids?community=1e3', 'exponent id', /community: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=0o7', 'octal id', /parent: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=1_000', 'underscore in an id', /parent: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=%2B5', 'signed id', /parent: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=%205', 'id with a space', /parent: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=5.0', 'id with decimals', /parent: must be a whole number in plain decimal digits/],
    ['/api/regions?parent=007', 'id with leading zeros', /parent: must be written without leading zeros \(7\)/],
    ['/api/coverage?region=-1', 'negative id', /region: must be a whole number in plain decimal digits/],
    ['/api/coverage?region=0', 'id 0', /region: must be a region id from 1 to 2147483647/],
    ['/api/stations/nearest?lng=1e2&lat=26.6', 'exponent longitude', /lng: must be a number in plain decimal notation/],
    ['/api/stations/nearest?lng=0x10&lat=26.6', 'hex longitude', /lng: must be a number in plain decimal notation/],
    ['/api/stations/nearest?lng=NaN&lat=26.6', 'NaN longitude', /lng: must be a number in plain decimal notation/],
    [
      '/api/stations/nearest?lng=106.6&lat=Infinity',
      'Infinity latitude',
      /lat: must be a number in plain decimal notation/,
    ],
    [
      '/api/stations/nearest?lng=106.6&lat=-Infinity',
      '-Infinity latitude',
      /lat: must be a number in plain decimal notation/,
    ],
    [
      '/api/stations/nearest?lng=.5&lat=26.6',
      'no digit before the point',
      /lng: must be a number in plain decimal notation/,
    ],
    [
      '/api/grids?bbox=1e1,2,3,4',
      'exponent in a bbox',
      /bbox must be four numbers: .*minLng must be a number in plain decimal/,
    ],
    [
      '/api/coverage?region=1&method=network&reach_m=1e2',
      'exponent reach_m',
      /reach_m: must be a number in plain decimal/,
    ],
    ['/api/coverage?region=1&method=network&reach_m=500.5', 'reach_m too large', /reach_m must be 0–500 metres/],
    ['/api/isochrones?lng=106.6&lat=26.6&minutes=0x5', 'hex minutes', /minutes must be whole numbers from 1 to 60/],
    [
      '/api/coverage?region=1&minutes=1e1',
      'exponent minutes',
      /minutes: must be a whole number in plain decimal digits/,
    ],
    ['/api/stations/nearest?lng=106.6&lat=26.6&open=yes', 'not a boolean', /open: must be true or false/],
  ];
  it.each(cases)('%s (%s) → 400', async (url, _why, message) => {
    const res = await request(app).get(url).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    expect(Array.isArray(res.body.error.details)).toBe(true);
  });

  // The database used to answer these itself: "value … is out of range for type integer".
  it.each([
    ['/api/coverage?region=2147483648', 'region: must be a region id from 1 to 2147483647'],
    ['/api/grids?community=99999999999999999999', 'community: must be a community region id from 1 to 2147483647'],
    ['/api/regions?parent=2147483648', 'parent: must be a region id from 1 to 2147483647'],
  ])('%s is refused before the database sees it', async (url, message) => {
    const res = await request(app).get(url).expect(400);
    expect(res.body.error.message).toBe(message);
    expect(JSON.stringify(res.body)).not.toMatch(/out of range for type|integer/);
  });

  it('the largest int4 id passes validation and is simply not found', async () => {
    const res = await request(app).get('/api/coverage?region=2147483647').expect(404);
    expect(res.body.error.message).toBe('Region 2147483647 does not exist.');
  });

  it('an unknown region is a 404, not a 500', async () => {
    const res = await request(app).get('/api/coverage?region=999999').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Region 999999 does not exist.' } });
  });
});

/** JSON bodies: parsed only on routes that take one, each with its own limit and a depth cap. */
describe('request bodies', () => {
  const login = () => request(app).post('/api/auth/login');

  it('a body over the route limit is a 413 that names the limit', async () => {
    const res = await login()
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'x', password: 'y'.repeat(17 * 1024) }))
      .expect(413);
    expect(res.body).toEqual({
      error: {
        code: 'body_too_large',
        message: "The request body is larger than this endpoint's limit of 16 kB; send a smaller body.",
      },
    });
  });

  it('a body that is not JSON is a 415', async () => {
    const res = await login().set('Content-Type', 'text/plain').send('username=x').expect(415);
    expect(res.body.error).toEqual({
      code: 'unsupported_media_type',
      message: 'Send the body as JSON, with Content-Type: application/json (not text/plain).',
    });
  });

  it('malformed JSON is a 400 that says so', async () => {
    const res = await login().set('Content-Type', 'application/json').send('{"username": ').expect(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toMatch(/^The request body is not valid JSON .*; send well-formed JSON\.$/);
  });

  it('nesting deeper than 32 levels is refused before parsing', async () => {
    const deep = `{"username":${'['.repeat(33)}${']'.repeat(33)},"password":"x"}`;
    const res = await login().set('Content-Type', 'application/json').send(deep).expect(400);
    expect(res.body.error).toEqual({
      code: 'invalid_json',
      message: 'The JSON body is nested deeper than 32 levels; this endpoint takes at most 32.',
    });
  });

  it('no body at all is a 400 that asks for one', async () => {
    const res = await login().expect(400);
    expect(res.body.error).toEqual({
      code: 'body_required',
      message: 'This endpoint takes a JSON body; send one with Content-Type: application/json.',
    });
  });

  it('GET routes never parse a body: a 5 MB nested array sent to /api/health is ignored', async () => {
    const body = '['.repeat(2_500_000) + ']'.repeat(2_500_000);
    const res = await request(app).get('/api/health').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });
});
