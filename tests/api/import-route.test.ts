/**
 * `POST /api/import/:layer` (issue 8, "In the browser"): the planner workspace's import dialog. A
 * planner dry-runs a GCJ-02 file and gets the preview in WGS84; a refused feature is named in the
 * report and marked in the preview; a refused commit writes nothing; a clean one is one change in the
 * community's history under the planner's name, undone with the grid routes (delete, restore); a
 * feature outside the planner's scopes refuses the file; the body's size, type and readability get
 * their 4xx; a zipped GBK Shapefile goes in as it is.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES, type ImportResponse } from '../../server/src/contracts';
import { HttpError } from '../../server/src/errors';
import { importService } from '../../server/src/services/import.service';
import { type TestAccount, type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { geodesicAreaM2, geodesicDistanceM } from '../support/geodesy';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let west: number; // 甲社区 [109.00, 109.01] × [27.00, 27.01], in the planner's scope (甲街道)
let east: number; // 乙社区 [109.01, 109.02] × [27.00, 27.01], outside it

const SAMPLES = fileURLToPath(new URL('../../data/samples/', import.meta.url));

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520193', name: '导入区', level: 'district', geometry: rectangle(109.0, 27.0, 109.02, 27.01) },
    {
      code: '520193001',
      name: '甲街道',
      level: 'subdistrict',
      parentCode: '520193',
      geometry: rectangle(109.0, 27.0, 109.01, 27.01),
    },
    {
      code: '520193002',
      name: '乙街道',
      level: 'subdistrict',
      parentCode: '520193',
      geometry: rectangle(109.01, 27.0, 109.02, 27.01),
    },
    {
      code: '520193001001',
      name: '甲社区',
      level: 'community',
      parentCode: '520193001',
      geometry: rectangle(109.0, 27.0, 109.01, 27.01),
    },
    {
      code: '520193002001',
      name: '乙社区',
      level: 'community',
      parentCode: '520193002',
      geometry: rectangle(109.01, 27.0, 109.02, 27.01),
    },
  ]);
  west = ids.get('520193001001')!;
  east = ids.get('520193002001')!;
  accounts = await seedAccounts(ctx.database, [ids.get('520193001')!]);
});

const db = () => ctx.database.db;

/** WGS84 → GCJ-02 with gcoord (the way 高德 or DataV would hand the file over). */
const toGcj02 = (polygon: Polygon): Polygon => ({
  type: 'Polygon',
  coordinates: polygon.coordinates.map((ring) =>
    ring.map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02) as Position),
  ),
});

const feature = (geometry: Polygon | { type: 'Point'; coordinates: Position }, properties: Record<string, unknown>) =>
  ({ type: 'Feature', geometry, properties }) as Feature;
const file = (features: Feature[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));

function upload(layer: string, query: Record<string, string>, body: Buffer, account: TestAccount | null) {
  let req = request(ctx.app).post(`/api/import/${layer}`).query(query);
  if (account) req = req.set(bearer(account));
  return req.set('Content-Type', 'application/octet-stream').send(body);
}

/** Rows in every table an import writes, and the grids' shapes: a refused import leaves them all alone. */
async function tableState() {
  const { rows } = await sql<Record<string, string>>`
    SELECT (SELECT count(*) FROM region)::text AS regions, (SELECT count(*) FROM grid)::text AS grids,
      (SELECT count(*) FROM zone)::text AS zones, (SELECT count(*) FROM station)::text AS stations,
      (SELECT count(*) FROM edit_history)::text AS history,
      (SELECT coalesce(string_agg(md5(ST_AsBinary(geom)::text), ',' ORDER BY code), '') FROM grid) AS grid_shapes`.execute(
    db(),
  );
  return rows[0]!;
}

