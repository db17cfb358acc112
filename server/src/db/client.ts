import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type Transaction,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './faults';
import type { DB } from './schema';

export type DatabaseKind = 'embedded' | 'postgres';

export type Database = {
  db: Kysely<DB>;
  kind: DatabaseKind;
  close: () => Promise<void>;
};

/** How long a request waits for a pool connection before it fails (and the API answers 503). */
export const CONNECT_TIMEOUT_MS = 2_000;
/** The default `statement_timeout` of every PostgreSQL connection; `withStatementTimeout` overrides it. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
/** The lock file that keeps two Wangge processes off one PGlite data folder. */
export const LOCK_FILE = 'wangge.lock';

/** The database could not be opened at start; `message` says what to do, and main.ts prints only that. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * Opens the embedded PGlite + PostGIS database in `dataDir`, or a real PostgreSQL server when a
 * connection string is given. Both are driven by the same Kysely queries and migrations.
 *
 * Throws `DatabaseOpenError` with a message a person can act on when the server can't be reached,
 * or the data folder can't be opened or is in use by another Wangge process.
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Warnings about lost connections go here; the app keeps running without one. */
  logger?: Logger | undefined;
  statementTimeoutMs?: number | undefined;
}): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openEmbedded(options.dataDir);
}

async function openPostgres(
  databaseUrl: string,
  options: { logger?: Logger | undefined; statementTimeoutMs?: number | undefined },
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // In an outage, a request should fail in 2 s with a 503, not queue until the client gives up.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Notice a silently dropped connection (a NAT or firewall timeout) instead of hanging on it.
    keepAlive: true,
    // Sent in the startup packet, so every connection has it before its first query. One runaway
    // query must not hold a connection (and a tenth of the pool) for minutes.
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    // A transaction left open by a bug must not hold locks forever.
    idle_in_transaction_session_timeout: 60_000,
  });
  // Without these listeners, a connection the server ends (a restart: 57P01 "terminating connection
  // due to administrator command", or a network cut) is an unhandled 'error' event, which kills the
  // process. pg-pool listens on idle clients and re-emits on the pool; a checked-out client emits on
  // itself, and its query rejects too, so the request answers 503 (errors.ts). Either way pg-pool
  // discards the broken client when it is released (`_queryable` is false) and the next request
  // opens a fresh connection, so the API recovers once the server is back without a restart.
  pool.on('error', (error) => {
    options.logger?.warn({ err: describeError(error) }, 'an idle database connection was lost; the pool drops it');
  });
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      options.logger?.warn({ err: describeError(error) }, 'a database connection in use was lost');
    });
  });
  try {
    // Fail at start, with the server's own message, rather than on the first request.
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const url = new URL(databaseUrl);
    throw new DatabaseOpenError(
      `Cannot connect to PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname} (${(error as Error).message}). ` +
        'Check that the server is running and that DATABASE_URL is right.',
      { cause: error },
    );
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: discardingDeadClients(pool) }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/**
 * The pool as Kysely sees it, except that a client whose query failed because its connection died
 * goes back destroyed. After pg_terminate_backend (57P01) the query fails at once but the socket
 * closes a moment later; until then pg-pool takes the client for healthy, and the next request
 * that picks it would fail too, though the server is up.
 */
function discardingDeadClients(pool: pg.Pool): PostgresPool {
  return {
    // pg's typings omit Pool.Client; Kysely uses it to open a second connection that cancels a query.
    Client: (pool as unknown as { Client: PostgresPool['Client'] }).Client,
    options: pool.options,
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let dead: Error | undefined;
      const query = (...args: Parameters<pg.PoolClient['query']>) => {
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          result.catch((error: unknown) => {
            if (isDatabaseUnavailable(error)) dead = error as Error;
          });
        }
        return result;
      };
      return {
        get processID() {
          return (client as unknown as { processID?: number }).processID;
        },
        query: query as PostgresPoolClient['query'],
        // A truthy argument tells pg-pool to destroy the client instead of keeping it.
        release: (destroy?: boolean) => client.release(dead ?? destroy),
      };
    },
  };
}

