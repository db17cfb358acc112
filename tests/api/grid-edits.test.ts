import { readFileSync } from 'node:fs';
import express from 'express';
import { sql } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import { errorHandler } from '../../server/src/errors';
import { gridsRoutes } from '../../server/src/routes/grids.routes';
import { zonesRoutes } from '../../server/src/routes/zones.routes';
import { authenticate } from '../../server/src/routes/authenticate';
import { authService } from '../../server/src/services/auth.service';
import { gridEditsService } from '../../server/src/services/grid-edits.service';
import { gridsService } from '../../server/src/services/grids.service';
import { zonesService } from '../../server/src/services/zones.service';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let app: express.Express;
let accounts: TestAccounts;
let westCommunity: number;

const shapes = JSON.parse(
  readFileSync(new URL('../fixtures/grid-edits/shapes.json', import.meta.url), 'utf8'),
) as Record<string, Geometry>;
const shape = (name: string) => structuredClone(shapes[name]!);

/**
 * The oracle for areas: a lng/lat rectangle on a sphere of the WGS84 authalic radius,
 * R² · Δλ · (sin φ₂ − sin φ₁). Within 0.3 % of the spheroid's area at this latitude.
 */
const R_M = 6_371_007.2;
const rad = (d: number) => (d * Math.PI) / 180;
const rectangleArea_m2 = (minLng: number, minLat: number, maxLng: number, maxLat: number) =>
  R_M * R_M * rad(maxLng - minLng) * (Math.sin(rad(maxLat)) - Math.sin(rad(minLat)));
/** Within 0.3 % of the sphere's area (the spheroid's differs by about 0.2 % here). */
const expectArea = (actual_m2: number, expected_m2: number) =>
  expect(Math.abs(actual_m2 / expected_m2 - 1)).toBeLessThan(0.003);

/** Same district as the station-write tests: a west subdistrict (the planner's scope) and an east one. */
beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520198', name: '网格区', level: 'district', geometry: rectangle(106.6, 26.6, 106.62, 26.61) },
    {
      code: '520198001',
      name: '西街道',
      level: 'subdistrict',
      parentCode: '520198',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
    {
      code: '520198002',
      name: '东街道',
      level: 'subdistrict',
      parentCode: '520198',
      geometry: rectangle(106.61, 26.6, 106.62, 26.61),
    },
    {
      code: '520198001001',
      name: '西社区',
      level: 'community',
      parentCode: '520198001',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
    {
      code: '520198002001',
      name: '东社区',
      level: 'community',
      parentCode: '520198002',
      geometry: rectangle(106.61, 26.6, 106.62, 26.61),
    },
  ]);
  westCommunity = ids.get('520198001001')!;
  accounts = await seedAccounts(ctx.database, [ids.get('520198001')!]);
  // The routes under test on their own app until they are wired into createApp (see the report).
  const db = ctx.database.db;
  const edits = gridEditsService(db);
  const api = express.Router();
  api.use(authenticate(authService(db)));
  api.use(gridsRoutes(gridsService(db, { hidePersonalData: false }), edits));
  api.use(zonesRoutes(zonesService(db), edits));
  app = express();
  app.set('query parser', 'simple');
  app.use('/api', api);
  app.use(errorHandler(pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })));
});

/** Rows in grid, zone and edit_history: a refused write must leave all three alone. */
async function tableState() {
  const { rows } = await sql<{ grids: string; zones: string; history: string }>`
    SELECT (SELECT count(*) FROM grid)::text AS grids, (SELECT count(*) FROM zone)::text AS zones,
      (SELECT count(*) FROM edit_history)::text AS history`.execute(ctx.database.db);
  return rows[0]!;
}

async function areaOf(table: 'grid' | 'zone', id: string) {
  const { rows } = await sql<{ area_m2: number }>`
    SELECT ST_Area(geom::geography) AS area_m2 FROM ${sql.table(table)} WHERE id = ${id}::uuid`.execute(
    ctx.database.db,
  );
  return rows[0]!.area_m2;
}

const post = (path: string, body: unknown, account = accounts.planner) =>
  request(app)
    .post(path)
    .set(bearer(account))
    .send(body as object);

