/**
 * `npm run bench:heavy`: does a burst of heavy requests stall the server?
 *
 * Starts the app as a child process on PostgreSQL (a scratch database next to DATABASE_URL, demo
 * city loaded at start; skipped without DATABASE_URL) and on embedded PGlite (a fresh data folder),
 * then fires 10 network-coverage requests at once, each with its own minutes / reach_m so none is
 * answered from the cache, while /api/health and /api/stations/nearest are polled every 50 ms.
 * Prints health p50/p95/p99/max and nearest p99 during the burst, how many heavy requests answered
 * 200 / 503 busy / otherwise, and their durations. Target: /api/health p99 below 100 ms on PostgreSQL.
 *
 * `HEAVY_BENCH_ROOT=/path/to/another/checkout` runs that tree's server instead (for before/after
 * figures); `HEAVY_BENCH_MODES=postgres` or `embedded` runs one mode only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../tests/support/random';
import { createScratchDatabase } from '../tests/support/postgres';
import { ensureDemoCity } from '../data/src/ensure';
import { startServer, stopServer, untilHealthy } from './server';

const root = process.env.HEAVY_BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const modes = (process.env.HEAVY_BENCH_MODES ?? 'postgres,embedded').split(',');
const HEAVY_REQUESTS = 10;
const POLL_MS = 50;
/** A heavy request that takes longer than this is counted as failed (the old code could take minutes). */
const HEAVY_CLIENT_TIMEOUT_MS = 180_000;

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${ms(quantile(sorted, 0.5))}, p95 ${ms(quantile(sorted, 0.95))}, p99 ${ms(quantile(sorted, 0.99))}, max ${ms(sorted.at(-1) ?? NaN)} (${sorted.length} requests)`;
};

/** Requests `path` every POLL_MS (never two at once) until `until` settles; latencies, and answers other than `expected`. */
async function poll(
  url: string,
  path: () => string,
  until: Promise<unknown>,
  expected = 200,
): Promise<{ times: number[]; failed: number }> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  let failed = 0;
  while (!done) {
    const started = performance.now();
    try {
      const res = await fetch(`${url}${path()}`);
      await res.arrayBuffer();
      if (res.status !== expected) failed++;
    } catch {
      failed++;
    }
    const took = performance.now() - started;
    times.push(took);
    await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - took)));
  }
  return { times, failed };
}

async function burst(label: string, url: string) {
  const config = (await (await fetch(`${url}/api/config`)).json()) as {
    bounds: [number, number, number, number];
    defaultRegionId: number;
  };
  const [minLng, minLat, maxLng, maxLat] = config.bounds;
  const centre = [(minLng + maxLng) / 2, (minLat + maxLat) / 2];
  // Warm-up: build the routing graph, start the worker threads (two isochrones at once) and parse
  // every station's opening hours (the station list), so the burst measures coverage, not first-use costs.
  const warm = performance.now();
  await Promise.all([
    ...[0, 1].map(async () =>
      (await fetch(`${url}/api/isochrones?lng=${centre[0]}&lat=${centre[1]}&mode=ebike&minutes=5`)).arrayBuffer(),
    ),
    (await fetch(`${url}/api/stations`)).arrayBuffer(),
  ]);
  console.log(`${label}: warm-up (graph build, worker start, station list) ${ms(performance.now() - warm)}`);

  // The same polls for 3 s with nothing heavy running: what this machine (shared, 2 cores) gives anyway.
  const idle = await poll(url, () => '/api/health', new Promise((r) => setTimeout(r, 3000)));
  console.log(`${label}: /api/health idle (no burst), for comparison: ${spread(idle.times)}`);

  const random = mulberry32(17);
  const outcomes: { status: number; code: string | undefined; duration_ms: number }[] = [];
  const burstStarted = performance.now();
  const heavy = Promise.all(
    Array.from({ length: HEAVY_REQUESTS }, async (_, i) => {
      // Distinct after rounding: every request is a cache miss.
      const minutes = 15 + (i % 3);
      const reach_m = (301.76000001 + i * 3.3).toFixed(8);
      const path = `/api/coverage?region=${config.defaultRegionId}&minutes=${minutes}&mode=ebike&method=network&reach_m=${reach_m}`;
      const started = performance.now();
      try {
        const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(HEAVY_CLIENT_TIMEOUT_MS) });
        const body = (await res.json()) as { error?: { code?: string } };
        outcomes.push({ status: res.status, code: body.error?.code, duration_ms: performance.now() - started });
      } catch (error) {
        outcomes.push({ status: 0, code: (error as Error).name, duration_ms: performance.now() - started });
      }
    }),
  );
  const [health, loop, nearest] = await Promise.all([
    poll(url, () => '/api/health', heavy),
    // A 404 touches no database: its latency is the event loop's alone.
    poll(url, () => '/api/no-such-route', heavy, 404),
    poll(
      url,
      () =>
        `/api/stations/nearest?lng=${minLng + random() * (maxLng - minLng)}&lat=${minLat + random() * (maxLat - minLat)}&limit=5`,
      heavy,
    ),
    heavy,
  ]);
  const burst_ms = performance.now() - burstStarted;

  const ok = outcomes.filter((o) => o.status === 200);
  const busy = outcomes.filter((o) => o.status === 503 && o.code === 'busy');
  const other = outcomes.filter((o) => !(o.status === 200 || (o.status === 503 && o.code === 'busy')));
  console.log(`${label}: ${HEAVY_REQUESTS} cache-busting network coverages at once, all answered in ${ms(burst_ms)}`);
  console.log(
    `${label}:   heavy answers: ${ok.length} × 200, ${busy.length} × 503 busy` +
      (other.length
        ? `, ${other.length} other (${other.map((o) => `${o.status} ${o.code ?? ''}`.trim()).join(', ')})`
        : ''),
  );
  if (ok.length) console.log(`${label}:   200 durations ${spread(ok.map((o) => o.duration_ms))}`);
  if (busy.length) console.log(`${label}:   503 durations ${spread(busy.map((o) => o.duration_ms))}`);
  console.log(`${label}:   /api/health during the burst: ${spread(health.times)}, ${health.failed} failed`);
  console.log(
    `${label}:   event loop (a 404, no database) during the burst: ${spread(loop.times)}, ${loop.failed} failed`,
  );
  console.log(`${label}:   nearest during the burst: ${spread(nearest.times)}, ${nearest.failed} failed`);
}

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; server from ${root}`);
// The server reads the demo city's file; build it first on a fresh clone.
await ensureDemoCity();
const port = 40_000 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;

if (modes.includes('postgres')) {
  if (!process.env.DATABASE_URL) {
    console.log('postgres: skipped (set DATABASE_URL to a server where the role may create databases)');
  } else {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'wangge_heavy');
    const app = startServer({ port, root, env: { LOG_LEVEL: 'error', DATABASE_URL: scratch.url, DEMO_DATA: 'auto' } });
    try {
      console.log(`postgres: start with demo load ${ms(await untilHealthy(url, app))}`);
      await burst('postgres', url);
    } finally {
      await stopServer(app);
      await scratch.drop();
    }
  }
}

if (modes.includes('embedded')) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wangge-heavy-'));
  const app = startServer({
    port,
    root,
    env: { LOG_LEVEL: 'error', DATABASE_URL: '', DATA_DIR: dataDir, DEMO_DATA: 'auto' },
  });
  try {
    console.log(`embedded: start with demo load ${ms(await untilHealthy(url, app))}`);
    await burst('embedded', url);
  } finally {
    await stopServer(app);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
