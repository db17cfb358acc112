/**
 * `npm run bench:load`: nearest-station throughput and latency under concurrent load, over HTTP, on
 * PostgreSQL (DATABASE_URL), with the demo city.
 *
 * The server runs as one child process and autocannon as another, so the load generator doesn't
 * share the server's event loop; both share this machine's cores, which the output says.
 *
 * Options: `--connections 50,20` (default), `--seconds 10`, `--root <checkout>` to start the server
 * from another checkout of this project (to compare a change with the code before it), and
 * `--path stations/nearest` for another GET endpoint.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ensureDemoCity } from '../data/src/ensure';
import { mulberry32 } from '../tests/support/random';
import { createScratchDatabase } from '../tests/support/postgres';
import { REPO_ROOT, startServer, stopServer, untilHealthy } from './server';

const here = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    client: { type: 'string' },
    connections: { type: 'string', default: '50,20' },
    seconds: { type: 'string', default: '10' },
    root: { type: 'string' },
    path: { type: 'string', default: 'stations/nearest' },
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
const server = startServer({ port, root, env: { DATABASE_URL: scratch.url } });
try {
  await untilHealthy(url, server);
  const config = (await (await fetch(`${url}/api/config`)).json()) as { bounds: [number, number, number, number] };
  const [minLng, minLat, maxLng, maxLat] = config.bounds;
  const random = mulberry32(11);
  const paths = Array.from({ length: 2000 }, () => {
    const lng = (minLng + random() * (maxLng - minLng)).toFixed(6);
    const lat = (minLat + random() * (maxLat - minLat)).toFixed(6);
    return `/api/${values.path}?lng=${lng}&lat=${lat}&limit=5`;
  });
  const stations = ((await (await fetch(`${url}/api/stations`)).json()) as { features: unknown[] }).features.length;
  console.log(
    `GET /api/${values.path} on PostgreSQL, ${stations} stations, server from ${root}; ` +
      `server and autocannon share ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`,
  );
  // Warm the pool and the plan cache before measuring.
  await runClient({ url, connections: 10, seconds: 2, paths });
  for (const connections of values.connections.split(',').map(Number)) {
    const r = await runClient({ url, connections, seconds: Number(values.seconds), paths });
    const errors = r.non2xx + r.errors + r.timeouts;
    console.log(
      `  ${connections} connections: ${Math.round(r.requests.average)} requests/s, ` +
        `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
        `${r.requests.total} requests, ${errors} not 2xx or failed`,
    );
  }
} finally {
  await stopServer(server);
  await scratch.drop();
}
