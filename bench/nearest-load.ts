/**
 * `npm run bench:load`: nearest-station throughput and latency under concurrent load, over HTTP, on
 * PostgreSQL (DATABASE_URL), with the demo city.
 *
 * The server runs as one child process and autocannon as another, so the load generator doesn't
 * share the server's event loop; both share this machine's cores, which the output says.
 *
 * Options: `--connections 50,20,10` (default), `--seconds 10`, `--root <checkout>` to start the server
 * from another checkout of this project (to compare a change with the code before it), and
 * `--path stations/nearest` for another GET endpoint, `--stations 10000` to top the demo city's
 * stations up to that many (spread at random over its bounds, a fixed seed), and `--query` for more
 * query parameters (e.g. `mode=ebike`), `--processes 2` for SERVER_PROCESSES.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureDemoCity } from '../data/src/ensure';
import { mulberry32 } from '../tests/support/random';
import { createScratchDatabase } from '../tests/support/postgres';
import { REPO_ROOT, startServer, stopServer, untilHealthy } from './server';

const here = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    client: { type: 'string' },
    connections: { type: 'string', default: '50,20,10' },
    seconds: { type: 'string', default: '10' },
    root: { type: 'string' },
    path: { type: 'string', default: 'stations/nearest' },
    stations: { type: 'string', default: '10000' },
    query: { type: 'string', default: '' },
    processes: { type: 'string', default: '1' },
  },
});

/** The load generator, run in its own process: prints autocannon's result as JSON. */
async function client(spec: { url: string; connections: number; seconds: number; paths: string[] }) {
  let i = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: spec.paths[i++ % spec.paths.length]! }) }],
  });
  process.stdout.write(JSON.stringify(result));
}

if (values.client) {
  await client(JSON.parse(values.client));
  process.exit(0);
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('bench:load measures the multi-user mode: set DATABASE_URL to a PostgreSQL + PostGIS server.');
  process.exit(2);
}
const root = values.root ?? REPO_ROOT;

/** Adds stations at random within the bounds until there are `total` (setseed: the same ones each run). */
async function topUpStations(url: string, total: number, [minLng, minLat, maxLng, maxLat]: number[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM station');
    const missing = total - rows[0]!.n;
    if (missing <= 0) return;
    await client.query('SELECT setseed(0.11)');
    await client.query(
      `INSERT INTO station (kind, name, address, geom, amenities, opening_hours, operator, phone, status)
       SELECT 'rider_station', '合成驿站 ' || i, '', ST_SetSRID(ST_MakePoint($1 + random() * $2, $3 + random() * $4), 4326),
              CASE WHEN random() < 0.5 THEN '{ebike_charging,water}'::text[] ELSE '{water}'::text[] END,
              CASE WHEN random() < 0.3 THEN '24/7' ELSE 'Mo-Su 07:00-22:00' END, '', '', 'active'
       FROM generate_series(1, $5::int) AS i`,
      [minLng, maxLng! - minLng!, minLat, maxLat! - minLat!, missing],
    );
  } finally {
    await client.end();
  }
}

/** CPU seconds (user + system) used so far by a process and its descendants (Linux /proc). */
function cpuSeconds(rootPid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const stats = readdirSync('/proc')
    .filter((d) => /^[0-9]+$/.test(d))
    .flatMap((pid) => {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(pid), ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return [];
      }
    });
  const inTree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) if (!inTree.has(s.pid) && inTree.has(s.ppid)) grew = inTree.add(s.pid) !== null;
  }
  return stats.filter((s) => inTree.has(s.pid)).reduce((sum, s) => sum + s.cpu, 0) / ticks;
}

function runClient(spec: Parameters<typeof client>[0]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', here, '--client', JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as autocannon.Result) : reject(new Error(`client exited ${code}`)),
    );
  });
}

// The server reads the demo city's file; build it first on a fresh clone.
await ensureDemoCity();
const scratch = await createScratchDatabase(databaseUrl, 'wangge_load');
const port = 39_000 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;
const server = startServer({ port, root, env: { DATABASE_URL: scratch.url, SERVER_PROCESSES: values.processes } });
try {
  await untilHealthy(url, server);
  const config = (await (await fetch(`${url}/api/config`)).json()) as { bounds: [number, number, number, number] };
  const [minLng, minLat, maxLng, maxLat] = config.bounds;
  await topUpStations(scratch.url, Number(values.stations), config.bounds);
  const random = mulberry32(11);
  const paths = Array.from({ length: 2000 }, () => {
    const lng = (minLng + random() * (maxLng - minLng)).toFixed(6);
    const lat = (minLat + random() * (maxLat - minLat)).toFixed(6);
    return `/api/${values.path}?lng=${lng}&lat=${lat}&limit=5${values.query ? `&${values.query}` : ''}`;
  });
  const stations = ((await (await fetch(`${url}/api/stations`)).json()) as { features: unknown[] }).features.length;
  console.log(
    `GET /api/${values.path}${values.query ? ` (${values.query})` : ''} on PostgreSQL, ${stations} stations, ` +
      `${values.processes} server process(es) from ${root}; ` +
      `server and autocannon share ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`,
  );
  // Warm the pool and the plan cache before measuring.
  await runClient({ url, connections: 10, seconds: 2, paths });
  for (const connections of values.connections.split(',').map(Number)) {
    const cpuBefore = cpuSeconds(server.pid!);
    const r = await runClient({ url, connections, seconds: Number(values.seconds), paths });
    const serverCpu_s = cpuSeconds(server.pid!) - cpuBefore;
    const errors = r.non2xx + r.errors + r.timeouts;
    console.log(
      `  ${connections} connections: ${Math.round(r.requests.average)} requests/s, ` +
        `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
        `${r.requests.total} requests, ${errors} not 2xx or failed; ` +
        `server CPU ${((serverCpu_s / r.requests.total) * 1e6).toFixed(0)} µs per request`,
    );
  }
} finally {
  await stopServer(server);
  await scratch.drop();
}
