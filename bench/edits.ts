/**
 * `npm run bench:edits`: the grid editor's server side at the sizes (issue 7), on PostgreSQL.
 *
 * On a scratch database next to DATABASE_URL (skipped without it; dropped at the end): the demo city,
 * plus a synthetic community of 10 × 5 grids of 100 m × 100 m whose every edge is a shared wiggly
 * polyline of 125 segments, so each grid has 500 vertices and its four neighbours share them exactly.
 * Then, over HTTP on a listening app (JSON, auth, gzip included), as a planner scoped to that community:
 * a. saves: PATCH /api/grids/:id { version, geometry } of the middle grid, each moving one vertex
 *    0.5 m inwards (a planner's drag), all the save checks included (validity, inside the community,
 *    overlaps with its 8 touching siblings, slivers, zones); 5 warm-ups, then EDITS_BENCH_SAVES (100)
 *    timed. Target: p95 ≤ 150 ms.
 * b. GET /api/regions/:id/topology of the demo city's largest community (the most grids), and of the
 *    synthetic one, EDITS_BENCH_RUNS (30) each. Target: ≤ 300 ms.
 * Prints p50 / p95 / max and the load average before and after (the machine may be shared).
 */
import { cpus, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Polygon, Position } from 'geojson';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ensureDemoCity } from '../data/src/ensure';
import { createApp, createServices } from '../server/src/app';
import { readDemoCity } from '../server/src/bootstrap';
import type { TopologyResponse } from '../server/src/contracts';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { insertGrids, insertRegions } from '../server/src/queries/dataset.queries';
import { loadDemoCity } from '../server/src/services/demo-data.service';
import { bearer, seedAccounts } from '../tests/support/accounts';
import { createScratchDatabase } from '../tests/support/postgres';
import { mulberry32 } from '../tests/support/random';

const SAVES = Number(process.env.EDITS_BENCH_SAVES ?? 100);
const RUNS = Number(process.env.EDITS_BENCH_RUNS ?? 30);
const WARM_UPS = 5;
const NX = 10;
const NY = 5;
const CELL_M = 100;
/** Segments per lattice edge: 4 × 125 = 500 vertices per grid. */
const SEGMENTS = 125;
const WIGGLE_M = 3;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `p50 ${ms(quantile(sorted, 0.5))}, p95 ${ms(quantile(sorted, 0.95))}, max ${ms(sorted.at(-1)!)} (${sorted.length} runs)`;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

/** A local metre frame far from the demo city, converted at 7 decimals (what a client sends back). */
const ORIGIN = { lng: 106.4, lat: 26.4 };
const M_PER_DEG_LAT = 110_760;
const M_PER_DEG_LNG = 111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180);
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
const at = (x: number, y: number): Position => [
  round7(ORIGIN.lng + x / M_PER_DEG_LNG),
  round7(ORIGIN.lat + y / M_PER_DEG_LAT),
];

/**
 * The lattice's edges as polylines in metres: each bends sideways by a seeded sine of up to 3 m that
 * vanishes at both ends (slope under 0.6, so edges meeting at a node never cross).
 */
