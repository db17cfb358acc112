/**
 * `npm run bench:audit`: the whole-district coverage audit (issue 10) at the issue's size.
 *
 * On a scratch PostgreSQL database next to DATABASE_URL (skipped without it): the demo city, plus
 * synthetic data to reach the target size: 120 more active rider stations at the midpoints of random
 * streets (≥ 300 active stations in all), and each demand point split into 10 points of a tenth of
 * its weight, jittered by up to ±110 m (≥ 100,000 demand points, the same people). Then, in this
 * process (the services as the server builds them, routing worker threads included):
 * - the first audit (loads the per-data-version snapshot: demand points with their region and grid,
 *   the routing graph, each demand point snapped to the streets);
 * - then audits that miss the result cache (each with other minutes), street network and radius,
 *   gaps and all tables included. Target: ≤ 1 s for the street-network method.
 * Prints each duration and the headline figures. `AUDIT_BENCH_RUNS` sets the repeats (default 5).
 */
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { ensureDemoCity } from '../data/src/ensure';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp, createServices } from '../server/src/app';
import { readDemoCity } from '../server/src/bootstrap';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import type { AuditResponse } from '../server/src/contracts';
import type { Caller } from '../server/src/services/caller';
import { loadDemoCity } from '../server/src/services/demo-data.service';
import { bearer, seedAccounts } from '../tests/support/accounts';
import { createScratchDatabase } from '../tests/support/postgres';

