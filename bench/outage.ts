/**
 * `npm run bench:outage`: stop PostgreSQL for 3 s under load and print what the API did.
 *
 * Starts the server as a child process on a scratch database (with the demo city), drives 20
 * keep-alive connections of GET /api/stations/nearest for about 12 s, and in the middle stops the
 * real cluster (`pg_ctlcluster … stop -m fast`, which terminates every backend with 57P01) and starts
 * it 3 s later. Prints whether the process stayed up, the answers by status, the answers during the
 * outage, and the seconds from the restart to the first 200; then how long a SIGTERM took to stop it.
 *
 * Needs DATABASE_URL (a superuser role, to create the scratch database) and root, for pg_ctlcluster.
 * It stops the cluster other processes may be using; the `finally` always starts it again.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { createScratchDatabase } from '../tests/support/postgres';
import { ensureDemoCity } from '../data/src/ensure';
import { startServer } from './server';

const CONNECTIONS = 20;
const RUN_MS = 12_000;
const STOP_AT_MS = 4_000;
const OUTAGE_MS = 3_000;
const CLUSTER = ['--skip-systemctl-redirect', '15', 'main'];

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function clusterRunning(): Promise<boolean> {
  try {
    await run('pg_ctlcluster', [...CLUSTER, 'status']);
    return true;
  } catch {
    return false; // exit status 3: not running
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** When (ms since `started`) a fresh connection to `url` first succeeds. */
async function firstConnection(url: string, started: number): Promise<number> {
  const giveUp = performance.now() + 60_000;
  while (performance.now() < giveUp) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return performance.now() - started;
    } catch {
      await sleep(20);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error('PostgreSQL did not accept a connection within 60 s of the start command');
}

type Answer = { at_ms: number; status: number | 'error' };

