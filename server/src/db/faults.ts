/**
 * Which driver errors mean the database can't be reached, as opposed to a query that failed. The
 * pool (db/client.ts) uses this to discard a dead connection; errors.ts to answer 503.
 */

/** SQLSTATEs that mean the server is going away or not ready (class 08 is handled by its prefix). */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: a restart or pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

/** Socket errors on the way to the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of node-postgres, pg-pool, Kysely and PGlite errors that carry no code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // unexpectedly / due to connection timeout
  /^timeout exceeded when trying to connect$/, // pg-pool's connectionTimeoutMillis
  /is not queryable$/, // a client that already lost its connection
  /^Cannot use a pool after calling end on the pool$/, // during shutdown
  /^driver has already been destroyed$/,
  /^PGlite is clos(ed|ing)$/,
];

/**
 * Whether `error` means the database can't be reached (down, restarting, network cut), as opposed
 * to a query that failed. Looks through `cause` and AggregateError's `errors` (Node's happy-eyeballs
 * connect tries every address of "localhost").
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true; // connection_exception
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** `statement_timeout` cancelled the query (query_canceled). */
export const isStatementTimeout = (error: unknown) => (error as { code?: unknown } | null)?.code === '57014';
