import { createApp, createServices } from './app';
import { prepareDatabase } from './bootstrap';
import { loadConfig } from './config';
import { type Database, DatabaseOpenError, openDatabase } from './db/client';
import { createLogger } from './logger';

const started = performance.now();
const config = loadConfig();
const logger = createLogger(config.logLevel);

let database: Database;
try {
  database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    statementTimeoutMs: config.statementTimeoutMs,
  });
} catch (error) {
  // The message says what to do; a stack trace would only bury it.
  if (!(error instanceof DatabaseOpenError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
}
const opened_ms = Math.round(performance.now() - started);
await prepareDatabase(database, { demoData: config.demoData, logger });

const services = createServices(database, config);
const app = createApp({ database, config, logger, services });
const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      port,
      database: database.kind,
      dataDir: database.kind === 'embedded' ? config.dataDir : undefined,
      opened_ms,
      ready_ms: Math.round(performance.now() - started),
    },
    `Wangge is ready at http://localhost:${port}`,
  );
});
// Node's own limits on a slow client: all headers within 15 s (slowloris), the whole request
// (headers and body) within REQUEST_TIMEOUT_MS. The requestTimeout middleware bounds the answer.
server.headersTimeout = Math.min(15_000, config.requestTimeoutMs);
server.requestTimeout = config.requestTimeoutMs;

let closing = false;
/**
 * Stop accepting, let in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then close what is
 * left and the database. PGlite must be closed cleanly, or the next start has to recover its folder.
 */
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal, grace_ms: config.shutdownTimeoutMs }, 'shutting down: finishing in-flight requests');
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() ends only the keep-alive sockets idle right now; a socket whose request finishes later
  // would otherwise stay open until its keep-alive timeout. Sweep them as they go idle.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const graceOver = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs));
  if ((await Promise.race([drained, graceOver])) === 'timeout') {
    logger.warn('in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }
  clearInterval(sweep);
  await services.routing
    .close()
    .catch((error: unknown) => logger.error({ err: error }, 'stopping the routing workers failed'));
  try {
    // A query still running after the grace period must not keep the process up forever.
    await Promise.race([database.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  } catch (error) {
    logger.error({ err: error }, 'closing the database failed');
  }
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
