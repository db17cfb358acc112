/**
 * `npm run bench`: start-up and request timings of the real app, printed as figures.
 *
 * - cold start: a fresh embedded data folder (PGlite create + PostGIS + migrations + demo load)
 *   until /api/health answers; warm start: the same folder again.
 * - nearest: 300 requests at seeded random points in the district, p50/p95.
 * - isochrones: 100 e-bike 5/10/15-minute requests at seeded random points, p50/p95.
 * - coverage: the whole district, uncached then cached: walk and e-bike 15 min by radius, walk by
 *   street network.
 *
 * With DATABASE_URL set, the request timings also run against that PostgreSQL server.
 * Speed targets live here, never in the test suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoCity } from '../data/src/ensure';
import { mulberry32 } from '../tests/support/random';
import { createScratchDatabase } from '../tests/support/postgres';
import { startServer, stopServer, untilHealthy } from './server';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

async function requestFigures(label: string, url: string) {
  const config = (await (await fetch(`${url}/api/config`)).json()) as {
    bounds: [number, number, number, number];
    defaultRegionId: number;
  };
  const [minLng, minLat, maxLng, maxLat] = config.bounds;
  const random = mulberry32(7);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const lng = minLng + random() * (maxLng - minLng);
    const lat = minLat + random() * (maxLat - minLat);
    const [res, t] = await timed(() => fetch(`${url}/api/stations/nearest?lng=${lng}&lat=${lat}&limit=5`));
    if (!res.ok) throw new Error(`nearest answered ${res.status}`);
    await res.arrayBuffer();
    times.push(t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: nearest (limit 5, over HTTP) p50 ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))}`,
  );
  const isochroneTimes: number[] = [];
  let offStreet = 0;
  for (let i = 0; i < 100; i++) {
    const lng = minLng + random() * (maxLng - minLng);
    const lat = minLat + random() * (maxLat - minLat);
    const [res, t] = await timed(async () => {
      const r = await fetch(`${url}/api/isochrones?lng=${lng}&lat=${lat}&mode=ebike&minutes=5,10,15`);
      await r.arrayBuffer();
      return r;
    });
    if (res.status === 422) offStreet++;
    else if (!res.ok) throw new Error(`isochrones answered ${res.status}`);
    else isochroneTimes.push(t);
  }
  isochroneTimes.sort((a, b) => a - b);
  console.log(
    `${label}: isochrones e-bike 5/10/15 min (over HTTP, gzip) p50 ${ms(quantile(isochroneTimes, 0.5))}, ` +
      `p95 ${ms(quantile(isochroneTimes, 0.95))} over ${isochroneTimes.length} points (${offStreet} off-street, 422)`,
  );
  for (const [mode, method] of [
    ['walk', 'radius'],
    ['ebike', 'radius'],
    ['walk', 'network'],
  ]) {
    const path = `${url}/api/coverage?region=${config.defaultRegionId}&minutes=15&mode=${mode}&method=${method}`;
    const [first, cold] = await timed(async () => (await fetch(path)).json());
    const [, warm] = await timed(async () => (await fetch(path)).json());
    const stats = (first as { stats: { covered_population_share: number; covered_share: number } }).stats;
    console.log(
      `${label}: coverage district 15 min ${mode} ${method}: uncached ${ms(cold)}, cached ${ms(warm)} ` +
        `(covered area ${(stats.covered_share * 100).toFixed(1)} %, population ${(stats.covered_population_share * 100).toFixed(1)} %)`,
    );
  }
}

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
await ensureDemoCity();

const dataDir = mkdtempSync(join(tmpdir(), 'wangge-bench-'));
const port = 39_000 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;
try {
  let app = startServer({ port, env: { DATA_DIR: dataDir, DATABASE_URL: '' } });
  console.log(
    `embedded: cold start (new data folder, demo load) ${((await untilHealthy(url, app)) / 1000).toFixed(1)} s`,
  );
  await stopServer(app);
  app = startServer({ port, env: { DATA_DIR: dataDir, DATABASE_URL: '' } });
  console.log(`embedded: warm start (same folder) ${((await untilHealthy(url, app)) / 1000).toFixed(1)} s`);
  await requestFigures('embedded', url);
  await stopServer(app);

  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'wangge_bench');
    try {
      app = startServer({ port, env: { DATABASE_URL: scratch.url } });
      console.log(
        `postgres: cold start (empty database, demo load) ${((await untilHealthy(url, app)) / 1000).toFixed(1)} s`,
      );
      await stopServer(app);
      app = startServer({ port, env: { DATABASE_URL: scratch.url } });
      console.log(`postgres: warm start ${((await untilHealthy(url, app)) / 1000).toFixed(1)} s`);
      await requestFigures('postgres', url);
      await stopServer(app);
    } finally {
      await scratch.drop();
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
