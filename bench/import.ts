/**
 * `npm run bench:import`: 10,000 grids from a zipped Shapefile into PostgreSQL, checks included
 * (issue 8). Target: at most 30 s.
 *
 * On a scratch database next to DATABASE_URL (skipped without it; dropped at the end): one district,
 * one subdistrict and 20 communities of 25 × 20 grids of 150 m × 150 m each (a CJ/T 349-2010 code has
 * a 3-digit sequence, so a community holds at most 999 grids). Every edge inside a community is a
 * shared wiggly polyline of 12 segments (48 vertices a grid), the community boundaries are straight.
 * Half of the grids carry their code, half none (those get the next codes, numbered west to east and
 * north to south); none names its community (every one is found by code or by containment). The
 * Shapefile's .dbf is GBK with a .cpg, as Chinese files often are.
 *
 * Timed: reading the zip (shpjs), then the import: staging, the coordinate check, parents, codes, the
 * planner's rules (validity, inside the community to 1 m, overlaps, slivers), the insert with one
 * history row per grid; then the same file again with --replace (10,000 deletes with history too).
 */
import { loadavg } from 'node:os';
import type { Polygon, Position } from 'geojson';
import iconv from 'iconv-lite';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { zipShapefile } from '../server/src/export/write-shapefile';
import { importParsed } from '../server/src/import/import';
import { parseShapefileZip } from '../server/src/import/parse-shapefile';
import { insertRegions } from '../server/src/queries/dataset.queries';
import { createScratchDatabase } from '../tests/support/postgres';
import { mulberry32 } from '../tests/support/random';

const COMMUNITIES_X = 5;
const COMMUNITIES_Y = 4;
const CELLS_X = 25;
const CELLS_Y = 20;
const CELL_M = 150;
const SEGMENTS = 12;
const WIGGLE_M = 3;
const TARGET_S = 30;

const ORIGIN = { lng: 106.4, lat: 26.4 };
const M_PER_DEG_LAT = 110_760;
const M_PER_DEG_LNG = 111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180);
const round8 = (v: number) => Math.round(v * 1e8) / 1e8;
const at = (x: number, y: number): Position => [
  round8(ORIGIN.lng + x / M_PER_DEG_LNG),
  round8(ORIGIN.lat + y / M_PER_DEG_LAT),
];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

const NX = COMMUNITIES_X * CELLS_X;
const NY = COMMUNITIES_Y * CELLS_Y;

