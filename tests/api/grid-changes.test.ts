/**
 * `POST /api/grids/changes` (issue 7): several writes to one community's grids as one change, all
 * or none, checked on the community as the change leaves it. The planner workspace sends it for a
 * shared-vertex move and for undo and redo; these tests play those parts.
 */
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let community: number; // [108.000, 108.010] × [26.000, 26.010]
let other: number; // [108.010, 108.020] × [26.000, 26.010], outside the planner's scope

const R_M = 6_371_007.2;
const rad = (d: number) => (d * Math.PI) / 180;
/** A lng/lat rectangle's area on the authalic sphere: the oracle, to 0.3 %. */
const rectangleArea_m2 = (minLng: number, minLat: number, maxLng: number, maxLat: number) =>
  R_M * R_M * rad(maxLng - minLng) * (Math.sin(rad(maxLat)) - Math.sin(rad(minLat)));

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520196', name: '变更区', level: 'district', geometry: rectangle(108.0, 26.0, 108.02, 26.01) },
    {
      code: '520196001',
      name: '甲街道',
      level: 'subdistrict',
      parentCode: '520196',
      geometry: rectangle(108.0, 26.0, 108.01, 26.01),
    },
    {
      code: '520196002',
      name: '乙街道',
      level: 'subdistrict',
      parentCode: '520196',
      geometry: rectangle(108.01, 26.0, 108.02, 26.01),
    },
    {
      code: '520196001001',
      name: '甲社区',
      level: 'community',
      parentCode: '520196001',
      geometry: rectangle(108.0, 26.0, 108.01, 26.01),
    },
    {
      code: '520196002001',
      name: '乙社区',
      level: 'community',
      parentCode: '520196002',
      geometry: rectangle(108.01, 26.0, 108.02, 26.01),
    },
  ]);
  community = ids.get('520196001001')!;
  other = ids.get('520196002001')!;
  accounts = await seedAccounts(ctx.database, [ids.get('520196001')!]);
});

const api = () => request(ctx.app);
const post = (path: string, body: unknown, account = accounts.planner) =>
  api()
    .post(path)
    .set(bearer(account))
    .send(body as object);

type Grid = { properties: { id: string; code: string; version: number; name: string }; geometry: Polygon };

async function createGrid(name: string, geometry: Polygon): Promise<Grid> {
  const res = await post('/api/grids', { community, geometry, properties: { name } }).expect(201);
  return res.body as Grid;
}

async function areaOf(id: string) {
  const { rows } = await sql<{ area_m2: number }>`
    SELECT ST_Area(geom::geography) AS area_m2 FROM grid WHERE id = ${id}::uuid`.execute(ctx.database.db);
  return rows[0]?.area_m2 ?? null;
}

async function state() {
  const { rows } = await sql<{ grids: string; history: string }>`
    SELECT (SELECT string_agg(id || '@' || version || ':' || ST_AsText(geom), ',' ORDER BY id) FROM grid) AS grids,
      (SELECT count(*) FROM edit_history)::text AS history`.execute(ctx.database.db);
  return rows[0]!;
}

/** Two grids sharing the edge lng = 108.005, between lat 26.000 and 26.010. */
async function pair() {
  await sql`DELETE FROM grid`.execute(ctx.database.db);
  const west = await createGrid('西网格', rectangle(108.0, 26.0, 108.005, 26.01));
  const east = await createGrid('东网格', rectangle(108.005, 26.0, 108.01, 26.01));
  return { west, east };
}

