/** `npm run db:migrate`: applies pending migrations to the configured database. */
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const applied = await migrateToLatest(database.db);
  console.log(
    applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date.',
  );
} finally {
  await database.close();
}
