/**
 * The rest of the grid and zone write API (issue 7): renumbering a community's CJ/T 349-2010
 * sequence, restoring deleted grids and zones, zone history on split and merge, and a community's
 * history. Driven through the whole app (createApp), as a client would.
 */
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Geometry, Polygon } from 'geojson';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { sequenceOrder } from '../../server/src/services/grid-edits.service';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
/** A planner of no region here. */
let stranger: TestAccounts['planner'];
let north: number; // 北社区 [107.000, 107.009] × [26.000, 26.010]: the renumbering
let south: number; // 南社区 [107.009, 107.018] × [26.000, 26.010]: restores, splits, the history
let outside: number; // 东社区, in another subdistrict: outside the planner's scope
let subdistrict: number;

/**
 * The oracle for areas: a lng/lat rectangle on a sphere of the WGS84 authalic radius,
 * R² · Δλ · (sin φ₂ − sin φ₁); the spheroid's area differs by about 0.2 % at this latitude.
 */
const R_M = 6_371_007.2;
const rad = (d: number) => (d * Math.PI) / 180;
const rectangleArea_m2 = (minLng: number, minLat: number, maxLng: number, maxLat: number) =>
  R_M * R_M * rad(maxLng - minLng) * (Math.sin(rad(maxLat)) - Math.sin(rad(minLat)));
const expectArea = (actual_m2: number, expected_m2: number) =>
  expect(Math.abs(actual_m2 / expected_m2 - 1)).toBeLessThan(0.003);

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520197', name: '测试区', level: 'district', geometry: rectangle(107.0, 26.0, 107.03, 26.01) },
    {
      code: '520197001',
      name: '一街道',
      level: 'subdistrict',
      parentCode: '520197',
      geometry: rectangle(107.0, 26.0, 107.018, 26.01),
    },
    {
      code: '520197002',
      name: '二街道',
      level: 'subdistrict',
      parentCode: '520197',
      geometry: rectangle(107.018, 26.0, 107.03, 26.01),
    },
    {
      code: '520197001001',
      name: '北社区',
      level: 'community',
      parentCode: '520197001',
      geometry: rectangle(107.0, 26.0, 107.009, 26.01),
    },
    {
      code: '520197001002',
      name: '南社区',
      level: 'community',
      parentCode: '520197001',
      geometry: rectangle(107.009, 26.0, 107.018, 26.01),
    },
    {
      code: '520197002001',
      name: '东社区',
      level: 'community',
      parentCode: '520197002',
      geometry: rectangle(107.018, 26.0, 107.03, 26.01),
    },
  ]);
  north = ids.get('520197001001')!;
  south = ids.get('520197001002')!;
  outside = ids.get('520197002001')!;
  subdistrict = ids.get('520197001')!;
  accounts = await seedAccounts(ctx.database, [subdistrict]);
  stranger = (await seedAccounts(ctx.database, [])).planner;
});

const api = () => request(ctx.app);
const post = (path: string, body: unknown, account = accounts.planner) =>
  api()
    .post(path)
    .set(bearer(account))
    .send(body as object);
const patch = (path: string, body: unknown, account = accounts.planner) =>
  api()
    .patch(path)
    .set(bearer(account))
    .send(body as object);
const del = (path: string, account = accounts.planner) => api().delete(path).set(bearer(account));
const get = (path: string, account = accounts.planner) => api().get(path).set(bearer(account));

/** Rows in grid, zone and edit_history: a refused write must leave all three alone. */
async function tableState() {
  const { rows } = await sql<{ grids: string; zones: string; history: string; codes: string }>`
    SELECT (SELECT count(*) FROM grid)::text AS grids, (SELECT count(*) FROM zone)::text AS zones,
      (SELECT count(*) FROM edit_history)::text AS history,
      (SELECT string_agg(id || '=' || code || '@' || version, ',' ORDER BY id) FROM grid) AS codes`.execute(
    ctx.database.db,
  );
  return rows[0]!;
}

async function areaOf(table: 'grid' | 'zone', id: string) {
  const { rows } = await sql<{ area_m2: number }>`
    SELECT ST_Area(geom::geography) AS area_m2 FROM ${sql.table(table)} WHERE id = ${id}::uuid`.execute(
    ctx.database.db,
  );
  return rows[0]!.area_m2;
}

