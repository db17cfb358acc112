import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { testContext } from './harness';

let app: Awaited<ReturnType<typeof testContext>>['app'];
let kind: string;

beforeAll(async () => {
  const ctx = await testContext();
  app = ctx.app;
  kind = ctx.database.kind;
});

describe('GET /api/health', () => {
  it('reports the database mode and the PostGIS version', async () => {
    const res = await request(app).get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.database).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded');
    expect(res.body.database).toBe(kind);
    expect(res.body.postgis).toMatch(/^3\.\d+\.\d+/);
    expect(res.body.components.database.status).toBe('up');
    expect(res.body.components.database.latency_ms).toBeGreaterThan(0);
    expect(res.body.components.database.latency_ms).toBeLessThan(1_000); // the check gives up at 1 s
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every endpoint with its query parameters', async () => {
    const res = await request(app).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/api/health',
      '/api/regions',
      '/api/grids',
      '/api/zones',
      '/api/stations',
      '/api/stations/nearest',
      '/api/coverage',
      '/api/here',
    ]) {
      expect(paths).toContain(path);
    }
    const nearest = res.body.paths['/api/stations/nearest'].get.parameters.map(
      (p: { name: string; required: boolean }) => [p.name, p.required],
    );
    expect(nearest).toEqual(
      expect.arrayContaining([
        ['lng', true],
        ['lat', true],
        ['limit', false],
        ['kind', false],
        ['amenity', false],
      ]),
    );
  });
});

describe('compression', () => {
  // The OpenAPI document is large whatever rows the other test files left (compression skips < 1 KB).
  it('gzips large responses for clients that accept it, and the body still parses', async () => {
    const res = await request(app).get('/api/openapi.json').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.openapi).toBe('3.1.0');
    const plain = await request(app).get('/api/openapi.json').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(res.body);
  });
});

describe('unknown API routes', () => {
  it('answer 404 with the error body', async () => {
    const res = await request(app).get('/api/nope').expect(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'No API route GET /api/nope. See /api/openapi.json.' },
    });
  });
});
