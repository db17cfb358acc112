import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, getJson } from '../../web/src/lib/api/client';
import { fetchCoverage } from '../../web/src/lib/api/coverage';
import { fetchNearestStations } from '../../web/src/lib/api/stations';
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
});
