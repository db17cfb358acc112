import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createApp } from '../../server/src/app';
import {
  type Database,
  DatabaseOpenError,
  LOCK_FILE,
  openDatabase,
  withStatementTimeout,
} from '../../server/src/db/client';
import { errorHandler, isDatabaseUnavailable } from '../../server/src/errors';
import { requestTimeout } from '../../server/src/routes/request-timeout';
import { startTcpProxy } from '../support/tcp-proxy';
import { testContext } from './harness';

const postgresMode = Boolean(process.env.DATABASE_URL);

const UNAVAILABLE = {
  error: { code: 'database_unavailable', message: 'The database is unavailable; try again shortly.' },
};

/** A pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; err?: { message?: string; code?: string } }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!postgresMode)('a PostgreSQL outage (through a TCP proxy)', () => {
  const APP_NAME = 'wangge_outage_test';
  const { logger, lines } = capturingLogger();
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let admin: pg.Client;

  beforeAll(async () => {
    await testContext(); // migrates the run's database
    const direct = new URL(inject('apiDatabaseUrl'));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(direct);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.searchParams.set('application_name', APP_NAME);
    database = await openDatabase({ databaseUrl: proxied.toString(), dataDir: '', logger });
    app = createApp({ database, config: { basemapStyleUrl: undefined }, logger, webDist: null });
    admin = new pg.Client({ connectionString: direct.toString() });
    await admin.connect();
  });

  afterAll(async () => {
    await database?.close();
    await proxy?.close();
    await admin?.end();
  });

  /** Backends of the proxied pool, as the server sees them. */
  async function backends(state?: string) {
    const { rows } = await admin.query<{ pid: number; state: string; query: string }>(
      `SELECT pid, state, query FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)`,
      [APP_NAME, state ?? null],
    );
    return rows;
  }

  it('answers 503 database_unavailable on every endpoint while the server is unreachable, and 200 again within 5 s of its return', async () => {
    await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6').expect(200);
    const healthy = await request(app).get('/api/health').expect(200);
    expect(healthy.body.components.database.status).toBe('up');
    expect(healthy.body.components.database.latency_ms).toBeGreaterThan(0);

    await proxy.down();
    for (const url of ['/api/stations/nearest?lng=106.6&lat=26.6', '/api/regions', '/api/config', '/api/grids']) {
      const res = await request(app).get(url);
      expect(res.status, url).toBe(503);
      expect(res.body, url).toEqual(UNAVAILABLE);
      expect(res.headers['retry-after'], url).toBe('5');
    }
    const health = await request(app).get('/api/health').expect(503);
    expect(health.headers['retry-after']).toBe('5');
    expect(health.body).toEqual({
      status: 'unavailable',
      database: 'postgres',
      components: { database: { status: 'down', message: 'The database is unavailable; try again shortly.' } },
    });
    // The pool's idle connection was cut under it: logged, not a crash.
    expect(lines.some((l) => l.msg.startsWith('an idle database connection was lost'))).toBe(true);

    await proxy.up();
    const back = performance.now();
    await waitFor(
      'a 200 from nearest',
      async () =>
        (await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6')).status === 200 ? true : undefined,
      5_000,
    );
    expect(performance.now() - back).toBeLessThan(5_000);
    const recovered = await request(app).get('/api/health').expect(200);
    expect(recovered.body).toMatchObject({
      status: 'ok',
      database: 'postgres',
      components: { database: { status: 'up' } },
    });
  });

  it('survives pg_terminate_backend on an idle connection; the next request gets a fresh one', async () => {
    await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6').expect(200);
    const idle = await backends('idle');
    expect(idle.length).toBeGreaterThan(0);
    const before = lines.length;
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [idle.map((b) => b.pid)]);
    await waitFor(
      'the pool to notice',
      async () => (lines.slice(before).some((l) => l.err?.code === '57P01') ? true : undefined),
      3_000,
    );
    // The dead client is already out of the pool, so even the first request after succeeds.
    await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6').expect(200);
  });

  it('answers 503 when the connection of a query in flight is terminated, and keeps serving', async () => {
    const slow = express();
    slow.get('/slow', async (_req, res) => {
      await sql`SELECT pg_sleep(10)`.execute(database.db);
      res.json({ slept: true });
    });
    slow.use(errorHandler(logger));
    const pending = request(slow)
      .get('/slow')
      .then((res) => res);
    const [sleeping] = await waitFor(
      'the sleeping query',
      async () => {
        const rows = (await backends('active')).filter((b) => b.query.includes('pg_sleep'));
        return rows.length ? rows : undefined;
      },
      3_000,
    );
    const before = lines.length;
    await admin.query('SELECT pg_terminate_backend($1)', [sleeping!.pid]);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.body).toEqual(UNAVAILABLE);
    // The server's 57P01 fails the query; the socket closing after it is the pool's to log.
    expect(lines.slice(before).some((l) => l.msg === 'database unavailable' && l.err?.code === '57P01')).toBe(true);
    await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6').expect(200);
  });

  it('answers 503 when the network drops under a query in flight, and recovers', async () => {
    const slow = express();
    slow.get('/slow', async (_req, res) => {
      await sql`SELECT pg_sleep(10)`.execute(database.db);
      res.json({ slept: true });
    });
    slow.use(errorHandler(logger));
    const pending = request(slow)
      .get('/slow')
      .then((res) => res);
    await waitFor(
      'the sleeping query',
      async () => ((await backends('active')).some((b) => b.query.includes('pg_sleep')) ? true : undefined),
      3_000,
    );
    const before = lines.length;
    await proxy.down();
    try {
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.body).toEqual(UNAVAILABLE);
      // No server message this time: the checked-out client emits 'error' itself, which would
      // kill the process without the listener openDatabase adds.
      expect(lines.slice(before).some((l) => l.msg === 'a database connection in use was lost')).toBe(true);
    } finally {
      await proxy.up();
    }
    await waitFor(
      'a 200 from nearest',
      async () =>
        (await request(app).get('/api/stations/nearest?lng=106.6&lat=26.6')).status === 200 ? true : undefined,
      5_000,
    );
  });

  it('cancels a statement past statement_timeout (503 timeout); withStatementTimeout gives one transaction its own', async () => {
    const { logger: quiet } = capturingLogger();
    const short = await openDatabase({ databaseUrl: inject('apiDatabaseUrl'), dataDir: '', statementTimeoutMs: 300 });
    try {
      const slow = express();
      slow.get('/slow', async (_req, res) => {
        await sql`SELECT pg_sleep(1)`.execute(short.db);
        res.json({ slept: true });
      });
      slow.use(errorHandler(quiet));
      const res = await request(slow).get('/slow').expect(503);
      expect(res.body.error.code).toBe('timeout');
      expect(res.body.error.message).toMatch(/took too long/);
      expect(res.body.error.message).not.toMatch(/cancel|statement/i);

      // A longer budget for one heavy statement, then the default again on the same pool.
      const slept = await withStatementTimeout(short.db, 3_000, async (trx) => {
        await sql`SELECT pg_sleep(0.6)`.execute(trx);
        return (await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(trx)).rows[0];
      });
      expect(slept).toEqual({ statement_timeout: '3s' });
      const after = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(short.db);
      expect(after.rows[0]).toEqual({ statement_timeout: '300ms' });
      // A tighter one, too.
      await expect(
        withStatementTimeout(short.db, 100, (trx) => sql`SELECT pg_sleep(0.25)`.execute(trx)),
      ).rejects.toMatchObject({ code: '57014' });
    } finally {
      await short.close();
    }
  });

  it('fails to open with a clear message when the server is unreachable', async () => {
    await proxy.down();
    try {
      const url = `postgres://wangge:secret@127.0.0.1:${proxy.port}/wangge`;
      const error = await openDatabase({ databaseUrl: url, dataDir: '' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseOpenError);
      expect((error as Error).message).toBe(
        `Cannot connect to PostgreSQL at 127.0.0.1:${proxy.port}/wangge (connect ECONNREFUSED 127.0.0.1:${proxy.port}). ` +
          'Check that the server is running and that DATABASE_URL is right.',
      );
      expect((error as Error).message).not.toContain('secret');
    } finally {
      await proxy.up();
    }
  });
});

