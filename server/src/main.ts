import cluster from 'node:cluster';
import { createApp, createServices } from './app';
import { prepareDatabase } from './bootstrap';
import { loadConfig } from './config';
import { type Database, DatabaseOpenError, openDatabase } from './db/client';
import { createLogger } from './logger';
import { createAppServer } from './routes/fast-path';

const started = performance.now();
const config = loadConfig();
const logger = createLogger(config.logLevel);

if (config.serverProcesses > 1 && !config.databaseUrl) {
  logger.warn('SERVER_PROCESSES needs DATABASE_URL: the embedded database lives inside one process. Running one.');
}
const processes = config.databaseUrl ? config.serverProcesses : 1;
if (processes > 1 && cluster.isPrimary) await runPrimary(processes);
else await runServer({ prepare: cluster.isPrimary });

/**
 * SERVER_PROCESSES > 1: this process migrates the database and loads the demo city once, then forks
 * the servers, which share the port (the kernel hands each connection to one of them). A server
 * that dies is replaced, after a pause if it died young; SIGTERM/SIGINT stops them all gracefully.
 */
async function runPrimary(count: number) {
  const database = await openOrExit();
  await prepareDatabase(database, { demoData: config.demoData, logger });
  await database.close();
  let stopping = false;
  const fork = () => {
    const bornAt = Date.now();
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const young = Date.now() - bornAt < 10_000;
      logger.error(
        { pid: worker.process.pid, code, signal },
        `a server process died; starting another${young ? ' in 5 s' : ''}`,
      );
      setTimeout(fork, young ? 5_000 : 0);
    });
  };
  for (let i = 0; i < count; i++) fork();
  logger.info({ processes: count }, `started ${count} server processes on port ${config.port}`);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    for (const worker of workers) worker?.process.kill(signal);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) worker?.once('exit', () => --left === 0 && process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function openOrExit(): Promise<Database> {
  try {
    return await openDatabase({
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
}

async function runServer({ prepare }: { prepare: boolean }) {
  const database = await openOrExit();
  const opened_ms = Math.round(performance.now() - started);
  // Under SERVER_PROCESSES the primary has prepared it already.
  if (prepare) await prepareDatabase(database, { demoData: config.demoData, logger });

  const services = createServices(database, config);
  const app = createApp({ database, config, logger, services });
  const server = createAppServer(app).listen(config.port, config.host, () => {
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
  server.once('error', async (error: NodeJS.ErrnoException) => {
    // E.g. EADDRINUSE: say which address, close the database cleanly, and stop.
    logger.fatal({ code: error.code }, `Could not listen on ${config.host}:${config.port}: ${error.message}`);
    await database.close();
    process.exit(1);
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
    const graceOver = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs),
    );
    if ((await Promise.race([drained, graceOver])) === 'timeout') {
      logger.warn('in-flight requests did not finish in time; closing their connections');
      server.closeAllConnections();
    }
    clearInterval(sweep);
    await Promise.all([services.routing.close(), services.siting.close()]).catch((error: unknown) =>
      logger.error({ err: error }, 'stopping the worker threads failed'),
    );
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
}