function lattice() {
  const random = mulberry32(7);
  const edge = (x0: number, y0: number, x1: number, y1: number): [number, number][] => {
    const periods = 1 + Math.floor(random() * 3);
    const amplitude = WIGGLE_M * (0.3 + 0.7 * random()) * (random() < 0.5 ? -1 : 1);
    const [dx, dy] = [(x1 - x0) / CELL_M, (y1 - y0) / CELL_M];
    return Array.from({ length: SEGMENTS + 1 }, (_, k) => {
      const t = k / SEGMENTS;
      const side = amplitude * Math.sin(Math.PI * periods * t);
      return [x0 + (x1 - x0) * t - dy * side, y0 + (y1 - y0) * t + dx * side];
    });
  };
  const horizontal = new Map<string, [number, number][]>();
  const vertical = new Map<string, [number, number][]>();
  for (let j = 0; j <= NY; j++)
    for (let i = 0; i < NX; i++)
      horizontal.set(`${i},${j}`, edge(i * CELL_M, j * CELL_M, (i + 1) * CELL_M, j * CELL_M));
  for (let i = 0; i <= NX; i++)
    for (let j = 0; j < NY; j++) vertical.set(`${i},${j}`, edge(i * CELL_M, j * CELL_M, i * CELL_M, (j + 1) * CELL_M));
  /** Cell (i, j)'s ring in metres, counter-clockwise, 500 vertices and the closing one. */
  const cell = (i: number, j: number): [number, number][] => {
    const bottom = horizontal.get(`${i},${j}`)!;
    const right = vertical.get(`${i + 1},${j}`)!;
    const top = [...horizontal.get(`${i},${j + 1}`)!].reverse();
    const left = [...vertical.get(`${i},${j}`)!].reverse();
    return [...bottom.slice(0, -1), ...right.slice(0, -1), ...top.slice(0, -1), ...left];
  };
  /** The community's outline: the outer edges, counter-clockwise. */
  const outline: [number, number][] = [];
  for (let i = 0; i < NX; i++) outline.push(...horizontal.get(`${i},0`)!.slice(0, -1));
  for (let j = 0; j < NY; j++) outline.push(...vertical.get(`${NX},${j}`)!.slice(0, -1));
  for (let i = NX - 1; i >= 0; i--) outline.push(...[...horizontal.get(`${i},${NY}`)!].reverse().slice(0, -1));
  for (let j = NY - 1; j >= 0; j--) outline.push(...[...vertical.get(`0,${j}`)!].reverse().slice(0, -1));
  outline.push(outline[0]!);
  return { cell, outline };
}

const polygon = (ring: [number, number][]): Polygon => ({
  type: 'Polygon',
  coordinates: [ring.map(([x, y]) => at(x, y))],
});

