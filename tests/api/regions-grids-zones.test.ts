import { pino } from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import type {
  GridCollection,
  HereResponse,
  RegionCollection,
  StationCollection,
  ZoneCollection,
} from '../../server/src/contracts';
import { insertGrids, insertZones } from '../../server/src/queries/dataset.queries';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { geodesicAreaM2 } from '../support/geodesy';
import { rectangle, seedDemand, seedRegions, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let communityId: number;
let accounts: TestAccounts;

/**
 * District [106.60, 106.62] × [26.60, 26.62] → one subdistrict → one community (the west half),
 * split into two grids (north and south); the north grid holds one zone.
 */
beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520199', name: '测试区', level: 'district', geometry: rectangle(106.6, 26.6, 106.62, 26.62) },
    {
      code: '520199001',
      name: '测试街道',
      level: 'subdistrict',
      parentCode: '520199',
      geometry: rectangle(106.6, 26.6, 106.62, 26.62),
    },
    {
      code: '520199001001',
      name: '西社区',
      level: 'community',
      parentCode: '520199001',
      geometry: rectangle(106.6, 26.6, 106.61, 26.62),
    },
    {
      code: '520199001002',
      name: '东社区',
      level: 'community',
      parentCode: '520199001',
      geometry: rectangle(106.61, 26.6, 106.62, 26.62),
    },
  ]);
  communityId = ids.get('520199001001')!;
  accounts = await seedAccounts(ctx.database);
  const grids = await insertGrids(ctx.database.db, [
    {
      communityId,
      code: '520199001001001',
      name: '西社区第1网格',
      kind: 'basic',
      households: 300,
      population: 840,
      workerName: '张三',
      workerPhone: '13900000001',
      geojson: JSON.stringify(rectangle(106.6, 26.61, 106.61, 26.62)),
    },
    {
      communityId,
      code: '520199001001002',
      name: '西社区第2网格',
      kind: 'basic',
      households: 250,
      population: 700,
      workerName: '李四',
      workerPhone: '13900000002',
      geojson: JSON.stringify(rectangle(106.6, 26.6, 106.61, 26.61)),
    },
  ]).execute();
  const north = grids.find((g) => g.code === '520199001001001')!;
  await insertZones(ctx.database.db, [
    {
      communityId,
      gridId: north.id,
      name: '第1网格第1责任区',
      unit: '测试区财政局',
      geojson: JSON.stringify(rectangle(106.6, 26.61, 106.605, 26.62)),
    },
  ]).execute();
  await seedStations(ctx.database, [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [106.603, 26.615] },
      properties: { name: '西驿站', amenities: ['water', 'charging'] },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [106.615, 26.605] },
      properties: { name: '东服务中心', kind: 'party_service_centre' },
    },
  ]);
  await seedDemand(ctx.database, {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [106.605, 26.615] }, properties: { weight: 120 } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [106.615, 26.615] }, properties: { weight: 80 } },
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [106.615, 26.616] },
        properties: { weight: 9, kind: 'worker' },
      },
    ],
  });
});

describe('GET /api/regions', () => {
  it('filters by level and parent, with geodesic area and resident population', async () => {
    const res = await request(ctx.app).get('/api/regions?level=community').expect(200);
    const body = res.body as RegionCollection;
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f) => [f.properties.code, f.properties.name, f.properties.population])).toEqual([
      ['520199001001', '西社区', 120],
      ['520199001002', '东社区', 80],
    ]);
    const west = body.features[0]!;
    expect(west.geometry.type).toBe('MultiPolygon');
    expect(west.properties.area_m2).toBeCloseTo(geodesicAreaM2(rectangle(106.6, 26.6, 106.61, 26.62)), -1);
    const sub = (await request(ctx.app).get(`/api/regions?parent=${west.properties.parentId}`).expect(200))
      .body as RegionCollection;
    expect(sub.features).toHaveLength(2);
  });
});

