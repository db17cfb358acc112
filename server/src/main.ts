import { createApp } from './app';
import { prepareDatabase } from './bootstrap';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { createLogger } from './logger';

const started = performance.now();
const config = loadConfig();
const logger = createLogger(config.logLevel);

const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const opened_ms = Math.round(performance.now() - started);
await prepareDatabase(database, { demoData: config.demoData, logger });

const app = createApp({ database, config, logger });
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

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeAllConnections();
  // PGlite must be closed cleanly, or the next start has to recover its data folder.
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
