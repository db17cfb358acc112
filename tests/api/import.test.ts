/**
 * Bring your own city (issue 8), against the API tests' PostGIS: an import into an empty database,
 * a refused import that writes nothing, --fix clip, --replace with history and a restore, the
 * export → import → export round trip in every format and coordinate system, exports without
 * personal data, and the command line (PostgreSQL only: the CLI needs its own connection).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';
import { sql } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { exportService } from '../../server/src/export/export.service';
import { type ImportOptions, ImportRefused, importParsed } from '../../server/src/import/import';
import { parseImportBytes, parseImportFile } from '../../server/src/import/parse';
import type { ParsedFile } from '../../server/src/import/types';
import { ANONYMOUS, type Caller } from '../../server/src/services/caller';
import { gridEditsService } from '../../server/src/services/grid-edits.service';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { geodesicAreaM2, geodesicDistanceM } from '../support/geodesy';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;

const SAMPLES = fileURLToPath(new URL('../../data/samples/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const admin = (): Caller => ({
  kind: 'user',
  role: 'admin',
  userId: accounts.admin.userId,
  username: accounts.admin.username,
  scopes: [],
  via: 'token',
});

beforeAll(async () => {
  ctx = await testContext();
  accounts = await seedAccounts(ctx.database);
});

const db = () => ctx.database.db;
const run = (parsed: ParsedFile, options: Omit<ImportOptions, 'fileName'> & { fileName?: string }) =>
  importParsed(db(), parsed, { fileName: 'test.geojson', ...options });
const sample = (path: string) => parseImportFile(join(SAMPLES, path));
const collection = (features: Feature[]): ParsedFile =>
  parseImportBytes(Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })), 'test.geojson');
const grid = (geometry: Geometry, properties: Record<string, unknown> = {}): Feature => ({
  type: 'Feature',
  geometry,
  properties,
});

/** Rows in every table an import writes: a refused import must leave them all alone. */
async function tableState() {
  const { rows } = await sql<Record<string, string>>`
    SELECT (SELECT count(*) FROM region)::text AS regions, (SELECT count(*) FROM grid)::text AS grids,
      (SELECT count(*) FROM zone)::text AS zones, (SELECT count(*) FROM station)::text AS stations,
      (SELECT count(*) FROM demand_point)::text AS demand, (SELECT count(*) FROM edit_history)::text AS history,
      (SELECT coalesce(string_agg(md5(ST_AsBinary(geom)::text), ',' ORDER BY code), '') FROM grid) AS grid_shapes`.execute(
    db(),
  );
  return rows[0]!;
}

