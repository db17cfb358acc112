/**
 * `npm run bench:nearest`: the rider's nearest-station answer, printed as figures.
 *
 * 1. In process, no HTTP: the in-memory index (server/src/services/station-index.ts) against a full
 *    turf scan (`@turf/distance` over every station, then a sort), on 10,000 and 100,000 synthetic
 *    stations over a 60 × 50 km area, 5 nearest, the same random points for both. The two answers
 *    are compared too (turf measures on a sphere, so ranks may differ on near-ties).
 * 2. Over HTTP, one request at a time, on the demo city: `mode=ebike` (top 5 by e-bike time, routes
 *    included) and `mode=straight`, p50 / p95 / max, on PostgreSQL when DATABASE_URL is set, else on
 *    the embedded database.
 *
 * Throughput under concurrent load is `npm run bench:load`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { distance, point } from '@turf/turf';
import { ensureDemoCity } from '../data/src/ensure';
import { type StationRow, indexStations, nearestInIndex, stationPredicate } from '../server/src/services/station-index';
import { createScratchDatabase } from '../tests/support/postgres';
import { mulberry32 } from '../tests/support/random';
import { startServer, stopServer, untilHealthy } from './server';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function syntheticRows(count: number, random: () => number): StationRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `s-${String(i).padStart(6, '0')}`,
    kind: 'rider_station' as const,
    name: `station ${i}`,
    address: '',
    amenities: random() < 0.5 ? ['ebike_charging', 'water'] : ['water'],
    opening_hours: '24/7',
    operator: '',
    phone: '',
    status: 'active' as const,
    community_id: null,
    version: 1,
    geometry: { type: 'Point' as const, coordinates: [106.3 + random() * 0.6, 26.3 + random() * 0.45] },
  }));
}

function inProcess(count: number) {
  const random = mulberry32(count);
  const rows = syntheticRows(count, random);
  const index = indexStations('bench', rows);
  const everyone = stationPredicate({ statuses: ['active'] });
  const points = Array.from({ length: 2000 }, () => [106.3 + random() * 0.6, 26.3 + random() * 0.45] as const);
  const turfPoints = rows.map((r) => point(r.geometry.coordinates));

  // Warm both paths before timing.
  for (const [lng, lat] of points.slice(0, 100)) nearestInIndex(index, lng, lat, 5, everyone);
  let started = performance.now();
  const ours = points.map(([lng, lat]) => nearestInIndex(index, lng, lat, 5, everyone));
  const index_us = ((performance.now() - started) / points.length) * 1000;

  const turfQueries = points.slice(0, count >= 100_000 ? 100 : 400);
  started = performance.now();
  const theirs = turfQueries.map(([lng, lat]) => {
    const here = point([lng, lat]);
    return turfPoints
      .map((p, i) => ({ i, d: distance(here, p, { units: 'meters' }) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5)
      .map((x) => rows[x.i]!.id);
  });
  const turf_us = ((performance.now() - started) / turfQueries.length) * 1000;
  const same = theirs.filter((ids, q) => ids.join() === ours[q]!.map((h) => h.row.id).join()).length;
  console.log(
    `  ${count.toLocaleString('en')} stations: index ${index_us.toFixed(1)} µs/query, turf full scan ` +
      `${(turf_us / 1000).toFixed(2)} ms/query: ${Math.round(turf_us / index_us).toLocaleString('en')}× faster; ` +
      `same 5 stations in ${same}/${turfQueries.length} queries (turf ranks on a sphere)`,
  );
}

async function overHttp() {
  await ensureDemoCity();
  const databaseUrl = process.env.DATABASE_URL;
  const scratch = databaseUrl ? await createScratchDatabase(databaseUrl, 'wangge_nearest') : null;
  const dataDir = scratch ? null : mkdtempSync(join(tmpdir(), 'wangge-bench-nearest-'));
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}`;
  const server = startServer({
    port,
    env: scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: '', DATA_DIR: dataDir! },
  });
  try {
    await untilHealthy(url, server);
    const config = (await (await fetch(`${url}/api/config`)).json()) as { bounds: [number, number, number, number] };
    const stations = ((await (await fetch(`${url}/api/stations`)).json()) as { features: unknown[] }).features.length;
    const [minLng, minLat, maxLng, maxLat] = config.bounds;
    console.log(
      `One request at a time over HTTP, demo city (${stations} stations), ${scratch ? 'PostgreSQL' : 'embedded PGlite'}:`,
    );
    for (const mode of ['ebike', 'walk', 'straight']) {
      const random = mulberry32(5);
      const times: number[] = [];
      let answered = 0;
      let refused = 0;
      for (let i = 0; i < 220; i++) {
        // Random points in the district's built-up core, where riders are (the outer bounds are
        // mostly hills with no street within 500 m, which answer 422 at once).
        const lng = minLng + (0.3 + random() * 0.4) * (maxLng - minLng);
        const lat = minLat + (0.3 + random() * 0.4) * (maxLat - minLat);
        const started = performance.now();
        const res = await fetch(`${url}/api/stations/nearest?lng=${lng}&lat=${lat}&limit=5&open=true&mode=${mode}`);
        await res.arrayBuffer();
        const elapsed = performance.now() - started;
        if (i < 20) continue; // warm-up: the graph build and the stations' snaps
        if (res.status === 200) {
          answered++;
          times.push(elapsed);
        } else refused++;
      }
      times.sort((a, b) => a - b);
      console.log(
        `  mode=${mode}: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, ` +
          `max ${times.at(-1)!.toFixed(1)} ms (${answered} answered${refused ? `, ${refused} with no street near` : ''})`,
      );
    }
  } finally {
    await stopServer(server);
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
console.log('In process, 5 nearest of N stations at random points:');
inProcess(10_000);
inProcess(100_000);
await overHttp();