describe.skipIf(postgresMode)('the embedded data folder', () => {
  const newDir = () => mkdtempSync(join(tmpdir(), 'wangge-lock-'));

  it('refuses a second open of a folder in use, names the owner, and frees it on close', async () => {
    const dir = newDir();
    const first = await openDatabase({ dataDir: dir });
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
      const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseOpenError);
      expect((error as Error).message).toBe(
        `The data folder ${dir} is already open in this process; close it before opening it again.`,
      );
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    // A stale lock (its process is gone, as after a SIGKILL) is taken over.
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(dir, LOCK_FILE), `${gone.pid}\n`);
    const again = await openDatabase({ dataDir: dir });
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(again.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await again.close();
    }
  });

  it('refuses a folder locked by another running Wangge process, before starting PGlite', async () => {
    const dir = newDir();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n`);
      const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseOpenError);
      expect((error as Error).message).toBe(
        `The data folder ${dir} is in use by another Wangge process (PID ${other.pid}). ` +
          'Stop that process, or set DATA_DIR to another folder.',
      );
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${other.pid}\n`); // left alone
    } finally {
      other.kill();
    }
  });

  it('explains a damaged folder, and leaves no lock behind', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'PG_VERSION'), '99\n');
    const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot open the embedded database in ${dir} \\(.+\\)\\. The folder may be unreadable or damaged`),
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('opening a data folder that cannot be created', () => {
  it('names the folder and what to do', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wangge-file-'));
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, 'not-a-folder'), '');
    const dir = join(parent, 'not-a-folder', 'data');
    const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toBe(
      `Cannot create the data folder ${dir} (ENOTDIR). ` +
        'Set DATA_DIR to a folder this user may write, or set DATABASE_URL to use PostgreSQL.',
    );
  });
});

describe('errors that are not the client’s fault say so in our words', () => {
  const { logger, lines } = capturingLogger();
  let database: Database;
  let app: express.Express;

  beforeAll(async () => {
    database = (await testContext()).database;
    app = express();
    app.get('/overflow', async (_req, res) => {
      // A bound parameter, as a region id from the query string would be: PostgreSQL's text
      // names the value and the type ('value "2147483648" is out of range for type integer').
      res.json(await sql`SELECT ${'2147483648'}::int AS id`.execute(database.db));
    });
    app.get('/not-a-number', async (_req, res) => {
      res.json(await sql`SELECT ${'abc'}::int AS id`.execute(database.db));
    });
    app.post('/body', express.json({ limit: '1kb' }), (req, res) => {
      res.json(req.body);
    });
    app.use(errorHandler(logger));
  });

  it('a database error about the input is a 400 without the database’s text, which goes to the log', async () => {
    const res = await request(app).get('/overflow').expect(400);
    expect(res.body).toEqual({
      error: {
        code: 'out_of_range',
        message: 'A number in the request is out of range; check the ids and counts you sent.',
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/integer|2147483648/);
    expect(
      lines.some(
        (l) => l.msg === 'database refused the input' && /out of range for type integer/.test(l.err?.message ?? ''),
      ),
    ).toBe(true);

    const wrongForm = await request(app).get('/not-a-number').expect(400);
    expect(wrongForm.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(wrongForm.body)).not.toMatch(/syntax|abc/);
  });

  it('malformed and oversized JSON bodies get a 400 and a 413 that say what to send', async () => {
    const bad = await request(app).post('/body').set('Content-Type', 'application/json').send('{"a": ').expect(400);
    expect(bad.body.error.code).toBe('invalid_json');
    expect(bad.body.error.message).toMatch(/^The request body is not valid JSON \(.+\); send well-formed JSON\.$/);
    const big = await request(app)
      .post('/body')
      .send({ text: 'x'.repeat(2_000) })
      .expect(413);
    expect(big.body).toEqual({
      error: {
        code: 'body_too_large',
        message: "The request body is larger than this endpoint's limit of 1 kB; send a smaller body.",
      },
    });
  });

  it('a request past the request timeout answers 503 timeout, and its late answer is dropped', async () => {
    const slowApp = express();
    let lateWrite: Promise<void> | undefined;
    slowApp.use(requestTimeout(100));
    slowApp.get('/slow', async (_req, res) => {
      lateWrite = new Promise((resolve) => setTimeout(resolve, 300));
      await lateWrite;
      res.json({ late: true });
    });
    slowApp.use(errorHandler(logger));
    const res = await request(slowApp).get('/slow').expect(503);
    expect(res.body).toEqual({
      error: {
        code: 'timeout',
        message: 'The server did not finish this request within 0.1 s; try a smaller area, or try again later.',
      },
    });
    await lateWrite;
    await waitFor(
      'the late answer to be dropped',
      async () => (lines.some((l) => l.msg === 'error after the response was sent') ? true : undefined),
      1_000,
    );
  });

  it('tells an unreachable database from a failed query', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused], ''))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('PGlite is closed'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('out of range'), { code: '22003' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('canceling statement'), { code: '57014' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