const ids: Record<string, string> = {};

describe('POST /api/grids', () => {
  it('creates a grid in the community that holds it, with version 1 and the next CJ/T 349 code', async () => {
    const res = await post('/api/grids', {
      geometry: shape('gridA'),
      properties: { name: '一网格', households: 300 },
    }).expect(201);
    expect(res.body.properties).toMatchObject({
      communityId: westCommunity,
      code: '520198001001001',
      name: '一网格',
      kind: 'basic',
      households: 300,
      version: 1,
    });
    expect(res.body.geometry.type).toBe('MultiPolygon');
    ids.a = res.body.properties.id;
    expectArea(await areaOf('grid', ids.a!), rectangleArea_m2(106.6, 26.6, 106.605, 26.605));
  });

  it('refuses an overlap with 422 no_overlap, naming the neighbour; its clip_to_neighbours fix saves', async () => {
    const before = await tableState();
    const res = await post('/api/grids', { geometry: shape('overlapsA'), properties: { name: '二网格' } }).expect(422);
    expect(res.body.error.code).toBe('grid_rule');
    expect(res.body.error.message).toMatch(/overlaps 1 other grid \(520198001001001\)/);
    const details = res.body.error.details;
    expect(details.rule).toBe('no_overlap');
    expect(details.others).toEqual([{ id: ids.a, code: '520198001001001', name: '一网格' }]);
    expect(details.geometry.type).toBe('MultiPolygon');
    expect(details.fixes.map((f: { kind: string }) => f.kind)).toEqual(['clip_to_neighbours']);
    expect(await tableState()).toEqual(before);

    const fixed = await post('/api/grids', {
      geometry: details.fixes[0].geometry,
      properties: { name: '二网格' },
    }).expect(201);
    expect(fixed.body.properties.code).toBe('520198001001002');
    ids.b = fixed.body.properties.id;
    // What is left is [106.605, 106.608] × [26.600, 26.605].
    expectArea(await areaOf('grid', ids.b!), rectangleArea_m2(106.605, 26.6, 106.608, 26.605));
  });

  it('refuses a grid sticking out of its community with 422 inside_parent; clip_to_community saves', async () => {
    const res = await post('/api/grids', {
      community: westCommunity,
      geometry: shape('crossesIntoEast'),
      properties: { name: '三网格' },
    }).expect(422);
    const details = res.body.error.details;
    expect(details.rule).toBe('inside_parent');
    expect(details.others).toEqual([{ id: westCommunity, code: '520198001001', name: '西社区' }]);
    expect(res.body.error.message).toMatch(/lies more than 1 m outside its community 西社区/);
    // The offending part is [106.61, 106.612] × [26.606, 26.609], less the 1 m tolerance strip.
    expect(details.fixes[0].kind).toBe('clip_to_community');
    const fixed = await post('/api/grids', {
      community: westCommunity,
      geometry: details.fixes[0].geometry,
      properties: { name: '三网格' },
    }).expect(201);
    ids.c = fixed.body.properties.id;
    expectArea(await areaOf('grid', ids.c!), rectangleArea_m2(106.607, 26.606, 106.61, 26.609));
  });

  it('refuses a self-intersecting ring with 422 valid_geometry and the reason; make_valid saves', async () => {
    const res = await post('/api/grids', { geometry: shape('bowtie'), properties: { name: '四网格' } }).expect(422);
    const details = res.body.error.details;
    expect(details.rule).toBe('valid_geometry');
    expect(res.body.error.message).toMatch(/Self-intersection/);
    expect(details.geometry.type).toBe('Point');
    expect(details.geometry.coordinates[0]).toBeCloseTo(106.602, 6);
    expect(details.geometry.coordinates[1]).toBeCloseTo(26.607, 6);
    expect(details.fixes[0].kind).toBe('make_valid');
    const fixed = await post('/api/grids', {
      geometry: details.fixes[0].geometry,
      properties: { name: '四网格' },
    }).expect(201);
    // Two triangles, each a quarter of the 200 m × 222 m box.
    expectArea(await areaOf('grid', fixed.body.properties.id), rectangleArea_m2(106.601, 26.606, 106.603, 26.608) / 2);
  });

  it('refuses sliver parts (1 m wide, or 16 m²) with 422 no_sliver; drop_slivers saves the main part', async () => {
    const res = await post('/api/grids', { geometry: shape('withSlivers'), properties: { name: '五网格' } }).expect(
      422,
    );
    const details = res.body.error.details;
    expect(details.rule).toBe('no_sliver');
    expect(res.body.error.message).toMatch(/^2 parts of the grid are a sliver/);
    expect(details.geometry.coordinates).toHaveLength(2);
    expect(details.fixes[0].kind).toBe('drop_slivers');
    expect(details.fixes[0].geometry.coordinates).toHaveLength(1);
    const fixed = await post('/api/grids', {
      geometry: details.fixes[0].geometry,
      properties: { name: '五网格' },
    }).expect(201);
    expectArea(await areaOf('grid', fixed.body.properties.id), rectangleArea_m2(106.6, 26.6085, 106.6009, 26.6094));
  });

  it('keeps planners inside their scope; admins anywhere; officials and the signed-out get 403 and 401', async () => {
    const before = await tableState();
    const outside = await post('/api/grids', { geometry: shape('east'), properties: { name: '东网格' } }).expect(403);
    expect(outside.body.error.code).toBe('outside_scope');
    await post('/api/grids', { geometry: shape('east'), properties: { name: '东网格' } }, accounts.official).expect(
      403,
    );
    await request(app)
      .post('/api/grids')
      .send({ geometry: shape('east'), properties: { name: '东网格' } })
      .expect(401);
    expect(await tableState()).toEqual(before);
    const admin = await post(
      '/api/grids',
      { geometry: shape('east'), properties: { name: '东网格' } },
      accounts.admin,
    ).expect(201);
    expect(admin.body.properties.code).toBe('520198002001001');
    ids.east = admin.body.properties.id;
    // …and a planner may not edit it either.
    await request(app)
      .patch(`/api/grids/${ids.east}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, properties: { name: 'x' } })
      .expect(403);
  });

  it('answers malformed input with 400, never 500', async () => {
    const swapped = await post('/api/grids', {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [26.6, 106.6],
            [26.6, 106.601],
            [26.601, 106.601],
            [26.6, 106.6],
          ],
        ],
      },
      properties: { name: 'x' },
    }).expect(400);
    expect(swapped.body.error.message).toMatch(/coordinates look swapped/);
    const open = await post('/api/grids', {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [106.6, 26.6],
            [106.601, 26.6],
            [106.601, 26.601],
            [106.6, 26.601],
          ],
        ],
      },
      properties: { name: 'x' },
    }).expect(400);
    expect(open.body.error.message).toMatch(/is not closed/);
    await post('/api/grids', {
      geometry: { type: 'Point', coordinates: [106.6, 26.6] },
      properties: { name: 'x' },
    }).expect(400);
    // Elevations are dropped, not refused: the columns are 2D.
    const withZ = await post('/api/grids', {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [106.608, 26.6, 1200],
            [106.6095, 26.6, 1200],
            [106.6095, 26.6015, 1210],
            [106.608, 26.6015, 1205],
            [106.608, 26.6, 1200],
          ],
        ],
      },
      properties: { name: '高程网格' },
    }).expect(201);
    expect(withZ.body.geometry.coordinates[0][0][0]).toHaveLength(2);
    const notCommunity = await post('/api/grids', {
      community: 1,
      geometry: shape('gridA'),
      properties: { name: 'x' },
    }).expect(422);
    expect(notCommunity.body.error.code).toBe('not_a_community');
  });
});

describe('PATCH, history, restore and DELETE /api/grids/:id', () => {
  it('saves at version + 1, and answers a stale version with 409 and the current feature', async () => {
    const ok = await request(app)
      .patch(`/api/grids/${ids.a}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, geometry: rectangle(106.6, 26.6, 106.6045, 26.605), properties: { name: '一网格(改)' } })
      .expect(200);
    expect(ok.body.properties).toMatchObject({ version: 2, name: '一网格(改)', households: 300 });
    const stale = await request(app)
      .patch(`/api/grids/${ids.a}`)
      .set(bearer(accounts.admin))
      .send({ version: 1, properties: { name: '旧' } })
      .expect(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect(stale.body.error.details.current.properties).toMatchObject({ id: ids.a, version: 2, name: '一网格(改)' });
    expect(stale.body.error.details.changed_by).toBe(accounts.planner.username);
    expect(Date.parse(stale.body.error.details.changed_at)).not.toBeNaN();
  });

  it('refuses a patch that overlaps a neighbour, and writes nothing', async () => {
    const before = await tableState();
    const res = await request(app)
      .patch(`/api/grids/${ids.a}`)
      .set(bearer(accounts.planner))
      .send({ version: 2, geometry: rectangle(106.6, 26.6, 106.606, 26.605) })
      .expect(422);
    expect(res.body.error.details.rule).toBe('no_overlap');
    expect(res.body.error.details.others.map((o: { id: string }) => o.id)).toEqual([ids.b]);
    expect(await tableState()).toEqual(before);
  });

  it('keeps the history, and restores version 1 as version 3', async () => {
    const history = await request(app).get(`/api/grids/${ids.a}/history`).set(bearer(accounts.planner)).expect(200);
    expect(history.body.entries.map((e: { version: number; action: string }) => [e.version, e.action])).toEqual([
      [1, 'insert'],
      [2, 'update'],
    ]);
    const [insert, update] = history.body.entries;
    expect(insert.before).toBeNull();
    expect(insert.after.properties.name).toBe('一网格');
    expect(update.before.properties.name).toBe('一网格');
    expect(update.after.properties.name).toBe('一网格(改)');
    expect(update.changedBy).toBe(accounts.planner.username);
    await request(app).get(`/api/grids/${ids.a}/history`).set(bearer(accounts.official)).expect(403);
    // A planner of no region here reads none of it (before and after hold the grid worker's phone).
    const elsewhere = await seedAccounts(ctx.database, []);
    const refused = await request(app).get(`/api/grids/${ids.a}/history`).set(bearer(elsewhere.planner)).expect(403);
    expect(refused.body.error.code).toBe('outside_scope');

    const restored = await post(`/api/grids/${ids.a}/restore`, { version: 2, to_version: 1 }).expect(200);
    expect(restored.body.properties).toMatchObject({ version: 3, name: '一网格' });
    expectArea(await areaOf('grid', ids.a!), rectangleArea_m2(106.6, 26.6, 106.605, 26.605));
    await post(`/api/grids/${ids.a}/restore`, { version: 3, to_version: 9 }).expect(404);
    await post(`/api/grids/${ids.a}/restore`, { version: 1, to_version: 2 }).expect(409);
  });

  it('deletes at the right version and reports the gap it leaves', async () => {
    await request(app).delete(`/api/grids/${ids.c}?version=2`).set(bearer(accounts.planner)).expect(409);
    const res = await request(app).delete(`/api/grids/${ids.c}?version=1`).set(bearer(accounts.planner)).expect(200);
    expect(res.body.id).toBe(ids.c);
    expect(res.body.message).toMatch(/is now a gap no grid covers/);
    expectArea(res.body.gap.area_m2, rectangleArea_m2(106.607, 26.606, 106.61, 26.609));
    const history = await request(app).get(`/api/grids/${ids.c}/history`).set(bearer(accounts.planner)).expect(200);
    expect(history.body.entries.at(-1)).toMatchObject({ action: 'delete', version: 1, after: null });
    await request(app).delete(`/api/grids/${ids.c}?version=1`).set(bearer(accounts.planner)).expect(404);
  });
});

