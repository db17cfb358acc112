import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Database } from './db/client';
import { migrateToLatest } from './db/migrate';
import type { DemoCity } from './services/demo-city.types';
import { datasetVersion } from './queries/dataset.queries';
import { writeDemoAccounts } from './services/demo-accounts';
import { DEMO_DATASET, loadDemoCity, type LoadResult } from './services/demo-data.service';

/** The migration that brought accounts (see prepareDatabase). */
const ACCOUNTS_MIGRATION = '20261201T2100_create_accounts';

/**
 * Where `npm run data:build` writes the demo city. The server only reads the file: `npm start`,
 * `npm run dev`, `npm run data:load` and the e2e setup build it first (data/build.ts --if-missing),
 * so the server never imports data/.
 */
export const DEMO_CITY_FILE = fileURLToPath(new URL('../../data/generated/demo-city.json', import.meta.url));

export async function readDemoCity(path: string = DEMO_CITY_FILE): Promise<DemoCity> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `The demo city ${path} is missing: build it with \`npm run data:build\` (\`npm start\` does), or start with DEMO_DATA=off.`,
    );
  }
  return JSON.parse(text) as DemoCity;
}

/**
 * Migrates, then loads the demo city into an empty database. A database that already has regions
 * is left alone: it may hold a planner's edits.
 */
export async function prepareDatabase(
  database: Database,
  options: { demoData: 'auto' | 'off'; logger: Logger },
): Promise<{ migrated: string[]; demo: LoadResult | null }> {
  const migrated = await migrateToLatest(database.db);
  if (migrated.length) options.logger.info({ migrated }, 'migrations applied');
  if (options.demoData === 'off') return { migrated, demo: null };
  const existing = await database.db.selectFrom('region').select('id').limit(1).executeTakeFirst();
  if (existing) {
    // A demo city loaded before accounts existed gets its demo accounts once, when accounts arrive.
    const demoLoaded = await datasetVersion(database.db, DEMO_DATASET).executeTakeFirst();
    if (demoLoaded && migrated.includes(ACCOUNTS_MIGRATION)) {
      await writeDemoAccounts(database.db);
      options.logger.info('demo accounts added to the demo city loaded earlier');
    }
    return { migrated, demo: null };
  }
  options.logger.info('empty database: loading the demo city');
  const demo = await loadDemoCity(database.db, await readDemoCity(), { force: true });
  options.logger.info({ counts: demo.counts, duration_ms: demo.duration_ms }, 'demo city loaded');
  return { migrated, demo };
}