const RUNS = Number(process.env.AUDIT_BENCH_RUNS ?? 5);
const EXTRA_STATIONS = 120;
const SPLIT = 10;
const ADMIN: Caller = { kind: 'user', role: 'admin', userId: 0, username: 'bench', scopes: [], via: 'token' };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${quantile(sorted, 0.5).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (${sorted.length} runs)`;
};
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function summary(r: AuditResponse) {
  const worst = r.tables.by_region[0];
  return [
    `${r.title}: ${r.stations.used} stations used (${Object.entries(r.stations.used_by_kind)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ', ',
      )}), ${r.stations.left_out} left out (planned ${r.stations.left_out_by_reason.planned}, suspended ${r.stations.left_out_by_reason.suspended}, off network ${r.stations.left_out_by_reason.off_network})`,
    `  demand ${r.demand.chosen.points} points: residents ${r.demand.residents.total.toFixed(0)} (${pct(r.demand.residents.covered_share)} covered), workers ${r.demand.workers.total.toFixed(0)} (${pct(r.demand.workers.covered_share)}); area ${pct(r.area.covered_share)} covered; p90 ${r.p90_minutes} min`,
    `  ${r.gaps.features.length} gap pieces (${r.gaps.features.filter((f) => f.properties.split === 'community').length} by community), ${r.hexagons.features.length} H3 cells, ${r.tables.by_region.length} region rows, ${r.tables.by_grid.length} grid rows; worst region ${worst?.name} ${worst ? pct(worst.covered_share) : ''}; response ${(JSON.stringify(r).length / 1e6).toFixed(2)} MB`,
  ].join('\n');
}

if (!process.env.DATABASE_URL) {
  console.log('bench:audit skipped: set DATABASE_URL to a server where the role may create databases');
  process.exit(0);
}
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'wangge_audit_bench');
const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
try {
  await migrateToLatest(database.db);
  await loadDemoCity(database.db, await readDemoCity(await ensureDemoCity()));
  await sql`SELECT setseed(0.42)`.execute(database.db);
  await sql`
    INSERT INTO station (kind, name, geom, status)
    SELECT 'rider_station', 'bench station ' || n, ST_LineInterpolatePoint(geom, 0.5), 'active'
    FROM (SELECT geom, row_number() OVER (ORDER BY random()) AS n FROM road) r WHERE n <= ${EXTRA_STATIONS}`.execute(
    database.db,
  );
  await sql`UPDATE demand_point SET weight = weight / ${SPLIT}`.execute(database.db);
  await sql`
    INSERT INTO demand_point (kind, weight, geom)
    SELECT d.kind, d.weight, ST_Translate(d.geom, (random() - 0.5) * 0.0022, (random() - 0.5) * 0.002)
    FROM demand_point d, generate_series(2, ${SPLIT})`.execute(database.db);
  await sql`ANALYZE`.execute(database.db);
  const { rows: counts } = await sql<{ stations: number; active: number; points: number; grids: number }>`
    SELECT (SELECT count(*) FROM station)::int AS stations, (SELECT count(*) FROM station WHERE status = 'active')::int AS active,
           (SELECT count(*) FROM demand_point)::int AS points, (SELECT count(*) FROM grid)::int AS grids`.execute(
    database.db,
  );
  const district = await database.db
    .selectFrom('region')
    .select(['id', 'name'])
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  console.log(
    `Data: ${counts[0]!.stations} stations (${counts[0]!.active} active), ${counts[0]!.points} demand points, ${counts[0]!.grids} grids; district ${district.name}`,
  );

  const services = createServices(database);
  const run = async (method: 'network' | 'radius', mode: 'walk' | 'ebike', minutes: number) => {
    const started = performance.now();
    const result = await services.audit.audit(
      { regionId: district.id, minutes, mode, method, demand: ['household', 'worker'] },
      ADMIN,
    );
    return { result, ms: performance.now() - started };
  };

  const first = await run('network', 'walk', 15);
  console.log(`first audit (loads the snapshot, builds the graph, snaps demand): ${first.ms.toFixed(0)} ms`);
  console.log(summary(first.result));
  for (const [method, mode] of [
    ['network', 'walk'],
    ['network', 'ebike'],
    ['radius', 'walk'],
    ['radius', 'ebike'],
  ] as const) {
    const times: number[] = [];
    let last: AuditResponse | undefined;
    for (let i = 0; i < RUNS; i++) {
      // Other minutes every run: each one misses the result cache and computes in full.
      const { result, ms } = await run(method, mode, 14 - i);
      times.push(ms);
      last = result;
    }
    console.log(
      `${method} ${mode}, whole district, cache misses: ${spread(times)}${method === 'network' && mode === 'walk' ? ' (target ≤ 1,000 ms)' : ''}`,
    );
    console.log(summary(last!));
  }
  // For scale on a shared machine: GET /api/coverage alone (the same cover, its own SQL), cache misses too.
  const coverageTimes: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await services.coverage.compute({
        regionId: district.id,
        minutes: 20 - i,
        mode: 'walk',
        method: 'network',
        demand: ['household', 'worker'],
      });
      coverageTimes.push(performance.now() - started);
    }
    console.log(`for comparison, GET /api/coverage network walk (cover + its SQL only): ${spread(coverageTimes)}`);
  } catch (error) {
    console.log(`for comparison, GET /api/coverage network walk: failed (${(error as Error).message})`);
  }

  // Over HTTP (JSON encoding and gzip of a ~2 MB body included), as the web page will call it.
  const app = createApp({
    database,
    config: { basemapStyleUrl: undefined },
    logger: pino({ level: 'silent' }),
    services,
    webDist: null,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const accounts = await seedAccounts(database);
  const httpTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = await fetch(
      // The same minutes as the in-process runs above; reach_m=149 (not 150) misses their cache.
      `http://127.0.0.1:${port}/api/audit?region=${district.id}&minutes=${14 - i}&mode=walk&method=network&reach_m=149`,
      { headers: { ...bearer(accounts.official), 'Accept-Encoding': 'gzip' } },
    );
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${new TextDecoder().decode(body).slice(0, 200)}`);
    bytes = body.byteLength;
    httpTimes.push(performance.now() - started);
  }
  console.log(
    `GET /api/audit network walk over HTTP, cache misses: ${spread(httpTimes)}, ${(bytes / 1e6).toFixed(2)} MB of JSON (gzip on the wire)`,
  );
  server.close();
  const redundancy = performance.now();
  try {
    const withRedundancy = await services.audit.audit(
      {
        regionId: district.id,
        minutes: 15,
        mode: 'walk',
        method: 'radius',
        demand: ['household', 'worker'],
        redundancy: true,
      },
      ADMIN,
    );
    console.log(
      `radius walk 15 min with redundancy=true: ${(performance.now() - redundancy).toFixed(0)} ms, ${((withRedundancy.area.redundant_area_m2 ?? 0) / 1e6).toFixed(2)} km² reached by ≥ 3 stations`,
    );
  } catch (error) {
    console.log(
      `radius walk 15 min with redundancy=true: failed after ${(performance.now() - redundancy).toFixed(0)} ms (${(error as Error).message})`,
    );
  }
  await services.routing.close();
} finally {
  await database.close();
  await scratch.drop();
}