/** One keep-alive connection sending requests back to back until `plan.until_ms` (it may move). */
async function drive(url: string, started: number, plan: { until_ms: number }, answers: Answer[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (performance.now() - started < plan.until_ms) {
    const status = await new Promise<number | 'error'>((resolve) => {
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 'error'));
        res.on('error', () => resolve('error'));
      });
      req.setTimeout(10_000, () => req.destroy());
      req.on('error', () => resolve('error'));
    });
    answers.push({ at_ms: performance.now() - started, status });
    // A refused connection would otherwise spin; the server being down is itself a finding.
    if (status === 'error') await sleep(50);
  }
  agent.destroy();
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error('bench:outage needs DATABASE_URL (a PostgreSQL superuser URL); it stops that cluster for 3 s.');
    process.exit(1);
  }
  if (process.getuid?.() !== 0) {
    console.error('bench:outage needs root: it stops and starts the cluster with pg_ctlcluster.');
    process.exit(1);
  }
  if (!(await clusterRunning())) {
    console.error('The cluster 15/main is not running; start it first.');
    process.exit(1);
  }

  // The server reads the demo city's file; build it first on a fresh clone.
  await ensureDemoCity();
  const scratch = await createScratchDatabase(adminUrl, 'wangge_outage');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The per-address rate limit is off (startServer): one load generator on one address is exactly
  // what it stops, and this bench is about the outage.
  const child = startServer({
    port,
    env: { DATABASE_URL: scratch.url, DEMO_DATA: 'auto' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // An object, so TypeScript doesn't narrow it to null where the exit handler may have set it.
  const life: { exited: { code: number | null; signal: string | null; at_ms?: number } | null } = { exited: null };
  let started = 0;
  child.once('exit', (code, signal) => {
    life.exited = { code, signal, at_ms: started ? performance.now() - started : undefined };
  });
  // The server logs one warning per refused request; count them by message instead of printing.
  const logCounts = new Map<string, number>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { msg?: string; err?: { code?: string } };
      msg = `${parsed.msg ?? '?'}${parsed.err?.code ? ` (${parsed.err.code})` : ''}`;
    } catch {
      // not JSON: count the raw line
    }
    logCounts.set(msg, (logCounts.get(msg) ?? 0) + 1);
  });

  let stoppedAt = 0;
  let restartedAt = 0;
  try {
    // Ready once health answers (the demo city loads first).
    const ready = performance.now();
    for (;;) {
      if (life.exited) throw new Error(`the server exited during start: ${JSON.stringify(life.exited)}`);
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - ready > 180_000) throw new Error('the server did not become ready in 180 s');
      await sleep(200);
    }

    const answers: Answer[] = [];
    started = performance.now();
    const url = `${base}/api/stations/nearest?lng=106.6&lat=26.6`;
    // At least 2 s of load after the restart, however long the stop takes.
    const plan = { until_ms: RUN_MS };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, () => drive(url, started, plan, answers)));

    await sleep(STOP_AT_MS);
    stoppedAt = performance.now() - started;
    await run('pg_ctlcluster', [...CLUSTER, 'stop', '-m', 'fast']);
    const stopDone = performance.now() - started;
    await sleep(OUTAGE_MS);
    const startIssued = performance.now() - started;
    const starting = run('pg_ctlcluster', [...CLUSTER, 'start']);
    // pg_ctlcluster returns a while after the server accepts connections; probe for the moment.
    // A failed start command ends the wait at once instead of after the probe's 60 s.
    restartedAt = await Promise.race([
      firstConnection(scratch.url, started),
      starting.then(() => new Promise<never>(() => {})),
    ]);
    plan.until_ms = Math.max(plan.until_ms, restartedAt + 2_000);
    await starting;
    const startReturned = performance.now() - started;
    await load;

    const stayedUp = life.exited === null;
    const count = (list: Answer[]) => {
      const byStatus = new Map<string, number>();
      for (const a of list) byStatus.set(String(a.status), (byStatus.get(String(a.status)) ?? 0) + 1);
      return [...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ');
    };
    const outage = answers.filter((a) => a.at_ms >= stopDone && a.at_ms <= restartedAt);
    const firstOk = answers.filter((a) => a.status === 200 && a.at_ms > stopDone).sort((a, b) => a.at_ms - b.at_ms)[0];
    const others = answers.filter((a) => a.status !== 200 && a.status !== 503).length;

    console.log(
      `Outage bench: ${CONNECTIONS} keep-alive connections of GET /api/stations/nearest for ${seconds(plan.until_ms)}`,
    );
    console.log(
      `  PostgreSQL stop issued at ${seconds(stoppedAt)}, stopped at ${seconds(stopDone)}, start issued at ${seconds(startIssued)}, ` +
        `accepting connections at ${seconds(restartedAt)} (pg_ctlcluster returned at ${seconds(startReturned)})`,
    );
    console.log(`  process stayed up: ${stayedUp ? 'yes' : `no (${JSON.stringify(life.exited)})`}`);
    console.log(`  answers during the run: ${answers.length} (${count(answers)}; neither 200 nor 503: ${others})`);
    console.log(
      `  answers while PostgreSQL was down (${seconds(restartedAt - stopDone)}): ${outage.length} (${count(outage) || 'none'})`,
    );
    console.log(
      `  from the restart (first connection accepted) to the first 200: ${firstOk ? seconds(Math.max(0, firstOk.at_ms - restartedAt)) : 'never'}` +
        (firstOk ? ` (${seconds(firstOk.at_ms - startIssued)} from the start command)` : ''),
    );
    console.log('  server log lines:');
    for (const [msg, n] of [...logCounts].sort((a, b) => b[1] - a[1])) console.log(`    ${n} × ${msg}`);

    if (stayedUp) {
      // Graceful shutdown: a slow request (an uncached network coverage) in flight when SIGTERM
      // arrives should still get its answer.
      const config = (await (await fetch(`${base}/api/config`)).json()) as { defaultRegionId: number };
      const slowStarted = performance.now();
      const slow = fetch(`${base}/api/coverage?region=${config.defaultRegionId}&minutes=15&mode=walk&method=network`)
        .then(async (res) => ({ status: res.status, bytes: (await res.arrayBuffer()).byteLength }))
        .catch((error: unknown) => ({ status: `error (${(error as Error).message})`, bytes: 0 }));
      await sleep(300);
      const sigterm = performance.now();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      const exitAfter = performance.now() - sigterm;
      const answer = await slow;
      console.log(
        `  SIGTERM 0.3 s into a network coverage request: that request got ${answer.status} (${answer.bytes} bytes) ` +
          `after ${seconds(performance.now() - slowStarted)}; the process exited ${seconds(exitAfter)} after SIGTERM with code ${code}`,
      );
    }
    if (!stayedUp || !firstOk) process.exitCode = 1;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!(await clusterRunning())) {
      console.error('starting the cluster again');
      await run('pg_ctlcluster', [...CLUSTER, 'start']);
    }
    await scratch.drop().catch((error: unknown) => console.error('could not drop the scratch database:', error));
  }
}

await main();