if (!process.env.DATABASE_URL) {
  console.log('bench:edits skipped: set DATABASE_URL to a PostgreSQL server where the role may create databases');
  process.exit(0);
}
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load ${load()}`);
const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'wangge_edits_bench');
const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
let server: ReturnType<ReturnType<typeof createApp>['listen']> | undefined;
const services = createServices(database);
try {
  await migrateToLatest(database.db);
  await loadDemoCity(database.db, await readDemoCity(await ensureDemoCity()));
  const { rows: versions } = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(database.db);

  // The synthetic community, in a subdistrict of its own under the demo district.
  const district = await database.db
    .selectFrom('region')
    .select(['id', 'code'])
    .where('level', '=', 'district')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const { cell, outline } = lattice();
  const [subdistrict] = await insertRegions(database.db, [
    {
      parentId: district.id,
      level: 'subdistrict',
      code: `${district.code}999`,
      name: '基准街道',
      geojson: JSON.stringify(polygon(outline)),
    },
  ]).execute();
  const [community] = await insertRegions(database.db, [
    {
      parentId: subdistrict!.id,
      level: 'community',
      code: `${district.code}999001`,
      name: '基准社区',
      geojson: JSON.stringify(polygon(outline)),
    },
  ]).execute();
  const rows = [];
  for (let j = 0; j < NY; j++)
    for (let i = 0; i < NX; i++)
      rows.push({
        communityId: community!.id,
        code: `${community!.code}${String(j * NX + i + 1).padStart(3, '0')}`,
        name: `基准网格${j * NX + i + 1}`,
        kind: 'basic',
        households: 300,
        population: 800,
        workerName: null,
        workerPhone: null,
        geojson: JSON.stringify(polygon(cell(i, j))),
      });
  const grids = await insertGrids(database.db, rows).execute();
  await sql`ANALYZE`.execute(database.db);
  const middle = { i: 4, j: 2 };
  const target = grids[middle.j * NX + middle.i]!;
  const ring = cell(middle.i, middle.j);
  const accounts = await seedAccounts(database, [community!.id]);

  const app = createApp({
    database,
    config: { basemapStyleUrl: undefined },
    logger: pino({ level: 'silent' }),
    services,
    webDist: null,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const headers = { ...bearer(accounts.planner), 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' };
  // The demo community is outside the planner's scope; an admin reads both.
  const adminHeaders = { ...bearer(accounts.admin), 'Accept-Encoding': 'gzip' };

  const { rows: sizes } = await sql<{ grids: number; vertices: number; community_vertices: number }>`
    SELECT count(*)::int AS grids, (SELECT ST_NPoints(geom) FROM grid WHERE id = ${target.id}::uuid) AS vertices,
      (SELECT ST_NPoints(geom) FROM region WHERE id = ${community!.id}::int) AS community_vertices
    FROM grid WHERE community_id = ${community!.id}::int`.execute(database.db);
  console.log(
    `PostGIS ${versions[0]!.v}; synthetic community ${community!.code}: ${sizes[0]!.grids} grids, the saved one with ${sizes[0]!.vertices} vertices (ring closed), outline ${sizes[0]!.community_vertices}`,
  );

  // a. Saves. Vertex k moves 0.5 m towards the cell's centre; vertices near the corners stay put.
  const centre = [(middle.i + 0.5) * CELL_M, (middle.j + 0.5) * CELL_M] as const;
  const moved = (k: number): Polygon => {
    const copy = ring.map(([x, y]) => [x, y] as [number, number]);
    const [x, y] = copy[k]!;
    const length = Math.hypot(centre[0] - x, centre[1] - y);
    copy[k] = [x + ((centre[0] - x) / length) * 0.5, y + ((centre[1] - y) / length) * 0.5];
    return polygon(copy);
  };
  const random = mulberry32(11);
  let version = 1;
  const saves: number[] = [];
  for (let n = 0; n < WARM_UPS + SAVES; n++) {
    const side = Math.floor(random() * 4);
    const k = side * SEGMENTS + 5 + Math.floor(random() * (SEGMENTS - 10));
    const body = JSON.stringify({ version, geometry: moved(k) });
    const started = performance.now();
    const res = await fetch(`${base}/grids/${target.id}`, { method: 'PATCH', headers, body });
    const answer = (await res.json()) as { properties?: { version: number }; error?: unknown };
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`save ${n}: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
    version = answer.properties!.version;
    if (n >= WARM_UPS) saves.push(ms);
  }
  console.log(
    `a. PATCH /api/grids/:id geometry, 500 vertices, 50-grid community, checks included: ${spread(saves)} (target p95 ≤ 150 ms); load ${load()}`,
  );

  // b. The whole-community check.
  const { rows: largest } = await sql<{ id: number; name: string; grids: number; zones: number }>`
    SELECT r.id, r.name, (SELECT count(*) FROM grid g WHERE g.community_id = r.id)::int AS grids,
      (SELECT count(*) FROM zone z WHERE z.community_id = r.id)::int AS zones
    FROM region r WHERE r.level = 'community' AND r.id <> ${community!.id}::int
    ORDER BY grids DESC, ST_Area(r.geom::geography) DESC LIMIT 1`.execute(database.db);
  for (const [label, id] of [
    [
      `demo city's largest community ${largest[0]!.name} (${largest[0]!.grids} grids, ${largest[0]!.zones} zones)`,
      largest[0]!.id,
    ],
    ['the synthetic community (50 grids of 500 vertices)', community!.id],
  ] as const) {
    const times: number[] = [];
    let last: TopologyResponse | undefined;
    for (let n = 0; n < WARM_UPS + RUNS; n++) {
      const started = performance.now();
      const res = await fetch(`${base}/regions/${id}/topology`, { headers: adminHeaders });
      const answer = (await res.json()) as TopologyResponse;
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`topology: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
      last = answer;
      if (n >= WARM_UPS) times.push(ms);
    }
    const s = last!.summary;
    console.log(
      `b. GET /api/regions/:id/topology, ${label}: ${spread(times)} (target ≤ 300 ms); ${s.gaps} gaps (${s.gapArea_m2} m², ${s.gapResidents} residents), ${s.overlaps} overlaps, ${s.slivers} slivers, ${s.zonesOutsideGrid} zones and ${s.gridsOutsideCommunity} grids outside; load ${load()}`,
    );
  }
} finally {
  server?.close();
  await services.routing.close();
  await database.close();
  await scratch.drop();
}