/** Three grids side by side in the south half of 甲社区, in WGS84. */
const GRIDS = [
  { name: '甲一网格', geometry: rectangle(109.0, 27.0, 109.003, 27.005) },
  { name: '甲二网格', geometry: rectangle(109.003, 27.0, 109.006, 27.005) },
  { name: '甲三网格', geometry: rectangle(109.006, 27.0, 109.009, 27.005) },
];
const gcjFile = (grids: { name: string; geometry: Polygon }[]) =>
  file(grids.map((g) => feature(toGcj02(g.geometry), { 网格名称: g.name })));

describe('a dry run', () => {
  it('previews a GCJ-02 file in WGS84, within 0.5 m of the original, and writes nothing', async () => {
    const before = await tableState();
    const res = await upload(
      'grids',
      { file_name: 'grids.geojson', crs: 'gcj02', dry_run: 'true' },
      gcjFile(GRIDS),
      accounts.planner,
    ).expect(200);
    const { report, preview } = res.body as ImportResponse;
    expect(report).toMatchObject({
      layer: 'grids',
      fileName: 'grids.geojson',
      format: 'geojson',
      crs: 'gcj02',
      crsGiven: true,
      dryRun: true,
      features: 3,
      records: 3,
      problems: [],
      refusals: [],
      changeId: null,
      written: { inserted: 3, updated: 0, deleted: 0, zonesMoved: 0 },
    });
    expect(report.fields.used).toContainEqual({ target: 'name', source: '网格名称', how: 'recognised' });
    expect(report.crsCheck?.suggestion).toBeNull();
    expect(preview.features.map((f) => f.properties)).toEqual(
      GRIDS.map((g, i) => ({
        number: i + 1,
        label: g.name,
        ok: true,
        problems: [],
        rules: [],
        name: g.name,
        code: null,
      })),
    );
    let worst = 0;
    let offset = Infinity;
    for (const [i, f] of preview.features.entries()) {
      const sent = GRIDS[i]!.geometry.coordinates[0]!;
      const back = (f.geometry as Polygon).coordinates[0]!;
      expect(back).toHaveLength(sent.length);
      sent.forEach((p, k) => {
        worst = Math.max(worst, geodesicDistanceM(p, back[k]!));
        offset = Math.min(offset, geodesicDistanceM(p, toGcj02(GRIDS[i]!.geometry).coordinates[0]![k]!));
      });
    }
    expect(worst).toBeLessThan(0.5);
    // The file really was elsewhere: GCJ-02 is a few hundred metres off WGS84 here.
    expect(offset).toBeGreaterThan(100);
    expect(await tableState()).toEqual(before);
  });

  it('lists an overlapping grid in the middle of the file; its commit is refused with 422 and writes nothing', async () => {
    const before = await tableState();
    const grids = [GRIDS[0]!, { ...GRIDS[1]!, geometry: rectangle(109.0025, 27.0, 109.006, 27.005) }, GRIDS[2]!];
    const dry = await upload(
      'grids',
      { file_name: 'overlap.geojson', crs: 'gcj02', dry_run: 'true' },
      gcjFile(grids),
      accounts.planner,
    ).expect(200);
    const { report, preview } = dry.body as ImportResponse;
    expect(report.problems.map((p) => [p.number, p.label, p.rule])).toEqual([[2, '甲二网格', 'no_overlap']]);
    // Overlapping 甲一网格 by 0.0005° × 0.005° (sphere oracle, to 1 %); the advice names the query parameter.
    const overlap_m2 = Number(/by ([0-9.]+) m²/.exec(report.problems[0]!.message)![1]);
    expect(overlap_m2 / geodesicAreaM2(rectangle(109.0025, 27.0, 109.003, 27.005))).toBeCloseTo(1, 1);
    expect(report.problems[0]!.message).toMatch(/overlaps feature 1 \(甲一网格\).*fix=clip/);
    expect(report.problems[0]!.message).not.toMatch(/--/);
    expect(preview.features.map((f) => [f.properties.number, f.properties.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(preview.features[1]!.properties.problems).toEqual([report.problems[0]!.message]);
    expect(preview.features[1]!.properties.rules).toEqual(['no_overlap']);

    const commit = await upload(
      'grids',
      { file_name: 'overlap.geojson', crs: 'gcj02' },
      gcjFile(grids),
      accounts.planner,
    ).expect(422);
    expect(commit.body.error.code).toBe('import_refused');
    expect(commit.body.error.message).toBe('overlap.geojson: 1 problem; nothing was written');
    const details = commit.body.error.details as ImportResponse;
    expect(details.report.dryRun).toBe(false);
    expect(details.report.problems.map((p) => [p.number, p.rule])).toEqual([[2, 'no_overlap']]);
    expect(details.preview.features.map((f) => f.properties.ok)).toEqual([true, false, true]);
    expect(await tableState()).toEqual(before);
  });
});

type HistoryEntry = { rowId: string; action: string; changedBy: string | null; changeId: string; name: string };
const historyOf = async (community: number) =>
  (
    await request(ctx.app)
      .get(`/api/grids/history?community=${community}&limit=200`)
      .set(bearer(accounts.planner))
      .expect(200)
  ).body.entries as HistoryEntry[];

async function gridsOfWest() {
  const { rows } = await sql<{ id: string; name: string; version: number; geometry: Polygon }>`
    SELECT id, name, version, ST_AsGeoJSON(ST_GeometryN(geom, 1))::json AS geometry FROM grid
    WHERE community_id = ${west}::int ORDER BY name`.execute(db());
  return rows;
}

describe('a commit', () => {
  it('writes the grids as one change in the community history, under the planner’s name', async () => {
    const res = await upload(
      'grids',
      { file_name: 'grids.geojson', crs: 'gcj02' },
      gcjFile(GRIDS),
      accounts.planner,
    ).expect(200);
    const { report } = res.body as ImportResponse;
    expect(report.dryRun).toBe(false);
    expect(report.written.inserted).toBe(3);
    expect(report.changeId).toMatch(/^[0-9a-f-]{36}$/);
    const history = await historyOf(west);
    expect(history.map((e) => [e.action, e.changedBy, e.changeId]).sort()).toEqual(
      GRIDS.map(() => ['import', accounts.planner.username, report.changeId]),
    );
    expect(history.map((e) => e.name).sort()).toEqual(GRIDS.map((g) => g.name).sort());
    // In the database as drawn in WGS84 (the file was GCJ-02): each vertex within 0.5 m.
    const saved = await gridsOfWest();
    for (const grid of saved) {
      const sent = GRIDS.find((g) => g.name === grid.name)!.geometry.coordinates[0]!;
      for (const p of grid.geometry.coordinates[0]!) {
        expect(Math.min(...sent.map((q) => geodesicDistanceM(p, q)))).toBeLessThan(0.5);
      }
    }
  });

  it('with mode=replace is one change too, undone by deleting the new grids and restoring the old ones', async () => {
    const old = await gridsOfWest();
    const replacing = [
      { name: '甲北网格', geometry: rectangle(109.0, 27.0, 109.0045, 27.005) },
      { name: '甲南网格', geometry: rectangle(109.0045, 27.0, 109.009, 27.005) },
    ];
    // Without a mode, the grids already there refuse the file; the advice names mode=replace.
    const refused = await upload(
      'grids',
      { file_name: 'new.geojson', crs: 'gcj02', dry_run: 'true' },
      gcjFile(replacing),
      accounts.planner,
    ).expect(200);
    expect((refused.body as ImportResponse).report.refusals).toEqual([
      'the database already holds 3 grids in the communities this file covers; pass mode=replace to replace them (their zones move to the new grids), or mode=append to keep them and add these',
    ]);
    const res = await upload(
      'grids',
      { file_name: 'new.geojson', crs: 'gcj02', mode: 'replace' },
      gcjFile(replacing),
      accounts.planner,
    ).expect(200);
    const { report } = res.body as ImportResponse;
    expect(report.written).toEqual({ inserted: 2, updated: 0, deleted: 3, zonesMoved: 0 });
    const change = (await historyOf(west)).filter((e) => e.changeId === report.changeId);
    expect(change.map((e) => [e.action, e.changedBy, e.name]).sort()).toEqual(
      [...old.map((g) => g.name), ...replacing.map((g) => g.name)]
        .sort()
        .map((name) => ['import', accounts.planner.username, name]),
    );

    // Undo: the imported grids go, the replaced ones come back under their own ids.
    const planner = bearer(accounts.planner);
    for (const grid of await gridsOfWest()) {
      await request(ctx.app).delete(`/api/grids/${grid.id}?version=${grid.version}`).set(planner).expect(200);
    }
    for (const grid of old) {
      const restored = await request(ctx.app)
        .post(`/api/grids/${grid.id}/restore`)
        .set(planner)
        .send({ version: 1, to_version: 1 })
        .expect(200);
      expect(restored.body.properties).toMatchObject({ id: grid.id, name: grid.name, version: 2 });
    }
    const back = await gridsOfWest();
    expect(back.map((g) => [g.id, g.name])).toEqual(old.map((g) => [g.id, g.name]));
    for (const [i, grid] of back.entries()) {
      expect(grid.geometry.coordinates).toEqual(old[i]!.geometry.coordinates);
    }
  });
});

describe('scopes and roles', () => {
  /** One grid in the planner's 甲社区 (north half, free) and one in 乙社区, outside their scopes. */
  const straddling = () =>
    file([
      feature(rectangle(109.0, 27.006, 109.003, 27.009), { name: '甲北新网格' }),
      feature(rectangle(109.012, 27.002, 109.015, 27.005), { name: '乙新网格', code: '520193002001001' }),
    ]);

  it('refuses the file of a planner with a feature outside their scopes, naming it', async () => {
    const before = await tableState();
    const dry = await upload(
      'grids',
      { file_name: 'both.geojson', mode: 'append', dry_run: 'true' },
      straddling(),
      accounts.planner,
    ).expect(200);
    const { report } = dry.body as ImportResponse;
    expect(report.problems).toEqual([
      {
        number: 2,
        label: '乙新网格, 520193002001001',
        rule: 'outside_scope',
        message: 'the grid lies in community 乙社区 (520193002001), outside the regions you may edit',
      },
    ]);
    const commit = await upload(
      'grids',
      { file_name: 'both.geojson', mode: 'append' },
      straddling(),
      accounts.planner,
    ).expect(422);
    expect(commit.body.error.code).toBe('import_refused');
    expect(commit.body.error.details.report.problems.map((p: { number: number }) => p.number)).toEqual([2]);
    expect(await tableState()).toEqual(before);
    // The same file is fine for an admin: it is the scope, not the shapes.
    const admin = await upload(
      'grids',
      { file_name: 'both.geojson', mode: 'append', dry_run: 'true' },
      straddling(),
      accounts.admin,
    ).expect(200);
    expect((admin.body as ImportResponse).report.problems).toEqual([]);
    expect(east).toBeGreaterThan(0);
  });

  it('checks stations by their community too, and keeps planners from replacing every station', async () => {
    const before = await tableState();
    const stations = file([
      feature({ type: 'Point', coordinates: [109.005, 27.007] }, { name: '甲驿站' }),
      feature({ type: 'Point', coordinates: [109.015, 27.007] }, { name: '乙驿站' }),
    ]);
    const dry = await upload(
      'stations',
      { file_name: 'stations.geojson', dry_run: 'true' },
      stations,
      accounts.planner,
    ).expect(200);
    expect((dry.body as ImportResponse).report.problems.map((p) => [p.number, p.label, p.rule])).toEqual([
      [2, '乙驿站', 'outside_scope'],
    ]);
    expect((dry.body as ImportResponse).preview.features.map((f) => f.geometry)).toEqual([
      { type: 'Point', coordinates: [109.005, 27.007] },
      { type: 'Point', coordinates: [109.015, 27.007] },
    ]);
    const replace = await upload(
      'stations',
      { file_name: 'stations.geojson', mode: 'replace' },
      stations,
      accounts.planner,
    ).expect(403);
    expect(replace.body.error.code).toBe('outside_scope');
    expect(replace.body.error.message).toMatch(/mode=append/);
    expect(await tableState()).toEqual(before);
  });

  it('answers 401 signed out, 403 to an official, and 403 to a planner importing regions', async () => {
    const body = gcjFile(GRIDS);
    const query = { file_name: 'grids.geojson', dry_run: 'true' };
    const signedOut = await upload('grids', query, body, null).expect(401);
    expect(signedOut.body.error.code).toBe('unauthenticated');
    const official = await upload('grids', query, body, accounts.official).expect(403);
    expect(official.body.error).toMatchObject({ code: 'forbidden' });
    expect(official.body.error.message).toMatch(/needs the role admin, planner/);
    const regions = await upload('regions', query, body, accounts.planner).expect(403);
    expect(regions.body.error).toEqual({
      code: 'forbidden',
      message: 'Importing regions needs the role admin; planners import grids, zones, stations inside their scopes.',
    });
  });
});

describe('bad requests', () => {
  const planner = () => accounts.planner;

  it('400 for a file that cannot be read, with the reader’s message', async () => {
    const json = await upload(
      'grids',
      { file_name: 'bad.geojson' },
      Buffer.from('{"type": "FeatureCol'),
      planner(),
    ).expect(400);
    expect(json.body.error.code).toBe('import_unreadable');
    expect(json.body.error.message).toMatch(/^bad\.geojson cannot be read as geojson: not valid JSON/);
    const zip = await upload(
      'grids',
      { file_name: 'grids.zip' },
      Buffer.from('PK\u0003\u0004 not really'),
      planner(),
    ).expect(400);
    expect(zip.body.error.code).toBe('import_unreadable');
    expect(zip.body.error.message).toMatch(/^grids\.zip cannot be read as shapefile: not a zip archive/);
    const shp = await upload('grids', { file_name: 'grids.shp' }, Buffer.from([0, 0, 39, 10]), planner()).expect(400);
    expect(shp.body.error.message).toMatch(/a Shapefile comes as a \.zip/);
    const empty = await upload('grids', { file_name: 'none.geojson' }, file([]), planner()).expect(400);
    expect(empty.body.error).toEqual({ code: 'import_unreadable', message: 'none.geojson holds no features' });
    const field = await upload(
      'grids',
      { file_name: 'grids.geojson', code_field: '编号', dry_run: 'true' },
      gcjFile(GRIDS),
      planner(),
    ).expect(400);
    expect(field.body.error.message).toBe('code_field=编号: the file has no field "编号"; its fields are 网格名称');
  });

  it('400 with a message for bad options, 415 for a body that is not a file, 400 for none', async () => {
    const body = gcjFile(GRIDS);
    const cases: [string, Record<string, string>, RegExp][] = [
      ['grids', {}, /^file_name: is required/],
      [
        'grids',
        { file_name: 'grids.doc' },
        /grids\.doc has no extension that names a format.*format=geojson\|kml\|shapefile\|csv/,
      ],
      ['grids', { file_name: 'g.geojson', crs: 'wgs' }, /^crs: must be one of wgs84, gcj02, bd09$/],
      ['grids', { file_name: 'g.geojson', dry_run: 'yes' }, /^dry_run: must be true or false$/],
      ['grids', { file_name: 'g.geojson', fix: 'snap' }, /^fix: must be clip/],
      ['grids', { file_name: 'g.geojson', mode: 'merge' }, /^mode: must be one of append, replace$/],
      ['grids', { file_name: 'g.geojson', level: 'community' }, /only regions take a level/],
      [
        'grids',
        { file_name: 'g.geojson', bogus: '1' },
        /unknown parameter bogus; this endpoint takes file_name, format, crs/,
      ],
      ['roads', { file_name: 'g.geojson' }, /^layer: must be one of grids, zones, stations, regions, demand/],
    ];
    for (const [layer, query, message] of cases) {
      const res = await upload(layer, query, body, planner());
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.message, JSON.stringify(query)).toMatch(message);
    }
    const json = await request(ctx.app)
      .post('/api/import/grids?file_name=g.geojson')
      .set(bearer(planner()))
      .send({ type: 'FeatureCollection', features: [] })
      .expect(415);
    expect(json.body.error).toEqual({
      code: 'unsupported_media_type',
      message: "Send the file's bytes as the body, with Content-Type: application/octet-stream (not application/json).",
    });
    const none = await request(ctx.app)
      .post('/api/import/grids?file_name=g.geojson')
      .set(bearer(planner()))
      .expect(400);
    expect(none.body.error.code).toBe('body_required');
  });

  it('413 for a file over 20 MB, refused before it is read', async () => {
    const before = await tableState();
    const res = await upload(
      'grids',
      { file_name: 'big.geojson' },
      Buffer.alloc(IMPORT_MAX_BYTES + 1, 0x20),
      planner(),
    );
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'body_too_large',
      message: "The request body is larger than this endpoint's limit of 20 MB; send a smaller body.",
    });
    expect(await tableState()).toEqual(before);
  });

  it('stops before committing when the client is gone', async () => {
    const before = await tableState();
    const caller = {
      kind: 'user' as const,
      role: 'admin' as const,
      userId: accounts.admin.userId,
      username: accounts.admin.username,
      scopes: [],
      via: 'token' as const,
    };
    const failed = await importService(db())
      .importFile(
        caller,
        'grids',
        file([feature(rectangle(109.0, 27.006, 109.003, 27.009), { name: '甲北新网格' })]),
        { file_name: 'late.geojson', dry_run: false, mode: 'append' },
        AbortSignal.abort(),
      )
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HttpError);
    expect((failed as HttpError).status).toBe(503);
    expect(await tableState()).toEqual(before);
  });
});