async function openEmbedded(dataDir: string): Promise<Database> {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot create the data folder ${dataDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'Set DATA_DIR to a folder this user may write, or set DATABASE_URL to use PostgreSQL.',
      { cause: error },
    );
  }
  const releaseLock = lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, extensions: { postgis } });
  } catch (error) {
    releaseLock();
    throw new DatabaseOpenError(
      `Cannot open the embedded database in ${dataDir} (${(error as Error).message}). ` +
        'The folder may be unreadable or damaged: check its permissions, restore it from a backup, ' +
        'or point DATA_DIR at an empty folder to start afresh.',
      { cause: error },
    );
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'embedded',
    close: async () => {
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        releaseLock();
      }
    },
  };
}

/**
 * PGlite has no lock of its own: two processes on one folder would both write it and corrupt it.
 * So the folder holds `wangge.lock` with the owner's PID. A live PID refuses the start; a dead one
 * (a crash, a SIGKILL) is stale and taken over. Returns the function that removes the lock.
 *
 * The PID check can't see a process on another machine sharing the folder (NFS); don't do that.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      // 'wx' is O_CREAT | O_EXCL: of two processes starting at once, only one creates the file.
      fd = openSync(path, 'wx');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new DatabaseOpenError(
          `Cannot write the lock file ${path} (${code ?? (error as Error).message}). ` +
            'Set DATA_DIR to a folder this user may write.',
          { cause: error },
        );
      }
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (owner === process.pid && lockedHere.has(path)) {
        throw new DatabaseOpenError(
          `The data folder ${dataDir} is already open in this process; close it before opening it again.`,
        );
      }
      // Our own PID without our own lock is a previous life of this PID (a container restarts its
      // server as PID 1 every time), so it is stale like any other dead owner.
      if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && isLiveNodeProcess(owner)) {
        throw new DatabaseOpenError(
          `The data folder ${dataDir} is in use by another Wangge process (PID ${owner}). ` +
            'Stop that process, or set DATA_DIR to another folder.',
        );
      }
      // Stale: its owner is gone. Remove it and try again; another process may win the race.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first.
      }
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    lockedHere.add(path);
    const release = () => {
      process.removeListener('exit', release);
      lockedHere.delete(path);
      try {
        // Remove only our own lock: a stale-lock takeover may have replaced it.
        if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
      } catch {
        // Already gone.
      }
    };
    // An exit without close() (an uncaught error) still frees the folder for the next start.
    process.on('exit', release);
    return release;
  }
  throw new DatabaseOpenError(`Cannot take the lock file ${path}: other processes keep creating it.`);
}

/** Lock files this process holds, so a second open of one folder in one process is refused too. */
const lockedHere = new Set<string>();

/**
 * Whether `pid` runs, and (where /proc shows it) runs Node: after a reboot the PID of a dead
 * server may belong to an unrelated program, and that must not keep the folder locked.
 */
function isLiveNodeProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust the PID
  }
}

/** What a log line needs from a driver error, without the whole client object pg attaches. */
function describeError(error: unknown) {
  const e = error as { message?: string; code?: string };
  return { message: e.message, code: e.code };
}

/**
 * Runs `work` in a transaction whose statements may take up to `timeoutMs` instead of the default
 * `statement_timeout` (DEFAULT_STATEMENT_TIMEOUT_MS): for one known-heavy query, such as a network
 * coverage of a whole district, that deserves more (or a tight cap on a cheap one). A statement that
 * runs longer is cancelled with SQLSTATE 57014, which the API answers as 503 `timeout`.
 *
 * ```sql
 * BEGIN; SET LOCAL statement_timeout = <timeoutMs>; …work…; COMMIT
 * ```
 * `SET LOCAL` ends with the transaction, so the pooled connection goes back with its default.
 * Given a transaction already open, it sets the timeout there for the rest of that transaction.
 *
 * PGlite accepts the setting but never cancels anything: it runs on the JavaScript thread, with no
 * timer that can interrupt a running statement. In embedded mode this is only a transaction.
 */
export async function withStatementTimeout<T>(
  db: Kysely<DB> | Transaction<DB>,
  timeoutMs: number,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeoutMs must be a positive integer`);
  // SET takes no bind parameters; the integer check above makes the literal safe.
  const setLocal = sql.raw(`SET LOCAL statement_timeout = ${timeoutMs}`);
  if (db.isTransaction) {
    await setLocal.execute(db);
    return work(db as Transaction<DB>);
  }
  return db.transaction().execute(async (trx) => {
    await setLocal.execute(trx);
    return work(trx);
  });
}
