/**
 * `npm run data:load [-- --force]`: loads the demo city (building it first if needed) into the
 * configured database. Idempotent: the same version is not loaded twice unless --force.
 */
import { ensureDemoCity } from '../data/src/ensure';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { readDemoCity } from '../server/src/bootstrap';
import { loadDemoCity } from '../server/src/services/demo-data.service';

const force = process.argv.includes('--force');
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  const result = await loadDemoCity(database.db, await readDemoCity(await ensureDemoCity()), { force });
  if (result.loaded) {
    console.log(`Loaded demo city ${result.version.slice(0, 12)} in ${result.duration_ms} ms:`, result.counts);
  } else {
    console.log(`Demo city ${result.version.slice(0, 12)} is already loaded; nothing to do (use --force to reload).`);
  }
} finally {
  await database.close();
}