describe('a zipped Shapefile', () => {
  it('goes in as uploaded: the GBK sample regions (admin), then its grids (a planner of 宾阳街道)', async () => {
    const zip = (layer: string) => readFileSync(`${SAMPLES}shapefile/${layer}.zip`);
    const regions = await upload('regions', { file_name: 'regions.zip' }, zip('regions'), accounts.admin).expect(200);
    expect((regions.body as ImportResponse).report.problems).toEqual([]);
    expect((regions.body as ImportResponse).report.written.inserted).toBeGreaterThan(0);
    const { rows } = await sql<{ id: number }>`SELECT id FROM region WHERE code = '520115001'`.execute(db());
    const planner = (await seedAccounts(ctx.database, [rows[0]!.id])).planner;

    const dry = await upload('grids', { file_name: 'grids.zip', dry_run: 'true' }, zip('grids'), planner).expect(200);
    const { report, preview } = dry.body as ImportResponse;
    expect(report.format).toBe('shapefile');
    expect(report.notes).toContain('attributes: GBK (.cpg says GBK)');
    expect(report.problems).toEqual([]);
    // The same grids as the GCJ-02 GeoJSON sample, by name (an independent copy of the data).
    const geojson = JSON.parse(readFileSync(`${SAMPLES}gcj02/grids.geojson`, 'utf8')) as FeatureCollection;
    const names = geojson.features.map((f) => f.properties!['网格名称'] as string).sort();
    expect(preview.features.map((f) => f.properties.name).sort()).toEqual(names);
    expect(preview.features.every((f) => f.properties.ok && f.geometry?.type === 'Polygon')).toBe(true);

    const commit = await upload('grids', { file_name: 'grids.zip' }, zip('grids'), planner).expect(200);
    expect((commit.body as ImportResponse).report.written.inserted).toBe(names.length);
    const { rows: written } = await sql<{ n: number; changes: number; users: number }>`
      SELECT count(*)::int AS n, count(DISTINCT change_id)::int AS changes, count(DISTINCT user_id)::int AS users
      FROM edit_history WHERE change_id = ${(commit.body as ImportResponse).report.changeId}::uuid
        AND action = 'import' AND user_id = ${planner.userId}::int`.execute(db());
    expect(written[0]).toEqual({ n: names.length, changes: 1, users: 1 });
  });
});