describe('/api/zones', () => {
  it('creates a zone inside its grid, refuses one outside it or overlapping another, with fixes that save', async () => {
    const zone = await post('/api/zones', {
      grid: ids.a,
      geometry: shape('zoneInA'),
      properties: { name: '一区', unit: '县委办' },
    }).expect(201);
    expect(zone.body.properties).toMatchObject({
      gridId: ids.a,
      gridCode: '520198001001001',
      version: 1,
      unit: '县委办',
    });
    ids.zone = zone.body.properties.id;

    const crossing = await post('/api/zones', {
      grid: ids.a,
      geometry: shape('zoneCrossesA'),
      properties: { name: '二区', unit: '县财政局' },
    }).expect(422);
    expect(crossing.body.error.details.rule).toBe('inside_parent');
    expect(crossing.body.error.details.fixes[0].kind).toBe('clip_to_grid');
    const clipped = await post('/api/zones', {
      grid: ids.a,
      geometry: crossing.body.error.details.fixes[0].geometry,
      properties: { name: '二区', unit: '县财政局' },
    }).expect(201);
    expectArea(await areaOf('zone', clipped.body.properties.id), rectangleArea_m2(106.604, 26.601, 106.605, 26.603));

    const overlapping = await post('/api/zones', {
      grid: ids.a,
      geometry: shape('zoneOverlapsZone'),
      properties: { name: '三区', unit: '县教育局' },
    }).expect(422);
    expect(overlapping.body.error.details.rule).toBe('no_overlap');
    expect(overlapping.body.error.details.others).toEqual([{ id: ids.zone, code: null, name: '一区' }]);
    const free = await post('/api/zones', {
      grid: ids.a,
      geometry: overlapping.body.error.details.fixes[0].geometry,
      properties: { name: '三区', unit: '县教育局' },
    }).expect(201);
    // [106.602, 106.6035]² less the zone's corner [106.602, 106.603] × [26.602, 26.603].
    expectArea(
      await areaOf('zone', free.body.properties.id),
      rectangleArea_m2(106.602, 26.602, 106.6035, 26.6035) - rectangleArea_m2(106.602, 26.602, 106.603, 26.603),
    );
  });

  it('reports the zones a grid boundary move leaves sticking out, with a clip fix that saves', async () => {
    const grid = await request(app)
      .get('/api/grids?community=' + westCommunity)
      .expect(200);
    const a = grid.body.features.find((f: { properties: { id: string } }) => f.properties.id === ids.a);
    // Pull the east edge from 106.605 back to 106.6045: zone 二区 ([106.604, 106.605]) now sticks out.
    const moved = await request(app)
      .patch(`/api/grids/${ids.a}`)
      .set(bearer(accounts.planner))
      .send({ version: a.properties.version, geometry: rectangle(106.6, 26.6, 106.6045, 26.605) })
      .expect(200);
    expect(moved.body.zonesOutside.map((z: { name: string }) => z.name)).toEqual(['二区']);
    const [zone] = moved.body.zonesOutside;
    expect(zone.fixes[0].kind).toBe('clip_to_grid');
    const clipped = await request(app)
      .patch(`/api/zones/${zone.id}`)
      .set(bearer(accounts.planner))
      .send({ version: zone.version, geometry: zone.fixes[0].geometry })
      .expect(200);
    expectArea(await areaOf('zone', clipped.body.properties.id), rectangleArea_m2(106.604, 26.601, 106.6045, 26.603));
    // Put the edge back, for the split below.
    await request(app)
      .patch(`/api/grids/${ids.a}`)
      .set(bearer(accounts.planner))
      .send({ version: moved.body.properties.version, geometry: rectangle(106.6, 26.6, 106.605, 26.605) })
      .expect(200);
  });

  it('patches, conflicts, keeps history, and deletes a zone', async () => {
    const ok = await request(app)
      .patch(`/api/zones/${ids.zone}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, properties: { unit: '县委组织部' } })
      .expect(200);
    expect(ok.body.properties).toMatchObject({ version: 2, unit: '县委组织部' });
    const stale = await request(app)
      .patch(`/api/zones/${ids.zone}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, properties: { unit: 'x' } })
      .expect(409);
    expect(stale.body.error.details.current.properties.version).toBe(2);
    await request(app)
      .patch(`/api/zones/${ids.zone}`)
      .set(bearer(accounts.official))
      .send({ version: 2, properties: { unit: 'x' } })
      .expect(403);
    const history = await request(app).get(`/api/zones/${ids.zone}/history`).set(bearer(accounts.planner)).expect(200);
    expect(history.body.entries.map((e: { action: string }) => e.action)).toEqual(['insert', 'update']);
    const gone = await request(app)
      .delete(`/api/zones/${ids.zone}?version=2`)
      .set(bearer(accounts.planner))
      .expect(200);
    expectArea(gone.body.gap.area_m2, rectangleArea_m2(106.601, 26.601, 106.603, 26.603));
  });
});

