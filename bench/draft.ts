/**
 * `npm run bench:draft`: drafting balanced grids (issue 8, POST /api/regions/:id/draft-grids), on
 * PostgreSQL. On a scratch database next to DATABASE_URL (skipped without it; dropped at the end):
 * a. the demo city's largest community by households, into as many grids as it has today;
 * b. a synthetic community (tests/support/synthetic-community.ts): a 2 km square with a street
 *    lattice every 150 m and 5,000 households in buildings of 1–12, into 15 grids.
 * Each is drafted DRAFT_BENCH_RUNS (3) times through the service (the draft is the same every time;
 * the time varies). Printed: the time (p50 and max), the largest-to-smallest ratio of households,
 * the worst and mean Polsby-Popper score, contiguity (every grid a single polygon, checked again
 * here on the GeoJSON), the tiling (grids' union against the community, largest pairwise overlap,
 * measured in PostGIS here), the cuts made, and plain k-means of the demand points (Lloyd's, same k):
 * the ratio it reaches, the floor to beat.
 */
import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import { ensureDemoCity } from '../data/src/ensure';
import { createServices } from '../server/src/app';
import { readDemoCity } from '../server/src/bootstrap';
import type { DraftGridsResponse } from '../server/src/contracts';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { insertDemandPoints, insertRegions, insertRoads } from '../server/src/queries/dataset.queries';
import type { Caller } from '../server/src/services/caller';
import { loadDemoCity } from '../server/src/services/demo-data.service';
import { createScratchDatabase } from '../tests/support/postgres';
import { syntheticCommunity } from '../tests/support/synthetic-community';

const RUNS = Number(process.env.DRAFT_BENCH_RUNS ?? 3);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

if (!process.env.DATABASE_URL) {
  console.log('bench:draft skipped: set DATABASE_URL to a PostgreSQL server where the role may create databases');
  process.exit(0);
}
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load ${load()}`);
const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'wangge_draft_bench');
const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
const services = createServices(database);
const admin: Caller = { kind: 'user', role: 'admin', userId: 0, username: 'bench', scopes: [], via: 'token' };
try {
  await migrateToLatest(database.db);
  await loadDemoCity(database.db, await readDemoCity(await ensureDemoCity()));
  const { rows: versions } = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(database.db);
  console.log(`PostGIS ${versions[0]!.v}`);

  const { rows: largest } = await sql<{ id: number; name: string; grids: number; households: number }>`
    SELECT r.id, r.name, count(g.id)::int AS grids, sum(g.households)::int AS households
    FROM region r JOIN grid g ON g.community_id = r.id
    GROUP BY r.id ORDER BY sum(g.households) DESC LIMIT 1`.execute(database.db);
  const demo = largest[0]!;

  // The synthetic community, in a subdistrict of its own under the demo district, far from its streets.
  const district = await database.db
    .selectFrom('region')
    .select(['id', 'code'])
    .where('level', '=', 'district')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const synthetic = syntheticCommunity({
    origin: { lng: 106.4, lat: 26.4 },
    size_m: 2000,
    spacing_m: 150,
    households: 5000,
    seed: 8,
  });
  const [subdistrict] = await insertRegions(database.db, [
    {
      parentId: district.id,
      level: 'subdistrict',
      code: `${district.code}998`,
      name: '划分基准街道',
      geojson: JSON.stringify(synthetic.outline),
    },
  ]).execute();
  const [community] = await insertRegions(database.db, [
    {
      parentId: subdistrict!.id,
      level: 'community',
      code: `${district.code}998001`,
      name: '划分基准社区',
      geojson: JSON.stringify(synthetic.outline),
    },
  ]).execute();
  await insertRoads(database.db, synthetic.roads).execute();
  await insertDemandPoints(database.db, 'household', synthetic.buildings).execute();
  await sql`ANALYZE`.execute(database.db);

  const cases = [
    {
      label: `a. demo's largest community ${demo.name} (${demo.households} households, ${demo.grids} grids today)`,
      id: demo.id,
      grids: demo.grids,
    },
    {
      label: `b. synthetic 2 km square, streets every 150 m, ${synthetic.households} households in ${synthetic.buildings.length} buildings`,
      id: community!.id,
      grids: 15,
    },
  ];
  for (const c of cases) {
    const times: number[] = [];
    let result: DraftGridsResponse | undefined;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      result = await services.drafting.draft(admin, c.id, { grids: c.grids });
      times.push(performance.now() - started);
    }
    const s = result!.summary;
    const singlePolygons = result!.features.every((f) => f.geometry.type === 'Polygon');
    // Tiling, measured here on the GeoJSON the API sends (7 decimals), not on the service's blocks.
    const { rows: tiling } = await sql<{ union_m2: number; community_m2: number; overlap_m2: number }>`
      WITH g AS (
        SELECT row_number() OVER () AS n, ST_SetSRID(ST_GeomFromGeoJSON(x::text), 4326) AS geom
        FROM json_array_elements(${JSON.stringify(result!.features.map((f) => f.geometry))}::json) AS x)
      SELECT ST_Area(ST_Union(geom)::geography) AS union_m2,
        (SELECT ST_Area(geom::geography) FROM region WHERE id = ${c.id}::int) AS community_m2,
        (SELECT COALESCE(max(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
          FROM g a JOIN g b ON a.n < b.n AND ST_Intersects(a.geom, b.geom)) AS overlap_m2
      FROM g`.execute(database.db);
    const t = tiling[0]!;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(c.label);
    console.log(
      `   ${s.grids} grids, target ${s.target_households} households: time p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (${RUNS} runs; the service's own time_ms ${s.time_ms})`,
    );
    console.log(
      `   ratio largest/smallest ${s.ratio} (bound ${s.max_ratio}, aim ${s.aim_ratio}; ${s.initial_ratio} before local moves); worst Polsby-Popper ${s.worst_polsby_popper}, mean ${s.mean_polsby_popper}`,
    );
    console.log(
      `   contiguous: ${s.contiguous && singlePolygons} (every grid one Polygon: ${singlePolygons}); union ${t.union_m2.toFixed(0)} m² of ${t.community_m2.toFixed(0)} m² (${((100 * (t.union_m2 - t.community_m2)) / t.community_m2).toFixed(4)} %), largest pairwise overlap ${t.overlap_m2.toFixed(3)} m²`,
    );
    console.log(
      `   ${s.street_faces} street faces, ${s.cut_faces} straight cuts (blocks over ${s.cut_above_households} households), ${s.crumbs} crumbs folded, ${s.blocks} blocks; start ${s.start}, ${s.moves} moves`,
    );
    console.log(
      `   k-means floor (Lloyd's, k = ${s.grids}): ratio ${s.kmeans.ratio} on the points; by blocks ${s.kmeans.blocks_ratio}, worst Polsby-Popper ${s.kmeans.worst_polsby_popper}, contiguous ${s.kmeans.contiguous}; ${s.kmeans.time_ms} ms`,
    );
  }
  console.log(`load ${load()}`);
} finally {
  await services.routing.close();
  await database.close();
  await scratch.drop();
}