async function geometryArea(geometry: Geometry) {
  const { rows } = await sql<{ area_m2: number }>`
    SELECT ST_Area(ST_GeomFromGeoJSON(${JSON.stringify(geometry)})::geography) AS area_m2`.execute(ctx.database.db);
  return rows[0]!.area_m2;
}

async function createGrid(name: string, geometry: Polygon, extra: Record<string, unknown> = {}) {
  const res = await post('/api/grids', { geometry, properties: { name, ...extra } }).expect(201);
  return res.body as { properties: { id: string; code: string; version: number } };
}

async function createZone(grid: string, name: string, geometry: Polygon) {
  const res = await post('/api/zones', { grid, geometry, properties: { name, unit: `${name}包保单位` } }).expect(201);
  return res.body as { properties: { id: string; version: number; gridId: string } };
}

type HistoryEntry = {
  version: number;
  action: string;
  changeId: string;
  before: { properties: Record<string, unknown> } | null;
  after: { properties: Record<string, unknown> } | null;
};
const historyOf = async (table: 'grids' | 'zones', id: string) =>
  (await get(`/api/${table}/${id}/history`).expect(200)).body.entries as HistoryEntry[];

// The north community: two rows of three grids, drawn out of order. The north-east grid is cut a
// little short ([26.006, 26.010] where its row spans [26.005, 26.010]), so its point lies north of
// its row's: a plain sort by latitude would number it first.
const LAYOUT: Record<string, Polygon> = {
  SE: rectangle(107.006, 26.0, 107.009, 26.005),
  NM: rectangle(107.003, 26.005, 107.006, 26.01),
  SW: rectangle(107.0, 26.0, 107.003, 26.005),
  NE: rectangle(107.006, 26.006, 107.009, 26.01),
  SM: rectangle(107.003, 26.0, 107.006, 26.005),
  NW: rectangle(107.0, 26.005, 107.003, 26.01),
};
/** West to east and north to south, in rows as text is read (CJ/T 349-2010). */
const EXPECTED_ORDER = ['NW', 'NM', 'NE', 'SW', 'SM', 'SE'];
const northGrids: Record<string, { id: string; code: string; version: number }> = {};

describe('sequenceOrder (the numbering rule on its own)', () => {
  const place = (id: string, lng: number, lat: number, height_deg = 0.005, code = id) => ({
    id,
    code,
    lng,
    lat,
    height_deg,
  });
  it('reads rows north to south, each west to east, with a band of half the median height', () => {
    // Grids 0.005° tall (band 0.0025°), and a tall 专属网格 on the east whose point lies 0.001°
    // below the first row's: it ends that row. The south row's points differ by 0.0005°: still one
    // row, read west to east (a plain sort by latitude would put s2 before s1).
    const places = [
      place('s1', 107.001, 26.0025),
      place('tall', 107.007, 26.007, 0.01),
      place('n2', 107.003, 26.0075),
      place('s2', 107.003, 26.003),
      place('n1', 107.001, 26.008),
    ];
    expect(sequenceOrder(places)).toEqual(['n1', 'n2', 'tall', 's1', 's2']);
  });
  it('is the same whatever order the grids come in, ties going to the old code', () => {
    const places = [place('b', 107.0, 26.0, 0.005, '002'), place('a', 107.0, 26.0, 0.005, '001')];
    expect(sequenceOrder(places)).toEqual(['a', 'b']);
    expect(sequenceOrder([...places].reverse())).toEqual(['a', 'b']);
    expect(sequenceOrder([])).toEqual([]);
  });
});