describe('POST /api/grids/:id/split and /api/grids/merge', () => {
  it('splits a grid along a line into pieces that add up to it, then merges them back', async () => {
    const area_m2 = await areaOf('grid', ids.a!);
    expectArea(area_m2, rectangleArea_m2(106.6, 26.6, 106.605, 26.605));
    const zoneInEast = (await sql<{ id: string }>`SELECT id FROM zone WHERE name = '二区'`.execute(ctx.database.db))
      .rows[0]!.id;
    const missed = await post(`/api/grids/${ids.a}/split`, {
      version: 5,
      line: {
        type: 'LineString',
        coordinates: [
          [106.601, 26.599],
          [106.601, 26.6],
        ],
      },
    }).expect(422);
    expect(missed.body.error.code).toBe('split_line');
    await post(`/api/grids/${ids.a}/split`, {
      version: 2,
      line: {
        type: 'LineString',
        coordinates: [
          [106.603, 26.599],
          [106.603, 26.606],
        ],
      },
    }).expect(409);

    const split = await post(`/api/grids/${ids.a}/split`, {
      version: 5,
      line: {
        type: 'LineString',
        coordinates: [
          [106.603, 26.599],
          [106.603, 26.606],
        ],
      },
    }).expect(200);
    expect(split.body.features).toHaveLength(2);
    const [west, east] = split.body.features;
    expect(west.properties).toMatchObject({ id: ids.a, version: 6, households: 300 });
    expect(east.properties).toMatchObject({ version: 1, households: 0, communityId: westCommunity });
    expect(east.properties.code).toMatch(/^520198001001\d{3}$/);
    const westArea = await areaOf('grid', ids.a!);
    const eastArea = await areaOf('grid', east.properties.id);
    expectArea(westArea, rectangleArea_m2(106.6, 26.6, 106.603, 26.605));
    expect(westArea + eastArea).toBeCloseTo(area_m2, -1);
    // The zone east of the line now belongs to the new grid.
    const moved = await sql<{ grid_id: string }>`SELECT grid_id FROM zone WHERE id = ${zoneInEast}::uuid`.execute(
      ctx.database.db,
    );
    expect(moved.rows[0]!.grid_id).toBe(east.properties.id);
    const history = await request(app).get(`/api/grids/${ids.a}/history`).set(bearer(accounts.planner)).expect(200);
    const newHistory = await request(app)
      .get(`/api/grids/${east.properties.id}/history`)
      .set(bearer(accounts.planner))
      .expect(200);
    expect(history.body.entries.at(-1).action).toBe('split');
    expect(newHistory.body.entries[0].changeId).toBe(history.body.entries.at(-1).changeId);

    const otherCommunity = await post(
      '/api/grids/merge',
      {
        grids: [
          { id: ids.a, version: 6 },
          { id: ids.east, version: 1 },
        ],
      },
      accounts.admin,
    ).expect(422);
    expect(otherCommunity.body.error.code).toBe('not_same_community');

    const merged = await post('/api/grids/merge', {
      grids: [
        { id: ids.a, version: 6 },
        { id: east.properties.id, version: 1 },
      ],
    }).expect(200);
    expect(merged.body.properties).toMatchObject({ id: ids.a, version: 7, households: 300 });
    expect(merged.body.geometry.coordinates).toHaveLength(1);
    expect(await areaOf('grid', ids.a!)).toBeCloseTo(area_m2, -1);
    const back = await sql<{ grid_id: string }>`SELECT grid_id FROM zone WHERE id = ${zoneInEast}::uuid`.execute(
      ctx.database.db,
    );
    expect(back.rows[0]!.grid_id).toBe(ids.a);
    const gone = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM grid WHERE id = ${east.properties.id}::uuid`.execute(ctx.database.db);
    expect(gone.rows[0]!.n).toBe(0);
  });
});