/** The lattice's edges in metres; an edge on a community boundary stays straight. */
function lattice() {
  const random = mulberry32(8);
  const edge = (x0: number, y0: number, x1: number, y1: number, straight: boolean): [number, number][] => {
    const periods = 1 + Math.floor(random() * 3);
    const amplitude = straight ? 0 : WIGGLE_M * (0.3 + 0.7 * random()) * (random() < 0.5 ? -1 : 1);
    const [dx, dy] = [(x1 - x0) / CELL_M, (y1 - y0) / CELL_M];
    return Array.from({ length: SEGMENTS + 1 }, (_, k) => {
      const t = k / SEGMENTS;
      const side = amplitude * Math.sin(Math.PI * periods * t);
      return [x0 + (x1 - x0) * t - dy * side, y0 + (y1 - y0) * t + dx * side];
    });
  };
  // horizontal[j][i]: from (i, j) to (i + 1, j); vertical[i][j]: from (i, j) to (i, j + 1).
  const horizontal = Array.from({ length: NY + 1 }, (_, j) =>
    Array.from({ length: NX }, (_, i) => edge(i * CELL_M, j * CELL_M, (i + 1) * CELL_M, j * CELL_M, j % CELLS_Y === 0)),
  );
  const vertical = Array.from({ length: NX + 1 }, (_, i) =>
    Array.from({ length: NY }, (_, j) => edge(i * CELL_M, j * CELL_M, i * CELL_M, (j + 1) * CELL_M, i % CELLS_X === 0)),
  );
  return (i: number, j: number): Polygon => {
    const south = horizontal[j]![i]!;
    const east = vertical[i + 1]![j]!;
    const north = [...horizontal[j + 1]![i]!].reverse();
    const west = [...vertical[i]![j]!].reverse();
    const ring = [...south, ...east.slice(1), ...north.slice(1), ...west.slice(1)].map(([x, y]) => at(x, y));
    return { type: 'Polygon', coordinates: [ring] };
  };
}

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]],
});

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.log('bench:import needs DATABASE_URL (PostgreSQL); skipped.');
    return;
  }
  const scratch = await createScratchDatabase(adminUrl, 'wangge_bench_import');
  const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '', statementTimeoutMs: 600_000 });
  try {
    await migrateToLatest(database.db);
    const district = (
      await insertRegions(database.db, [
        {
          parentId: null,
          level: 'district',
          code: '520198',
          name: '基准区',
          geojson: JSON.stringify(rect(0, 0, NX * CELL_M, NY * CELL_M)),
        },
      ]).execute()
    )[0]!.id;
    const subdistrict = (
      await insertRegions(database.db, [
        {
          parentId: district,
          level: 'subdistrict',
          code: '520198001',
          name: '基准街道',
          geojson: JSON.stringify(rect(0, 0, NX * CELL_M, NY * CELL_M)),
        },
      ]).execute()
    )[0]!.id;
    const communityCode = (cx: number, cy: number) =>
      `520198001${String(1 + cy * COMMUNITIES_X + cx).padStart(3, '0')}`;
    const communities = [];
    for (let cy = 0; cy < COMMUNITIES_Y; cy++) {
      for (let cx = 0; cx < COMMUNITIES_X; cx++) {
        communities.push({
          parentId: subdistrict,
          level: 'community',
          code: communityCode(cx, cy),
          name: `基准第${1 + cy * COMMUNITIES_X + cx}社区`,
          geojson: JSON.stringify(
            rect(
              cx * CELLS_X * CELL_M,
              cy * CELLS_Y * CELL_M,
              (cx + 1) * CELLS_X * CELL_M,
              (cy + 1) * CELLS_Y * CELL_M,
            ),
          ),
        });
      }
    }
    await insertRegions(database.db, communities).execute();

    const cell = lattice();
    const random = mulberry32(9);
    const records = [];
    for (let j = 0; j < NY; j++) {
      for (let i = 0; i < NX; i++) {
        const [cx, cy] = [Math.floor(i / CELLS_X), Math.floor(j / CELLS_Y)];
        const sequence = 1 + (j % CELLS_Y) * CELLS_X + (i % CELLS_X);
        const coded = (i + j) % 2 === 0;
        records.push({
          geometry: cell(i, j),
          properties: {
            网格编码: coded ? `${communityCode(cx, cy)}${String(sequence).padStart(3, '0')}` : null,
            网格名称: `基准网格${i}-${j}`,
            户数: 150 + Math.floor(random() * 400),
            人口: 400 + Math.floor(random() * 1000),
            网格员: `网格员${(i * NY + j) % 997}`,
            电话: `138${String(10_000_000 + i * NY + j).slice(-8)}`,
          },
        });
      }
    }
    const { zip } = zipShapefile(
      'grids',
      [
        { name: '网格编码', type: 'text' },
        { name: '网格名称', type: 'text' },
        { name: '户数', type: 'int' },
        { name: '人口', type: 'int' },
        { name: '网格员', type: 'text' },
        { name: '电话', type: 'text' },
      ],
      records,
      { encode: (t) => iconv.encode(t, 'gbk'), cpg: 'GBK', ldid: 0x4d },
    );
    console.log(
      `bench:import: ${records.length} grids (${records[0]!.geometry.coordinates[0]!.length} vertices each) in ${communities.length} communities; zipped Shapefile ${(zip.length / 1e6).toFixed(1)} MB (GBK .dbf); load ${load()}`,
    );

    for (const mode of [undefined, 'replace'] as const) {
      const started = performance.now();
      const parsed = parseShapefileZip(zip);
      const read_ms = performance.now() - started;
      const report = await importParsed(database.db, parsed, {
        layer: 'grids',
        fileName: 'grids.zip',
        ...(mode ? { mode } : {}),
      });
      const total_s = (performance.now() - started) / 1000;
      if (report.problems.length)
        throw new Error(
          `unexpected problems: ${report.problems
            .slice(0, 3)
            .map((p) => p.message)
            .join('; ')}`,
        );
      const phases = Object.entries(report.timings_ms)
        .filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
        .join(', ');
      console.log(
        `  ${mode ? '--replace' : 'into an empty layer'}: ${total_s.toFixed(1)} s (target ≤ ${TARGET_S} s: ${total_s <= TARGET_S ? 'met' : 'MISSED'}); ` +
          `zip read ${(read_ms / 1000).toFixed(2)} s, ${phases}; ${report.written.inserted} inserted, ${report.written.deleted} replaced`,
      );
    }
    console.log(`  load after: ${load()}`);
  } finally {
    await database.close();
    await scratch.drop();
  }
}

await main();