describe('POST /api/grids/renumber', () => {
  beforeAll(async () => {
    for (const [name, geometry] of Object.entries(LAYOUT)) {
      northGrids[name] = (await createGrid(name, geometry)).properties;
    }
  });
  const allNorth = () => Object.values(northGrids).map(({ id, version }) => ({ id, version }));

  it('starts with the codes in drawing order', () => {
    expect(Object.keys(LAYOUT).map((name) => northGrids[name]!.code)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `520197001001${String(n).padStart(3, '0')}`),
    );
  });

  it('refuses a list that is not exactly the community’s grids with 400, naming what is missing', async () => {
    const before = await tableState();
    const short = await post('/api/grids/renumber', { community: north, grids: allNorth().slice(1) }).expect(400);
    expect(short.body.error.code).toBe('invalid_request');
    expect(short.body.error.message).toMatch(
      /list every grid of 北社区 \(it has 6\), each once\. Missing 1: 520197001001001/,
    );
    expect(short.body.error.details.missing).toEqual([{ id: northGrids.SE!.id, code: '520197001001001', version: 1 }]);

    const elsewhere = await createGrid('南一', rectangle(107.017, 26.009, 107.018, 26.01));
    const extra = await post('/api/grids/renumber', {
      community: north,
      grids: [...allNorth(), { id: elsewhere.properties.id, version: 1 }],
    }).expect(400);
    expect(extra.body.error.details.notInCommunity).toEqual([elsewhere.properties.id]);
    await del(`/api/grids/${elsewhere.properties.id}?version=1`).expect(200);

    const twice = await post('/api/grids/renumber', {
      community: north,
      grids: [...allNorth(), allNorth()[0]],
    }).expect(400);
    expect(twice.body.error.message).toMatch(/grids lists each grid once/);
    const empty = await post('/api/grids/renumber', { community: north, grids: [] }).expect(400);
    expect(empty.body.error.message).toMatch(/list every grid of the community/);
    const noCommunity = await post('/api/grids/renumber', { grids: allNorth() }).expect(400);
    expect(noCommunity.body.error.message).toMatch(/^community: community must be the community region id/);
    const badId = await post('/api/grids/renumber', { community: north, grids: [{ id: 'x', version: 1 }] }).expect(400);
    expect(badId.body.error.message).toMatch(/grids\.0\.id: must be a grid id \(a UUID\)/);
    // The 400s above and the 401/403/404/409/422 below changed nothing (the grid made and deleted
    // in between left its history rows, so compare the grids only).
    const after = await tableState();
    expect(after.codes).toEqual(before.codes);
  });

  it('answers 401 signed out, 403 to officials and outside the scope, 404 and 422 for a wrong region', async () => {
    const before = await tableState();
    await api().post('/api/grids/renumber').send({ community: north, grids: allNorth() }).expect(401);
    const official = await post('/api/grids/renumber', { community: north, grids: allNorth() }, accounts.official);
    expect(official.status).toBe(403);
    expect(official.body.error.code).toBe('forbidden');
    const foreign = await post('/api/grids/renumber', { community: north, grids: allNorth() }, stranger).expect(403);
    expect(foreign.body.error.code).toBe('outside_scope');
    const east = await post('/api/grids/renumber', { community: outside, grids: allNorth() }).expect(403);
    expect(east.body.error.message).toMatch(/outside the regions you may edit/);
    const missing = await post('/api/grids/renumber', { community: 1_999_999_999, grids: allNorth() }).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', message: 'Region 1999999999 does not exist.' });
    const notCommunity = await post('/api/grids/renumber', { community: subdistrict, grids: allNorth() }).expect(422);
    expect(notCommunity.body.error.code).toBe('not_a_community');
    expect(await tableState()).toEqual(before);
  });

  it('answers a stale version with 409 version_conflict and the grid as it is, and writes nothing', async () => {
    const moved = await patch(`/api/grids/${northGrids.NM!.id}`, {
      version: 1,
      properties: { households: 120 },
    }).expect(200);
    expect(moved.body.properties.version).toBe(2);
    const before = await tableState();
    const stale = await post('/api/grids/renumber', { community: north, grids: allNorth() }).expect(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect(stale.body.error.details.current.properties).toMatchObject({
      id: northGrids.NM!.id,
      version: 2,
      households: 120,
    });
    expect(stale.body.error.details.changed_by).toBe(accounts.planner.username);
    expect(await tableState()).toEqual(before);
    northGrids.NM!.version = 2;
  });

  it('renumbers west to east, north to south, as one change; unchanged codes keep their version', async () => {
    const res = await post('/api/grids/renumber', { community: north, grids: allNorth() }).expect(200);
    const nameOf = new Map(Object.entries(northGrids).map(([name, g]) => [g.id, name]));
    const features = res.body.features as { properties: { id: string; code: string; version: number } }[];
    // The answer lists the grids in their new order…
    expect(features.map((f) => nameOf.get(f.properties.id))).toEqual(EXPECTED_ORDER);
    expect(features.map((f) => f.properties.code)).toEqual(
      EXPECTED_ORDER.map((_, i) => `520197001001${String(i + 1).padStart(3, '0')}`),
    );
    // …and so does the table.
    const { rows } = await sql<{ id: string; code: string }>`
      SELECT id, code FROM grid WHERE community_id = ${north}::int ORDER BY code`.execute(ctx.database.db);
    expect(rows.map((r) => nameOf.get(r.id))).toEqual(EXPECTED_ORDER);

    // Drawn as SE NM SW NE SM NW (001…006): NM stays 002 and SM stays 005; the other four change,
    // two of them trading codes (001 ↔ 006, 003 ↔ 004).
    expect(res.body.renumbered).toBe(4);
    const version = (name: string) =>
      features.find((f) => f.properties.id === northGrids[name]!.id)!.properties.version;
    expect(Object.fromEntries(Object.keys(LAYOUT).map((name) => [name, version(name)]))).toEqual({
      SE: 2,
      NM: 2,
      SW: 2,
      NE: 2,
      SM: 1,
      NW: 2,
    });

    const changeId = res.body.changeId as string;
    expect(changeId).toMatch(/^[0-9a-f-]{36}$/);
    for (const name of ['SE', 'SW', 'NE', 'NW']) {
      const last = (await historyOf('grids', northGrids[name]!.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'renumber', version: 2, changeId });
      expect(last.before!.properties.code).toBe(northGrids[name]!.code);
      expect(last.after!.properties.code).toBe(
        features.find((f) => f.properties.id === northGrids[name]!.id)!.properties.code,
      );
    }
    const { rows: changeRows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM edit_history WHERE change_id = ${changeId}::uuid`.execute(ctx.database.db);
    expect(changeRows[0]!.n).toBe(4);
    for (const f of features) northGrids[nameOf.get(f.properties.id)!] = f.properties;
  });

  it('changes nothing when the sequence is already in order', async () => {
    const before = await tableState();
    const res = await post('/api/grids/renumber', { community: north, grids: allNorth() }).expect(200);
    expect(res.body).toMatchObject({ changeId: null, renumbered: 0 });
    expect(await tableState()).toEqual(before);
  });

  it('refuses with 409 code_taken when a grid of another community holds one of the new codes', async () => {
    // Only bad data gets here (every write checks a code's community prefix), so plant it in SQL:
    // NW's code moves off 001, so the renumber must give 001 back to it, and a grid of the south
    // community holds 001 meanwhile.
    const db = ctx.database.db;
    await sql`UPDATE grid SET code = '520197001001009' WHERE id = ${northGrids.NW!.id}::uuid`.execute(db);
    await sql`INSERT INTO grid (community_id, code, name, geom)
      VALUES (${south}::int, '520197001001001', '错码网格',
        ST_Multi(ST_GeomFromGeoJSON(${JSON.stringify(rectangle(107.017, 26.0, 107.018, 26.001))})))`.execute(db);
    try {
      const before = await tableState();
      const res = await post('/api/grids/renumber', { community: north, grids: allNorth() }).expect(409);
      expect(res.body.error.code).toBe('code_taken');
      expect(res.body.error.message).toMatch(
        /^Code 520197001001001 belongs to grid [0-9a-f-]{36} of another community \(region \d+\), though it starts with 北社区's code 520197001001/,
      );
      expect(await tableState()).toEqual(before);
    } finally {
      await sql`DELETE FROM grid WHERE name = '错码网格'`.execute(db);
      await sql`UPDATE grid SET code = '520197001001001' WHERE id = ${northGrids.NW!.id}::uuid`.execute(db);
    }
  });
});

// The south community: restores, zone moves and its history.
const ids: Record<string, string> = {};
const PHONE = '13900001111';

describe('POST /api/grids/:id/restore for a deleted grid', () => {
  it('deletes a grid, leaving its zone in no grid at a new version, in the same change', async () => {
    const g1 = await createGrid('南二', rectangle(107.01, 26.001, 107.012, 26.003), {
      households: 80,
      workerName: '李网格',
      workerPhone: PHONE,
    });
    ids.g1 = g1.properties.id;
    ids.g1code = g1.properties.code;
    expect(ids.g1code).toBe('520197001002001');
    const zone = await createZone(ids.g1, '南二一区', rectangle(107.0102, 26.0015, 107.0116, 26.0025));
    ids.z = zone.properties.id;
    await patch(`/api/grids/${ids.g1}`, { version: 1, properties: { households: 95 } }).expect(200);

    const gone = await del(`/api/grids/${ids.g1}?version=2`).expect(200);
    expect(gone.body.orphanedZones).toEqual([ids.z]);
    const gridDelete = (await historyOf('grids', ids.g1)).at(-1)!;
    const zoneEntry = (await historyOf('zones', ids.z!)).at(-1)!;
    expect(gridDelete).toMatchObject({ action: 'delete', version: 2, after: null });
    expect(zoneEntry).toMatchObject({ action: 'update', version: 2, changeId: gridDelete.changeId });
    expect(zoneEntry.before!.properties.grid_id).toBe(ids.g1);
    expect(zoneEntry.after!.properties.grid_id).toBeNull();
  });

  it('answers 409 when the version named is not the one deleted, 404 for no such version or grid', async () => {
    const before = await tableState();
    const stale = await post(`/api/grids/${ids.g1}/restore`, { version: 1, to_version: 1 }).expect(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect(stale.body.error.message).toMatch(/was deleted at version 2, not 1/);
    expect(stale.body.error.details).toMatchObject({ current: null, changed_by: accounts.planner.username });
    expect(Date.parse(stale.body.error.details.changed_at)).not.toBeNaN();
    const noVersion = await post(`/api/grids/${ids.g1}/restore`, { version: 2, to_version: 7 }).expect(404);
    expect(noVersion.body.error.message).toMatch(/has no saved version 7/);
    await post('/api/grids/00000000-0000-4000-8000-000000000000/restore', { version: 1, to_version: 1 }).expect(404);
    const noBody = await post(`/api/grids/${ids.g1}/restore`, { version: 2 }).expect(400);
    expect(noBody.body.error.message).toMatch(/^to_version: /);
    const badGeometry = await post(`/api/grids/${ids.g1}/restore`, {
      version: 2,
      to_version: 1,
      geometry: { type: 'Point', coordinates: [107.01, 26.001] },
    }).expect(400);
    expect(badGeometry.body.error.message).toMatch(/^geometry\.type: type must be Polygon or MultiPolygon/);
    const foreign = await post(`/api/grids/${ids.g1}/restore`, { version: 2, to_version: 1 }, stranger).expect(403);
    expect(foreign.body.error.code).toBe('outside_scope');
    await post(`/api/grids/${ids.g1}/restore`, { version: 2, to_version: 1 }, accounts.official).expect(403);
    await api().post(`/api/grids/${ids.g1}/restore`).send({ version: 2, to_version: 1 }).expect(401);
    expect(await tableState()).toEqual(before);
  });

  it('brings it back under its id at version 3, with its code, and takes back its zone', async () => {
    const res = await post(`/api/grids/${ids.g1}/restore`, { version: 2, to_version: 1 }).expect(200);
    expect(res.body.properties).toMatchObject({
      id: ids.g1,
      version: 3,
      code: ids.g1code,
      households: 80,
      workerPhone: PHONE,
    });
    expectArea(await areaOf('grid', ids.g1!), rectangleArea_m2(107.01, 26.001, 107.012, 26.003));
    expect(res.body.zonesOutside).toBeUndefined();
    const entries = await historyOf('grids', ids.g1!);
    expect(entries.map((e) => [e.version, e.action])).toEqual([
      [1, 'insert'],
      [2, 'update'],
      [2, 'delete'],
      [3, 'restore'],
    ]);
    const zoneEntry = (await historyOf('zones', ids.z!)).at(-1)!;
    expect(zoneEntry).toMatchObject({ action: 'update', version: 3, changeId: entries.at(-1)!.changeId });
    expect(zoneEntry.after!.properties.grid_id).toBe(ids.g1);
  });

  it('refuses a restore into space taken since with 422 and clip_to_neighbours; the fix saves, with a new code', async () => {
    await del(`/api/grids/${ids.g1}?version=3`).expect(200);
    // Drawn over the east half of the deleted grid; it takes the free code 001.
    const g2 = await createGrid('南三', rectangle(107.011, 26.001, 107.013, 26.003));
    ids.g2 = g2.properties.id;
    expect(g2.properties.code).toBe(ids.g1code);

    const before = await tableState();
    const refused = await post(`/api/grids/${ids.g1}/restore`, { version: 3, to_version: 3 }).expect(422);
    expect(refused.body.error.code).toBe('grid_rule');
    const details = refused.body.error.details;
    expect(details.rule).toBe('no_overlap');
    expect(details.others).toEqual([{ id: ids.g2, code: ids.g1code, name: '南三' }]);
    expect(details.fixes.map((f: { kind: string }) => f.kind)).toEqual(['clip_to_neighbours']);
    expectArea(await geometryArea(details.geometry), rectangleArea_m2(107.011, 26.001, 107.012, 26.003));
    expect(await tableState()).toEqual(before);

    const fixed = await post(`/api/grids/${ids.g1}/restore`, {
      version: 3,
      to_version: 3,
      geometry: details.fixes[0].geometry,
    }).expect(200);
    // Version 3 was version 1 restored: households 80, not version 2's 95.
    expect(fixed.body.properties).toMatchObject({ id: ids.g1, version: 4, code: '520197001002002', households: 80 });
    expectArea(await areaOf('grid', ids.g1!), rectangleArea_m2(107.01, 26.001, 107.011, 26.003));
    // Its zone comes back too ([107.0102, 107.0116]; its point lies west of 107.011), and now sticks
    // out of the clipped grid: reported with the clip fix, as after any boundary move.
    const { rows } = await sql<{ grid_id: string }>`SELECT grid_id FROM zone WHERE id = ${ids.z}::uuid`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.grid_id).toBe(ids.g1);
    expect(fixed.body.zonesOutside.map((z: { id: string }) => z.id)).toEqual([ids.z]);
    const [zone] = fixed.body.zonesOutside;
    expect(zone.version).toBe(5);
    expect(zone.fixes[0].kind).toBe('clip_to_grid');
    expectArea(await geometryArea(zone.fixes[0].geometry), rectangleArea_m2(107.0102, 26.0015, 107.011, 26.0025));
    const clipped = await patch(`/api/zones/${ids.z}`, { version: 5, geometry: zone.fixes[0].geometry }).expect(200);
    expect(clipped.body.properties.version).toBe(6);
  });
});

describe('POST /api/zones/:id/restore for a deleted zone', () => {
  it('brings a deleted zone back into its grid under its id', async () => {
    await del(`/api/zones/${ids.z}?version=6`).expect(200);
    const stale = await post(`/api/zones/${ids.z}/restore`, { version: 5, to_version: 6 }).expect(409);
    expect(stale.body.error.details.current).toBeNull();
    const res = await post(`/api/zones/${ids.z}/restore`, { version: 6, to_version: 6 }).expect(200);
    expect(res.body.properties).toMatchObject({ id: ids.z, version: 7, gridId: ids.g1, name: '南二一区' });
    expectArea(await areaOf('zone', ids.z!), rectangleArea_m2(107.0102, 26.0015, 107.011, 26.0025));
    expect((await historyOf('zones', ids.z!)).at(-1)).toMatchObject({ action: 'restore', version: 7, before: null });
  });

  it('answers 422 no_grid when its grid is gone and none holds it; restored after the grid is', async () => {
    const g3 = await createGrid('南四', rectangle(107.014, 26.005, 107.016, 26.007));
    const z3 = await createZone(g3.properties.id, '南四一区', rectangle(107.0145, 26.0055, 107.0155, 26.0065));
    await del(`/api/zones/${z3.properties.id}?version=1`).expect(200);
    await del(`/api/grids/${g3.properties.id}?version=1`).expect(200);
    const before = await tableState();
    const refused = await post(`/api/zones/${z3.properties.id}/restore`, { version: 1, to_version: 1 }).expect(422);
    expect(refused.body.error.code).toBe('no_grid');
    expect(refused.body.error.message).toMatch(/restore that grid first/);
    expect(await tableState()).toEqual(before);
    await post(`/api/grids/${g3.properties.id}/restore`, { version: 1, to_version: 1 }).expect(200);
    const res = await post(`/api/zones/${z3.properties.id}/restore`, { version: 1, to_version: 1 }).expect(200);
    expect(res.body.properties).toMatchObject({ gridId: g3.properties.id, version: 2 });
    const foreign = await post(`/api/zones/${z3.properties.id}/restore`, { version: 2, to_version: 1 }, stranger);
    expect(foreign.status).toBe(403);
  });

  it('refuses a restored zone that overlaps a zone drawn since, with the clip fix', async () => {
    const g3 = (await sql<{ id: string }>`SELECT id FROM grid WHERE name = '南四'`.execute(ctx.database.db)).rows[0]!
      .id;
    const z = await createZone(g3, '南四二区', rectangle(107.0146, 26.0066, 107.0158, 26.0069));
    await del(`/api/zones/${z.properties.id}?version=1`).expect(200);
    const since = await createZone(g3, '南四三区', rectangle(107.0155, 26.0066, 107.0158, 26.0069));
    const before = await tableState();
    const res = await post(`/api/zones/${z.properties.id}/restore`, { version: 1, to_version: 1 }).expect(422);
    expect(res.body.error.details.rule).toBe('no_overlap');
    expect(res.body.error.details.others).toEqual([{ id: since.properties.id, code: null, name: '南四三区' }]);
    expect(await tableState()).toEqual(before);
    const fix = res.body.error.details.fixes[0];
    expect(fix.kind).toBe('clip_to_neighbours');
    const ok = await post(`/api/zones/${z.properties.id}/restore`, {
      version: 1,
      to_version: 1,
      geometry: fix.geometry,
    }).expect(200);
    expect(ok.body.properties).toMatchObject({ id: z.properties.id, version: 2 });
    expectArea(await areaOf('zone', z.properties.id), rectangleArea_m2(107.0146, 26.0066, 107.0155, 26.0069));
  });
});

describe('split and merge record the zones they move', () => {
  it('writes each moved zone a history row in the split’s change, and in the merge’s', async () => {
    const g4 = await createGrid('南五', rectangle(107.01, 26.006, 107.0135, 26.009));
    ids.g4 = g4.properties.id;
    const zone = await createZone(ids.g4, '南五一区', rectangle(107.0102, 26.007, 107.0112, 26.008));
    const stays = await createZone(ids.g4, '南五二区', rectangle(107.012, 26.007, 107.013, 26.008));
    const split = await post(`/api/grids/${ids.g4}/split`, {
      version: 1,
      line: {
        type: 'LineString',
        coordinates: [
          [107.0115, 26.005],
          [107.0115, 26.0095],
        ],
      },
    }).expect(200);
    const [kept, piece] = split.body.features;
    expect(kept.properties.id).toBe(ids.g4);
    const splitChange = (await historyOf('grids', ids.g4!)).at(-1)!.changeId;
    const moved = await historyOf('zones', zone.properties.id);
    expect(moved.at(-1)).toMatchObject({ action: 'split', version: 2, changeId: splitChange });
    expect(moved.at(-1)!.before!.properties.grid_id).toBe(ids.g4);
    expect(moved.at(-1)!.after!.properties.grid_id).toBe(piece.properties.id);
    // The zone east of the line is not moved, and gets no history row.
    expect((await historyOf('zones', stays.properties.id)).map((e) => e.action)).toEqual(['insert']);

    const merged = await post('/api/grids/merge', {
      grids: [
        { id: ids.g4, version: 2 },
        { id: piece.properties.id, version: 1 },
      ],
    }).expect(200);
    expect(merged.body.properties.version).toBe(3);
    const mergeChange = (await historyOf('grids', ids.g4!)).at(-1)!.changeId;
    const back = (await historyOf('zones', zone.properties.id)).at(-1)!;
    expect(back).toMatchObject({ action: 'merge', version: 3, changeId: mergeChange });
    expect(back.after!.properties.grid_id).toBe(ids.g4);
    expect((await historyOf('grids', piece.properties.id)).at(-1)).toMatchObject({
      action: 'merge',
      changeId: mergeChange,
      after: null,
    });
  });
});

type CommunityEntry = {
  id: string;
  table: 'grid' | 'zone';
  rowId: string;
  version: number;
  action: string;
  at: string;
  changedBy: string | null;
  changeId: string;
  code: string | null;
  name: string;
  changed: string[];
};

describe('GET /api/grids/history', () => {
  it('lists the community’s grid and zone history newest first, and nothing of other communities', async () => {
    const res = await get(`/api/grids/history?community=${south}&limit=200`).expect(200);
    expect(res.body.community).toEqual({ id: south, code: '520197001002', name: '南社区' });
    expect(res.body.next).toBeNull();
    const entries = res.body.entries as CommunityEntry[];
    // Newest first: entry ids count down.
    const numbers = entries.map((e) => Number(e.id));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    // The oracle: every history row of the south community's grids and zones, read straight from the
    // table through each row's own history (GET /api/grids/:id/history).
    const { rows } = await sql<{ table_name: string; row_id: string; n: number }>`
      SELECT table_name, row_id, count(*)::int AS n FROM edit_history
      WHERE (COALESCE(after, before) -> 'properties' ->> 'community_id')::int = ${south}::int
      GROUP BY table_name, row_id`.execute(ctx.database.db);
    expect(entries).toHaveLength(rows.reduce((sum, r) => sum + r.n, 0));
    const northIds = new Set(Object.values(northGrids).map((g) => g.id));
    expect(entries.some((e) => northIds.has(e.rowId))).toBe(false);

    // Grid 南二's story, oldest first, as its own history tells it.
    const g1 = entries.filter((e) => e.rowId === ids.g1).reverse();
    const own = await historyOf('grids', ids.g1!);
    expect(g1.map((e) => [e.version, e.action, e.changeId])).toEqual(own.map((e) => [e.version, e.action, e.changeId]));
    expect(g1.map((e) => e.action)).toEqual(['insert', 'update', 'delete', 'restore', 'delete', 'restore']);
    expect(g1[1]).toMatchObject({ table: 'grid', code: ids.g1code, name: '南二', changed: ['households'] });
    expect(g1[1]!.changedBy).toBe(accounts.planner.username);
    // A delete names the row as it was; a restore after a taken code, the new code.
    expect(g1[4]).toMatchObject({ code: ids.g1code, changed: [] });
    expect(g1[5]).toMatchObject({ code: '520197001002002' });
    // Zones are there too, without a code; a zone's clip shows as a geometry change.
    const zone = entries.filter((e) => e.rowId === ids.z).reverse();
    expect(zone[0]).toMatchObject({ table: 'zone', code: null, name: '南二一区', action: 'insert' });
    expect(zone.map((e) => e.changed)).toContainEqual(['geometry']);
    expect(zone.map((e) => e.changed)).toContainEqual(['grid_id']);
    // No grid worker's phone (nor name) in the list, whoever asks.
    expect(JSON.stringify(res.body)).not.toContain(PHONE);
    expect(JSON.stringify(res.body)).not.toContain('李网格');
  });

  it('pages with limit and before, the pages adding up to the whole list', async () => {
    const all = (await get(`/api/grids/history?community=${south}&limit=200`).expect(200)).body
      .entries as CommunityEntry[];
    const paged: CommunityEntry[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await get(
        `/api/grids/history?community=${south}&limit=7${before ? `&before=${before}` : ''}`,
      ).expect(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(7);
      paged.push(...res.body.entries);
      before = res.body.next;
      pages++;
    } while (before && pages < 100);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(paged).toEqual(all);
    const defaults = await get(`/api/grids/history?community=${south}`).expect(200);
    expect(defaults.body.entries).toEqual(all.slice(0, 50));
  });

  it('shows the renumber as one change touching the code only; admins read any community', async () => {
    const res = await get(`/api/grids/history?community=${north}&limit=10`, accounts.admin).expect(200);
    const renumber = (res.body.entries as CommunityEntry[]).filter((e) => e.action === 'renumber');
    expect(renumber).toHaveLength(4);
    expect(new Set(renumber.map((e) => e.changeId)).size).toBe(1);
    for (const e of renumber) expect(e.changed).toEqual(['code']);
  });

  it('answers 400, 401, 403, 404 and 422 with what to fix', async () => {
    const bad = async (query: string, message: RegExp) => {
      const res = await get(`/api/grids/history${query}`).expect(400);
      expect(res.body.error.message).toMatch(message);
    };
    await bad('', /^community: is required/);
    await bad(`?community=${south}&limit=0`, /^limit: limit must be 1–200/);
    await bad(`?community=${south}&limit=201`, /^limit: limit must be 1–200/);
    await bad(`?community=${south}&before=abc`, /^before: must be a whole number/);
    await bad(`?community=${south}&page=2`, /unknown parameter page; this endpoint takes community, limit, before/);
    await api().get(`/api/grids/history?community=${south}`).expect(401);
    const official = await get(`/api/grids/history?community=${south}`, accounts.official).expect(403);
    expect(official.body.error.code).toBe('forbidden');
    const foreign = await get(`/api/grids/history?community=${south}`, stranger).expect(403);
    expect(foreign.body.error.code).toBe('outside_scope');
    await get(`/api/grids/history?community=${outside}`).expect(403);
    expect((await get(`/api/grids/history?community=${outside}`, accounts.admin).expect(200)).body.entries).toEqual([]);
    const missing = await get('/api/grids/history?community=2000000000').expect(404);
    expect(missing.body.error.code).toBe('not_found');
    const region = await get(`/api/grids/history?community=${subdistrict}`).expect(422);
    expect(region.body.error.code).toBe('not_a_community');
  });
});
