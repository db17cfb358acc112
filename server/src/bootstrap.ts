import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DemoCity } from '../../data/src/types';
import { ensureDemoCity } from '../../data/src/ensure';
import type { Database } from './db/client';
import { migrateToLatest } from './db/migrate';
import { loadDemoCity, type LoadResult } from './services/demo-data.service';

export async function readDemoCity(): Promise<DemoCity> {
  const path = await ensureDemoCity();
  return JSON.parse(await readFile(path, 'utf8')) as DemoCity;
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
  if (existing) return { migrated, demo: null };
  options.logger.info('empty database: loading the demo city');
  const demo = await loadDemoCity(database.db, await readDemoCity(), { force: true });
  options.logger.info({ counts: demo.counts, duration_ms: demo.duration_ms }, 'demo city loaded');
  return { migrated, demo };
}