/** One district, subdistrict and community (a 0.01° square at 106.60, 26.60), for the hand-made cases. */
async function seedSquare() {
  await resetData(ctx.database);
  return seedRegions(ctx.database, [
    { code: '520198', name: '测试区', level: 'district', geometry: rectangle(106.6, 26.6, 106.62, 26.61) },
    {
      code: '520198001',
      name: '测试街道',
      level: 'subdistrict',
      parentCode: '520198',
      geometry: rectangle(106.6, 26.6, 106.62, 26.61),
    },
    {
      code: '520198001001',
      name: '测试社区',
      level: 'community',
      parentCode: '520198001',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
    {
      code: '520198001002',
      name: '东社区',
      level: 'community',
      parentCode: '520198001',
      geometry: rectangle(106.61, 26.6, 106.62, 26.61),
    },
  ]);
}

describe('an import into an empty database', () => {
  it('loads the GCJ-02 samples: regions find parents by code, grids their community, zones their grid, stations theirs', async () => {
    await resetData(ctx.database);
    const historyBefore = Number((await tableState()).history);
    const regions = await run(await sample('gcj02/regions.geojson'), { layer: 'regions', crs: 'gcj02' });
    const source = JSON.parse(readFileSync(join(SAMPLES, 'gcj02/regions.geojson'), 'utf8')) as FeatureCollection;
    expect(regions.written.inserted).toBe(source.features.length);
    // Every region's parent is the one its code names (the code minus its last 3 digits).
    const { rows: links } = await sql<{ code: string; parent: string | null; level: string }>`
      SELECT r.code, p.code AS parent, r.level FROM region r LEFT JOIN region p ON p.id = r.parent_id ORDER BY r.code`.execute(
      db(),
    );
    for (const link of links) {
      expect(link.parent, link.code).toBe(link.code.length === 6 ? null : link.code.slice(0, link.code.length - 3));
      expect(link.level).toBe({ 6: 'district', 9: 'subdistrict', 12: 'community' }[link.code.length]);
    }

    const grids = await run(await sample('gcj02/grids.geojson'), { layer: 'grids', crs: 'gcj02' });
    const gridSource = JSON.parse(
      readFileSync(join(SAMPLES, 'gcj02/grids.geojson'), 'utf8'),
    ) as FeatureCollection<Polygon>;
    expect(grids.written.inserted).toBe(gridSource.features.length);
    expect(grids.crsCheck?.suggestion).toBeNull();
    const { rows } = await sql<{
      code: string;
      community: string;
      households: number;
      worker_name: string;
      geometry: Geometry;
    }>`
      SELECT g.code, c.code AS community, g.households, g.worker_name, ST_AsGeoJSON(g.geom)::json AS geometry
      FROM grid g JOIN region c ON c.id = g.community_id ORDER BY g.code`.execute(db());
    for (const row of rows) expect(row.community).toBe(row.code.slice(0, 12));
    // Attributes as the file has them, geometry converted from GCJ-02 (checked with gcoord's own inverse, good to 2 mm).
    const first = gridSource.features.find((f) => f.properties!['网格编码'] === rows[0]!.code)!;
    expect(rows[0]!.households).toBe(first.properties!['户数']);
    expect(rows[0]!.worker_name).toBe(first.properties!['网格员']);
    const expected = first.geometry.coordinates[0]!.map((p) =>
      gcoord.transform(p as [number, number], gcoord.GCJ02, gcoord.WGS84),
    );
    const stored = (rows[0]!.geometry as { coordinates: Position[][][] }).coordinates[0]![0]!;
    const storedKeys = stored.map((p) => p.map((v) => v.toFixed(6)).join());
    for (const p of expected) {
      const nearest = Math.min(...stored.map((q) => geodesicDistanceM(p, q)));
      expect(nearest).toBeLessThan(0.01);
    }
    expect(storedKeys).toHaveLength(expected.length);

    // One change in the history: an 'import' row per grid, all under the report's change id.
    const { rows: history } = await sql<{ action: string; change_id: string; n: number }>`
      SELECT action, change_id, count(*)::int AS n FROM edit_history
      WHERE id > (SELECT coalesce(max(id), 0) FROM edit_history) - ${gridSource.features.length + 10}::int
        AND table_name = 'grid' GROUP BY action, change_id`.execute(db());
    expect(history.filter((h) => h.change_id === grids.changeId)).toEqual([
      { action: 'import', change_id: grids.changeId, n: gridSource.features.length },
    ]);
    expect(Number((await tableState()).history)).toBe(historyBefore + gridSource.features.length);

    const zones = await run(await sample('gcj02/zones.geojson'), { layer: 'zones', crs: 'gcj02' });
    expect(zones.notes).toContain(`grids: ${zones.written.inserted} zones by grid code`);
    const stations = await run(await sample('gcj02/stations.geojson'), { layer: 'stations', crs: 'gcj02' });
    const { rows: placed } = await sql<{ n: number; inside: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE ST_Covers(c.geom, s.geom))::int AS inside
      FROM station s JOIN region c ON c.id = s.community_id`.execute(db());
    expect(placed[0]).toEqual({ n: stations.written.inserted, inside: stations.written.inserted });
  });

  it('reads the GBK Shapefile samples and the stations CSV the same way', async () => {
    await resetData(ctx.database);
    for (const layer of ['regions', 'grids', 'zones', 'stations'] as const) {
      const report = await run(await sample(`shapefile/${layer}.zip`), { layer, fileName: `${layer}.zip` });
      expect(report.problems, layer).toEqual([]);
      expect(report.notes, layer).toContain('attributes: GBK (.cpg says GBK)');
    }
    const { rows } = await sql<{ name: string }>`SELECT name FROM grid ORDER BY code LIMIT 1`.execute(db());
    expect(rows[0]!.name).toMatch(/^[\u4e00-\u9fff]+第1网格$/);
    // The CSV is GCJ-02: read as WGS84 it lands ~540 m off, and the summary says so.
    const wrong = await run(await sample('stations.csv'), { layer: 'stations', mode: 'replace', dryRun: true });
    expect(wrong.crsCheck?.suggestion).toBe('gcj02');
    const right = await run(await sample('stations.csv'), { layer: 'stations', mode: 'replace', crs: 'gcj02' });
    expect(right.crsCheck?.suggestion).toBeNull();
  });

  it('numbers grids that have no code after the codes in use, west to east and north to south (CJ/T 349-2010)', async () => {
    await seedSquare();
    // A 2 × 2 tiling of 测试社区; the north-east cell keeps the code it is given (…001).
    const cells = [
      [106.6, 26.6, 106.605, 26.605, 'SW'],
      [106.605, 26.605, 106.61, 26.61, 'NE'],
      [106.605, 26.6, 106.61, 26.605, 'SE'],
      [106.6, 26.605, 106.605, 26.61, 'NW'],
    ] as const;
    const report = await run(
      collection(
        cells.map(([a, b, c, d, name]) =>
          grid(rectangle(a, b, c, d), { name, ...(name === 'NE' ? { code: '520198001001001' } : {}) }),
        ),
      ),
      { layer: 'grids' },
    );
    expect(report.problems).toEqual([]);
    const { rows } = await sql<{ code: string; name: string }>`SELECT code, name FROM grid ORDER BY code`.execute(db());
    expect(rows.map((r) => `${r.code.slice(12)} ${r.name}`)).toEqual(['001 NE', '002 NW', '003 SW', '004 SE']);
  });
});

describe('a refused import', () => {
  it('lists every problem, naming the file and the feature, and writes nothing', async () => {
    await seedSquare();
    const before = await tableState();
    const sliver: Geometry = {
      type: 'MultiPolygon',
      coordinates: [
        rectangle(106.6, 26.606, 106.602, 26.608).coordinates,
        rectangle(106.603, 26.606, 106.6032, 26.60601).coordinates,
      ],
    };
    const file = collection([
      grid(rectangle(106.6, 26.6, 106.604, 26.604), { name: '好网格' }),
      grid(
        {
          type: 'Polygon',
          coordinates: [
            [
              [106.604, 26.6],
              [106.605, 'x' as unknown as number],
            ],
          ],
        },
        { name: '坏坐标' },
      ),
      grid(rectangle(106.603, 26.6, 106.606, 26.603), { name: '重叠网格' }),
      grid(rectangle(106.607, 26.6, 106.6102, 26.602), { name: '出界网格', code: '520198001001009' }),
      grid(sliver, { name: '碎片网格' }),
      grid(rectangle(106.7, 26.7, 106.701, 26.701), { name: '无主网格' }),
      grid(
        {
          type: 'Polygon',
          coordinates: [
            [
              [106.606, 26.606],
              [106.608, 26.608],
              [106.608, 26.606],
              [106.606, 26.608],
              [106.606, 26.606],
            ],
          ],
        },
        { name: '蝴蝶网格' },
      ),
    ]);
    const error = await run(file, { layer: 'grids', fileName: 'bad.geojson' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    const { report } = error as ImportRefused;
    expect(report.problems.map((p) => [p.number, p.label, p.rule])).toEqual([
      [2, '坏坐标', 'unreadable'],
      [3, '重叠网格', 'no_overlap'],
      [4, '出界网格, 520198001001009', 'inside_parent'],
      [5, '碎片网格', 'no_sliver'],
      [6, '无主网格', 'no_parent'],
      [7, '蝴蝶网格', 'valid_geometry'],
    ]);
    // 重叠网格 overlaps 好网格 by 0.001° × 0.003°; 出界网格 sticks out by 0.0002° × 0.002° (sphere oracle, 0.5 %).
    const overlap_m2 = geodesicAreaM2(rectangle(106.603, 26.6, 106.604, 26.603));
    const outside_m2 = geodesicAreaM2(rectangle(106.61, 26.6, 106.6102, 26.602));
    const number = (message: string) => Number(/([0-9.]+) m²/.exec(message)![1]);
    expect(number(report.problems[1]!.message) / overlap_m2).toBeCloseTo(1, 2);
    expect(report.problems[1]!.message).toMatch(/overlaps feature 1 \(好网格\)/);
    // The 1 m tolerance is subtracted before measuring: the part beyond the buffered community.
    expect(number(report.problems[2]!.message)).toBeLessThan(outside_m2);
    expect(number(report.problems[2]!.message)).toBeGreaterThan(outside_m2 * 0.9);
    expect(report.problems[3]!.message).toMatch(/1 part of the grid is a sliver/);
    expect(error instanceof Error && error.message).toBe('bad.geojson: 6 problems; nothing was written');
    expect(await tableState()).toEqual(before);
  });

  it('with --fix clip, goes in clipped to the community and to the grids before it', async () => {
    await seedSquare();
    const report = await run(
      collection([
        grid(rectangle(106.6, 26.6, 106.604, 26.604), { name: '好网格' }),
        grid(rectangle(106.603, 26.6, 106.606, 26.603), { name: '重叠网格' }),
        grid(rectangle(106.607, 26.6, 106.6102, 26.602), { name: '出界网格' }),
      ]),
      { layer: 'grids', fixClip: true },
    );
    expect(report.problems).toEqual([]);
    expect(report.notes).toContain(
      '--fix clip: 1 grid clipped to their community, 1 grid clipped to the grids before them',
    );
    const { rows } = await sql<{ name: string; area_m2: number }>`
      SELECT name, ST_Area(geom::geography) AS area_m2 FROM grid ORDER BY code`.execute(db());
    const areas = Object.fromEntries(rows.map((r) => [r.name, r.area_m2]));
    expect(areas['重叠网格']! / geodesicAreaM2(rectangle(106.604, 26.6, 106.606, 26.603))).toBeCloseTo(1, 3);
    expect(areas['出界网格']! / geodesicAreaM2(rectangle(106.607, 26.6, 106.61, 26.602))).toBeCloseTo(1, 3);
    expect(areas['好网格']! / geodesicAreaM2(rectangle(106.6, 26.6, 106.604, 26.604))).toBeCloseTo(1, 3);
  });

  it('refuses to touch rows already there without --replace or --append', async () => {
    const before = await tableState();
    const again = collection([grid(rectangle(106.6, 26.6, 106.601, 26.601), { name: 'x' })]);
    const error = (await run(again, { layer: 'grids' }).catch((e: unknown) => e)) as ImportRefused;
    expect(error.report.refusals).toEqual([
      'the database already holds 3 grids in the communities this file covers; pass --replace to replace them (their zones move to the new grids), or --append to keep them and add these',
    ]);
    // --append checks against them: this one overlaps 好网格.
    const appended = (await run(again, { layer: 'grids', mode: 'append' }).catch((e: unknown) => e)) as ImportRefused;
    expect(appended.report.problems[0]!.message).toMatch(/overlaps grid 520198001001001 already in the database/);
    expect(await tableState()).toEqual(before);
  });
});

describe('--replace', () => {
  it("replaces a community's grids as one change; zones move to the new grids; a restore brings a replaced grid back", async () => {
    await seedSquare();
    const west = rectangle(106.6, 26.6, 106.605, 26.61);
    const east = rectangle(106.605, 26.6, 106.61, 26.61);
    await run(collection([grid(west, { name: '西' }), grid(east, { name: '东' })]), { layer: 'grids' });
    await run(
      collection([
        grid(rectangle(106.601, 26.601, 106.602, 26.602), { name: '西区', grid: '520198001001001' }),
        grid(rectangle(106.606, 26.601, 106.607, 26.602), { name: '东区', grid: '520198001001002' }),
      ]),
      { layer: 'zones' },
    );
    const { rows: old } = await sql<{ id: string; name: string }>`SELECT id, name FROM grid ORDER BY code`.execute(
      db(),
    );
    const replaced = await run(collection([grid(west, { name: '新西' })]), { layer: 'grids', mode: 'replace' });
    expect(replaced.written).toEqual({ inserted: 1, updated: 0, deleted: 2, zonesMoved: 2 });
    expect(replaced.notes).toContain(
      '2 zones of the replaced grids moved to the new grids; 1 lie in none and now belong to no grid',
    );
    const { rows: zones } = await sql<{ name: string; grid: string | null; version: number }>`
      SELECT z.name, g.name AS grid, z.version FROM zone z LEFT JOIN grid g ON g.id = z.grid_id ORDER BY z.name`.execute(
      db(),
    );
    expect(zones).toEqual([
      { name: '东区', grid: null, version: 2 },
      { name: '西区', grid: '新西', version: 2 },
    ]);
    const { rows: change } = await sql<{ table_name: string; action: string; deleted: boolean; n: number }>`
      SELECT table_name, action, after IS NULL AS deleted, count(*)::int AS n FROM edit_history
      WHERE change_id = ${replaced.changeId}::uuid GROUP BY 1, 2, 3 ORDER BY 1, 3`.execute(db());
    expect(change).toEqual([
      { table_name: 'grid', action: 'import', deleted: false, n: 1 },
      { table_name: 'grid', action: 'import', deleted: true, n: 2 },
      { table_name: 'zone', action: 'import', deleted: false, n: 2 },
    ]);
    // The east grid's space is free again: a restore of its imported version brings it back, with its zone.
    const eastId = old.find((g) => g.name === '东')!.id;
    const restored = await gridEditsService(db()).grids.restore(admin(), eastId, 1, 1);
    expect(restored.properties).toMatchObject({ id: eastId, name: '东', version: 2 });
    const { rows: back } = await sql<{ grid: string | null }>`
      SELECT g.name AS grid FROM zone z LEFT JOIN grid g ON g.id = z.grid_id WHERE z.name = '东区'`.execute(db());
    expect(back[0]!.grid).toBe('东');
  });
});

/** A file's features as the importer reads them, for comparing two exports. */
function features(file: { body: Buffer; fileName: string }) {
  return parseImportBytes(file.body, file.fileName).features;
}

/**
 * Two exports hold the same features: the same attributes, and every vertex of each within 0.01 m
 * (GeographicLib) of a vertex of the other, both ways, with the same number of vertices.
 */
function expectSameFeatures(a: ReturnType<typeof features>, b: ReturnType<typeof features>, label: string) {
  expect(b.length, label).toBe(a.length);
  expect(a.length, label).toBeGreaterThan(0);
  const vertices = (g: Geometry | null): Position[] =>
    !g
      ? []
      : g.type === 'Point'
        ? [g.coordinates]
        : g.type === 'Polygon'
          ? g.coordinates.flat()
          : g.type === 'MultiPolygon'
            ? g.coordinates.flat(2)
            : g.type === 'LineString'
              ? g.coordinates
              : [];
  let worst = 0;
  for (const [i, f] of a.entries()) {
    expect(b[i]!.properties, `${label} #${i + 1}`).toEqual(f.properties);
    const va = vertices(f.geometry);
    const vb = vertices(b[i]!.geometry);
    expect(vb.length, `${label} #${i + 1}`).toBe(va.length);
    for (const [x, y] of [
      [va, vb],
      [vb, va],
    ] as const) {
      // Vertex k against vertex k first (the writers keep the order); the nearest one only if that is off.
      x.forEach((p, k) => {
        const direct = geodesicDistanceM(p, y[k]!);
        worst = Math.max(worst, direct < 0.01 ? direct : Math.min(...y.map((q) => geodesicDistanceM(p, q))));
      });
    }
  }
  expect(worst, label).toBeLessThan(0.01);
}

describe('the round trip', () => {
  it('export, import into an empty database, export again: the same features, in every format and system', async () => {
    await resetData(ctx.database);
    for (const layer of ['regions', 'grids', 'zones', 'stations'] as const) {
      await run(await sample(`gcj02/${layer}.geojson`), { layer, crs: 'gcj02' });
    }
    const demand =
      'kind,weight,lng,lat\nhousehold,120,106.676,26.620\nworker,3.5,106.671,26.627\nhousehold,0.25,106.672,26.625\n';
    await run(parseImportBytes(Buffer.from(demand), 'demand.csv'), { layer: 'demand' });

    const service = exportService(db());
    const plan = [
      ['regions', 'geojson', 'wgs84'],
      ['regions', 'kml', 'gcj02'],
      ['grids', 'shp', 'gcj02'],
      ['grids', 'csv', 'wgs84'],
      ['grids', 'geojson', 'bd09'],
      ['zones', 'kml', 'bd09'],
      ['zones', 'shp', 'wgs84'],
      ['stations', 'csv', 'gcj02'],
      ['stations', 'shp', 'bd09'],
      ['demand', 'geojson', 'gcj02'],
    ] as const;
    const first = new Map<string, Awaited<ReturnType<typeof service.exportLayer>>>();
    for (const [layer, format, crs] of plan)
      first.set(`${layer} ${format} ${crs}`, await service.exportLayer(admin(), layer, { format, crs }));

    // Each layer comes back from one of its exports, into an empty database, in dependency order.
    const loadFrom = {
      regions: 'regions kml gcj02',
      grids: 'grids shp gcj02',
      zones: 'zones kml bd09',
      stations: 'stations csv gcj02',
      demand: 'demand geojson gcj02',
    } as const;
    await resetData(ctx.database);
    for (const [layer, key] of Object.entries(loadFrom)) {
      const file = first.get(key)!;
      const report = await run(parseImportBytes(file.body, file.fileName), {
        layer: layer as 'grids',
        fileName: file.fileName,
        crs: key.split(' ')[2] as 'gcj02',
      });
      expect(report.problems, key).toEqual([]);
    }
    for (const [layer, format, crs] of plan) {
      const key = `${layer} ${format} ${crs}`;
      const again = await service.exportLayer(admin(), layer, { format, crs });
      expectSameFeatures(features(first.get(key)!), features(again), key);
    }
    // WGS84 GeoJSON comes back byte for byte.
    const a = await service.exportLayer(admin(), 'regions', { format: 'geojson', crs: 'wgs84' });
    expect(a.body.equals(first.get('regions geojson wgs84')!.body)).toBe(true);
  });
});

describe('exports and personal data', () => {
  it('leave grid workers out for a caller who may not see them, and keep them for staff', async () => {
    const { rows } = await sql<{ worker_name: string; worker_phone: string }>`
      SELECT worker_name, worker_phone FROM grid WHERE worker_name IS NOT NULL ORDER BY code LIMIT 1`.execute(db());
    const { worker_name, worker_phone } = rows[0]!;
    const service = exportService(db());
    for (const format of ['csv', 'geojson', 'kml', 'shp'] as const) {
      const open = await service.exportLayer(ANONYMOUS, 'grids', { format, crs: 'wgs84' });
      expect(open.personalData, format).toBe(false);
      const parsed = features(open);
      expect(parsed[0]!.properties, format).not.toHaveProperty('worker');
      expect(parsed[0]!.properties, format).not.toHaveProperty('phone');
      expect(JSON.stringify(parsed), format).not.toContain(worker_name);
      expect(open.body.includes(Buffer.from(worker_phone)), format).toBe(false);
      const staff = await service.exportLayer(admin(), 'grids', { format, crs: 'wgs84' });
      expect(JSON.stringify(features(staff)), format).toContain(worker_name);
    }
    const csv = (await service.exportLayer(ANONYMOUS, 'grids', { format: 'csv', crs: 'wgs84' })).body.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFcode,name,community,comm_name,kind,area_m2,households,population,zones,wkt',
    );
  });

  it('GET /api/export/:layer: signed in only, the file as an attachment, personal data by role and setting', async () => {
    await request(ctx.app).get('/api/export/grids').expect(401);
    const res = await request(ctx.app)
      .get('/api/export/grids?format=csv&crs=gcj02')
      .set(bearer(accounts.official))
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="grids.gcj02.csv"; filename*=UTF-8''grids.gcj02.csv`,
    );
    expect(res.headers['x-export-personal-data']).toBe('included');
    expect(res.text.split('\r\n')[0]).toContain(',worker,phone,');
    const hidden = createApp({
      database: ctx.database,
      config: { basemapStyleUrl: undefined, hidePersonalData: true },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
    const strict = await request(hidden)
      .get('/api/export/grids?format=geojson')
      .set(bearer(accounts.admin))
      .expect(200);
    expect(strict.headers['x-export-personal-data']).toBe('left out');
    expect(JSON.parse(strict.text).features[0].properties).not.toHaveProperty('worker');
    const bad = await request(ctx.app).get('/api/export/grids?format=dwg').set(bearer(accounts.official)).expect(400);
    expect(bad.body.error.message).toMatch(/format.*must be one of geojson, csv, shp, kml/);
    await request(ctx.app).get('/api/export/people').set(bearer(accounts.official)).expect(400);
  });
});

const exec = promisify(execFile);
describe('the command line', () => {
  const url = inject('apiDatabaseUrl');
  it.skipIf(!url)(
    'exits 1 with the problems for a refused file, 0 with a summary for a good one, and exports',
    async () => {
      await seedSquare();
      const dir = mkdtempSync(join(tmpdir(), 'wangge-import-'));
      const bad = join(dir, 'bad.geojson');
      writeFileSync(
        bad,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [grid(rectangle(106.7, 26.7, 106.701, 26.701), { name: '无主网格' })],
        }),
      );
      const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
      const tsx = join(ROOT, 'node_modules/.bin/tsx');
      const refused = await exec(tsx, ['scripts/import.ts', 'grids', bad], { cwd: ROOT, env }).catch(
        (e: { code: number; stdout: string }) => e,
      );
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stdout: string }).stdout).toContain(
        'bad.geojson: feature 1 (无主网格): no_parent: the grid lies in no community',
      );
      const good = join(dir, 'good.geojson');
      writeFileSync(
        good,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [grid(rectangle(106.6, 26.6, 106.61, 26.61), { 名称: '整社区网格', 户数: 12 })],
        }),
      );
      const ok = await exec(tsx, ['scripts/import.ts', 'grids', good], { cwd: ROOT, env });
      expect(ok.stdout).toContain('fields used:  name ← 名称, households ← 户数');
      expect(ok.stdout).toMatch(/written\s+1 inserted/);
      const out = join(dir, 'grids.csv');
      const exported = await exec(tsx, ['scripts/export.ts', 'grids', '--out', out, '--role', 'public'], {
        cwd: ROOT,
        env,
      });
      expect(exported.stderr).toContain("grid workers' names and phones left out");
      expect(readFileSync(out, 'utf8')).toContain('520198001001001,整社区网格,520198001001,测试社区,basic,');
    },
  );
});
