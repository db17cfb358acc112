import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, getJson } from '../../web/src/lib/api/client';
import { fetchCoverage } from '../../web/src/lib/api/coverage';
import { fetchNearestStations, fetchReachableStations } from '../../web/src/lib/api/stations';
import { fetchIsochrones } from '../../web/src/lib/api/isochrones';
import { fetchGrids } from '../../web/src/lib/api/grids';

const respond = (status: number, body: unknown, statusText = '') =>
  vi.fn(
    async (_url: string) =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText }),
  );

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiUrl', () => {
  it('skips empty parameters', () => {
    expect(apiUrl('stations/nearest', { lng: 106.6, lat: 26.6, limit: 5, kind: null, amenity: undefined, x: '' })).toBe(
      '/api/stations/nearest?lng=106.6&lat=26.6&limit=5',
    );
    expect(apiUrl('/config')).toBe('/api/config');
  });
});

describe('getJson', () => {
  it('returns the parsed body on 2xx', async () => {
    vi.stubGlobal('fetch', respond(200, { ok: 1 }));
    await expect(getJson('config')).resolves.toEqual({ ok: 1 });
  });

  it('throws ApiError with the server message on 4xx', async () => {
    vi.stubGlobal(
      'fetch',
      respond(400, {
        error: { code: 'invalid_query', message: 'minutes must be 5, 10 or 15', details: { path: ['minutes'] } },
      }),
    );
    const error = await getJson('coverage').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      message: 'minutes must be 5, 10 or 15',
      status: 400,
      code: 'invalid_query',
      details: { path: ['minutes'] },
    });
  });

  it('throws a readable ApiError when the error body is not JSON', async () => {
    vi.stubGlobal('fetch', respond(502, '<html>Bad gateway</html>', 'Bad Gateway'));
    await expect(getJson('here')).rejects.toThrow('502 Bad Gateway (here)');
  });
});

describe('route wrappers', () => {
  it('build the documented query strings', async () => {
    const fetchMock = respond(200, { type: 'FeatureCollection', features: [] });
    vi.stubGlobal('fetch', fetchMock);
    await fetchCoverage({ region: 1, minutes: 15, mode: 'walk', kind: null });
    await fetchNearestStations({ lng: 106.6, lat: 26.6, amenity: 'water' });
    await fetchGrids([106.5, 26.5, 106.7, 26.7]);
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      '/api/coverage?region=1&minutes=15&mode=walk',
      '/api/stations/nearest?lng=106.6&lat=26.6&limit=5&amenity=water',
      '/api/grids?bbox=106.500000%2C26.500000%2C106.700000%2C26.700000',
    ]);
  });

  it('pass the coverage method through', async () => {
    const fetchMock = respond(200, {});
    vi.stubGlobal('fetch', fetchMock);
    await fetchCoverage({ region: 7, minutes: 10, mode: 'ebike', kind: 'rider_station', method: 'network' });
    await fetchCoverage({ region: 7, minutes: 10, mode: 'ebike', method: null });
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      '/api/coverage?region=7&minutes=10&mode=ebike&kind=rider_station&method=network',
      '/api/coverage?region=7&minutes=10&mode=ebike',
    ]);
  });

  it('send isochrone minutes as one comma-separated list', async () => {
    const fetchMock = respond(200, { type: 'FeatureCollection', features: [] });
    vi.stubGlobal('fetch', fetchMock);
    await fetchIsochrones({ lng: 106.62, lat: 26.62, mode: 'walk', minutes: [5, 10, 15] });
    await fetchIsochrones({ lng: 106.62, lat: 26.62, mode: 'car', minutes: [10] });
    const urls = fetchMock.mock.calls.map((call) => new URL(call[0], 'http://localhost'));
    expect(urls.map((url) => url.pathname)).toEqual(['/api/isochrones', '/api/isochrones']);
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({
      lng: '106.62',
      lat: '26.62',
      mode: 'walk',
      minutes: '5,10,15',
    });
    expect(urls[1]!.searchParams.get('minutes')).toBe('10');
    expect(urls[1]!.searchParams.get('mode')).toBe('car');
  });

  it('surface the isochrones 422 as an ApiError with its code', async () => {
    vi.stubGlobal('fetch', respond(422, { error: { code: 'no_street_nearby', message: 'No street within 500 m' } }));
    const error = await fetchIsochrones({ lng: 106.4, lat: 26.4, mode: 'walk', minutes: [5] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'no_street_nearby', message: 'No street within 500 m' });
  });

  it('ask for reachable stations with defaults and only a true open flag', async () => {
    const fetchMock = respond(200, { type: 'FeatureCollection', features: [] });
    vi.stubGlobal('fetch', fetchMock);
    await fetchReachableStations({ lng: 106.6, lat: 26.6, mode: 'walk' });
    await fetchReachableStations({
      lng: 106.6,
      lat: 26.6,
      mode: 'ebike',
      minutes: 10,
      limit: 3,
      kind: 'rider_station',
      amenity: 'water',
      openOnly: true,
    });
    await fetchReachableStations({ lng: 106.6, lat: 26.6, mode: 'walk', openOnly: false });
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      '/api/stations/reachable?lng=106.6&lat=26.6&mode=walk&minutes=15&limit=5',
      '/api/stations/reachable?lng=106.6&lat=26.6&mode=ebike&minutes=10&limit=3&kind=rider_station&amenity=water&open=true',
      '/api/stations/reachable?lng=106.6&lat=26.6&mode=walk&minutes=15&limit=5',
    ]);
  });
});