describe('GET /api/grids and /api/zones', () => {
  it('returns the grids in a bbox with community name, and the worker to signed-in staff only', async () => {
    const url = '/api/grids?bbox=106.601,26.611,106.602,26.612';
    const staff = (await request(ctx.app).get(url).set(bearer(accounts.official)).expect(200)).body as GridCollection;
    expect(staff.features.map((f) => f.properties.code)).toEqual(['520199001001001']);
    expect(staff.features[0]!.properties).toMatchObject({
      communityName: '西社区',
      households: 300,
      workerName: '张三',
      workerPhone: '13900000001',
      version: 1,
    });
    const signedOut = (await request(ctx.app).get(url).expect(200)).body as GridCollection;
    expect(signedOut.features[0]!.properties).toMatchObject({ households: 300, workerName: null, workerPhone: null });
    const all = (await request(ctx.app).get('/api/grids').expect(200)).body as GridCollection;
    expect(all.features).toHaveLength(2);
    expect(JSON.stringify(all)).not.toMatch(/张三|李四|1390000000/);
  });

  it('hides grid workers from everyone in a deployment with HIDE_PERSONAL_DATA', async () => {
    const strictApp = createApp({
      database: ctx.database,
      config: { hidePersonalData: true, basemapStyleUrl: undefined },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
    for (const role of ['admin', 'planner', 'official'] as const) {
      const body = (await request(strictApp).get('/api/grids').set(bearer(accounts[role])).expect(200))
        .body as GridCollection;
      expect(body.features).toHaveLength(2);
      expect(body.features.every((f) => f.properties.workerName === null && f.properties.workerPhone === null)).toBe(
        true,
      );
    }
  });

  it('returns zones with their unit and grid code', async () => {
    const body = (await request(ctx.app).get('/api/zones?bbox=106.6,26.6,106.62,26.62').expect(200))
      .body as ZoneCollection;
    expect(body.features.map((f) => [f.properties.name, f.properties.unit, f.properties.gridCode])).toEqual([
      ['第1网格第1责任区', '测试区财政局', '520199001001001'],
    ]);
    const none = (await request(ctx.app).get('/api/zones?bbox=106.61,26.6,106.62,26.605').expect(200))
      .body as ZoneCollection;
    expect(none.features).toEqual([]);
  });
});

describe('GET /api/stations', () => {
  it('filters by kind and amenity', async () => {
    const byKind = (await request(ctx.app).get('/api/stations?kind=party_service_centre').expect(200))
      .body as StationCollection;
    expect(byKind.features.map((f) => f.properties.name)).toEqual(['东服务中心']);
    const byAmenity = (await request(ctx.app).get('/api/stations?amenity=charging,water').expect(200))
      .body as StationCollection;
    expect(byAmenity.features.map((f) => f.properties.name)).toEqual(['西驿站']);
    expect(byAmenity.features[0]!.properties).toMatchObject({ openingHours: '24/7', openNow: true, status: 'active' });
  });
});

describe('GET /api/here', () => {
  it('answers who is responsible at a point: community, grid, zone with its unit, nearest station', async () => {
    const body = (await request(ctx.app).get('/api/here?lng=106.602&lat=26.618').expect(200)).body as HereResponse;
    expect(body.district?.code).toBe('520199');
    expect(body.subdistrict?.code).toBe('520199001');
    expect(body.community?.name).toBe('西社区');
    expect(body.grid?.code).toBe('520199001001001');
    expect(body.zone?.unit).toBe('测试区财政局');
    expect(body.nearestStation?.properties.name).toBe('西驿站');
    expect(body.nearestStation?.properties.distance_m).toBeGreaterThan(0);
    expect(body.grid?.workerName).toBeNull();
    const staff = (await request(ctx.app).get('/api/here?lng=106.602&lat=26.618').set(bearer(accounts.planner)))
      .body as HereResponse;
    expect(staff.grid).toMatchObject({ workerName: '张三', workerPhone: '13900000001' });
  });

  it('answers with nulls outside every region', async () => {
    const body = (await request(ctx.app).get('/api/here?lng=100&lat=30').expect(200)).body as HereResponse;
    expect(body).toMatchObject({ district: null, subdistrict: null, community: null, grid: null, zone: null });
    expect(body.nearestStation?.properties.name).toBeDefined();
  });
});