describe('POST /api/grids/changes', () => {
  it('moves a shared edge in both grids as one change, with one changeId in the history', async () => {
    const { west, east } = await pair();
    // The shared edge moves 0.001° east: the west grid grows by what the east grid gives up.
    const res = await post('/api/grids/changes', {
      community,
      note: 'move shared vertex',
      changes: [
        { op: 'update', id: west.properties.id, version: 1, geometry: rectangle(108.0, 26.0, 108.006, 26.01) },
        { op: 'update', id: east.properties.id, version: 1, geometry: rectangle(108.006, 26.0, 108.01, 26.01) },
      ],
    }).expect(200);
    expect(res.body.grids.map((g: Grid) => g.properties.version)).toEqual([2, 2]);
    expect(res.body.deleted).toEqual([]);
    expect(
      Math.abs((await areaOf(west.properties.id))! / rectangleArea_m2(108.0, 26.0, 108.006, 26.01) - 1),
    ).toBeLessThan(0.003);
    // Other files' history shares the table: look at these two grids only.
    const { rows } = await sql<{ change_id: string; n: number }>`
      SELECT change_id, count(*)::int AS n FROM edit_history
      WHERE action = 'update' AND version = 2 AND row_id IN (${west.properties.id}::uuid, ${east.properties.id}::uuid)
      GROUP BY change_id`.execute(ctx.database.db);
    expect(rows).toEqual([{ change_id: res.body.changeId, n: 2 }]);
  });

  it('checks after all writes: moving the edge the other way round passes although the first write alone would overlap', async () => {
    const { west, east } = await pair();
    // The east grid is listed first: on its own, its shrink is fine; the west grid's growth alone
    // would overlap the east grid as it was. Checked after both, there is no overlap.
    await post('/api/grids/changes', {
      community,
      changes: [
        { op: 'update', id: west.properties.id, version: 1, geometry: rectangle(108.0, 26.0, 108.007, 26.01) },
        { op: 'update', id: east.properties.id, version: 1, geometry: rectangle(108.007, 26.0, 108.01, 26.01) },
      ],
    }).expect(200);
  });

  it('refuses the whole change, writing nothing, when one grid breaks a rule, and names that grid', async () => {
    const { west, east } = await pair();
    const before = await state();
    const res = await post('/api/grids/changes', {
      community,
      changes: [
        // Grows into the east grid, which is left as it is: a 0.001° × 0.01° overlap.
        { op: 'update', id: west.properties.id, version: 1, geometry: rectangle(108.0, 26.0, 108.006, 26.01) },
        { op: 'update', id: east.properties.id, version: 1, properties: { name: '东网格（改）' } },
      ],
    }).expect(422);
    expect(res.body.error.code).toBe('grid_rule');
    expect(res.body.error.details.rule).toBe('no_overlap');
    expect(res.body.error.message).toContain(west.properties.code);
    expect(res.body.error.details.others.map((o: { id: string }) => o.id)).toEqual([east.properties.id]);
    expect(await state()).toEqual(before);
  });

  it('undoes a split (the kept piece back whole, the new piece deleted) and redoes it by reviving the piece under its id', async () => {
    await sql`DELETE FROM grid`.execute(ctx.database.db);
    const whole = await createGrid('整网格', rectangle(108.0, 26.0, 108.01, 26.01));
    const line = {
      type: 'LineString',
      coordinates: [
        [108.005, 25.999],
        [108.005, 26.011],
      ],
    };
    const split = await post(`/api/grids/${whole.properties.id}/split`, { version: 1, line }).expect(200);
    const [kept, piece] = split.body.features as Grid[];
    expect(kept!.properties.id).toBe(whole.properties.id);

    // Undo: the kept piece gets the whole rectangle back, the new piece goes.
    const undo = await post('/api/grids/changes', {
      community,
      note: 'undo',
      changes: [
        { op: 'update', id: kept!.properties.id, version: kept!.properties.version, geometry: whole.geometry },
        { op: 'delete', id: piece!.properties.id, version: piece!.properties.version },
      ],
    }).expect(200);
    expect(undo.body.deleted).toEqual([{ id: piece!.properties.id, version: piece!.properties.version }]);
    expect(
      Math.abs((await areaOf(whole.properties.id))! / rectangleArea_m2(108.0, 26.0, 108.01, 26.01) - 1),
    ).toBeLessThan(0.003);
    expect(await areaOf(piece!.properties.id)).toBeNull();

    // Redo: the piece comes back under its own id, at the deleted version + 1, with its code.
    const redo = await post('/api/grids/changes', {
      community,
      note: 'redo',
      changes: [
        {
          op: 'update',
          id: kept!.properties.id,
          version: undo.body.grids[0].properties.version,
          geometry: kept!.geometry,
        },
        {
          op: 'revive',
          id: piece!.properties.id,
          version: piece!.properties.version,
          geometry: piece!.geometry,
          properties: { name: piece!.properties.name, code: piece!.properties.code },
        },
      ],
    }).expect(200);
    const revived = (redo.body.grids as Grid[]).find((g) => g.properties.id === piece!.properties.id)!;
    expect(revived.properties.version).toBe(piece!.properties.version + 1);
    expect(revived.properties.code).toBe(piece!.properties.code);
    const history = await request(ctx.app)
      .get(`/api/grids/${piece!.properties.id}/history`)
      .set(bearer(accounts.planner))
      .expect(200);
    expect(history.body.entries.map((e: { action: string }) => e.action)).toEqual(['split', 'delete', 'restore']);
  });

  it('answers a stale version with 409 and the current grid, and writes nothing', async () => {
    const { west } = await pair();
    await post('/api/grids/changes', {
      community,
      changes: [{ op: 'update', id: west.properties.id, version: 1, properties: { name: '改名' } }],
    }).expect(200);
    const before = await state();
    const res = await post('/api/grids/changes', {
      community,
      changes: [{ op: 'update', id: west.properties.id, version: 1, properties: { name: '又改名' } }],
    }).expect(409);
    expect(res.body.error.code).toBe('version_conflict');
    expect(res.body.error.details.current.properties.version).toBe(2);
    expect(res.body.error.details.changed_by).toBe(accounts.planner.username);
    expect(await state()).toEqual(before);
  });

  it('refuses a revive of a grid that exists, a grid of another community, a community outside the scope, and bad bodies', async () => {
    const { west } = await pair();
    await post('/api/grids/changes', {
      community,
      changes: [
        {
          op: 'revive',
          id: west.properties.id,
          version: 1,
          geometry: west.geometry,
          properties: { name: 'x' },
        },
      ],
    }).expect(409);
    const stray = await post(
      '/api/grids',
      { community: other, geometry: rectangle(108.01, 26.0, 108.02, 26.01), properties: { name: '乙' } },
      accounts.admin,
    ).expect(201);
    const mixed = await post('/api/grids/changes', {
      community,
      changes: [{ op: 'update', id: stray.body.properties.id, version: 1, properties: { name: 'y' } }],
    }).expect(400);
    expect(mixed.body.error.message).toContain('one community');
    await post('/api/grids/changes', {
      community: other,
      changes: [{ op: 'update', id: stray.body.properties.id, version: 1, properties: { name: 'y' } }],
    }).expect(403);
    const twice = await post('/api/grids/changes', {
      community,
      changes: [
        { op: 'update', id: west.properties.id, version: 1, properties: { name: 'a' } },
        { op: 'delete', id: west.properties.id, version: 1 },
      ],
    }).expect(400);
    expect(twice.body.error.message).toContain('each grid once');
    const noOp = await post('/api/grids/changes', {
      community,
      changes: [{ op: 'move', id: west.properties.id }],
    }).expect(400);
    expect(noOp.body.error.message).toContain("op: 'update'");
    await post('/api/grids/changes', { community, changes: [] }).expect(400);
    await api().post('/api/grids/changes').send({ community, changes: [] }).expect(401);
  });
});

describe('POST /api/grids/changes replacing grids', () => {
  it('keeps the zones: those whose grid the change deletes go to the new grid holding them', async () => {
    const { west, east } = await pair();
    const zone = await post('/api/zones', {
      grid: west.properties.id,
      geometry: rectangle(108.001, 26.001, 108.002, 26.002),
      properties: { name: '西区', unit: '某单位' },
    }).expect(201);
    // Both grids give way to one grid over the whole community (a draft accepted).
    const res = await post('/api/grids/changes', {
      community,
      changes: [
        { op: 'create', geometry: rectangle(108.0, 26.0, 108.01, 26.01), properties: { name: '新网格' } },
        { op: 'delete', id: west.properties.id, version: 1 },
        { op: 'delete', id: east.properties.id, version: 1 },
      ],
    }).expect(200);
    const created = (res.body.grids as Grid[])[0]!;
    const zones = await api().get(`/api/zones?grid=${created.properties.id}`).expect(200);
    expect(zones.body.features.map((z: { properties: { id: string } }) => z.properties.id)).toEqual([
      zone.body.properties.id,
    ]);
  });
});
