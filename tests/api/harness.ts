import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../server/src/app';
import { type Database, openDatabase } from '../../server/src/db/client';
import { migrateToLatest } from '../../server/src/db/migrate';

/**
 * One database for the whole API run: every test file shares it (the api project runs in a single
 * worker without isolation). Opening PGlite + PostGIS costs 10–15 s, so it happens once.
 */
let shared: Promise<{ database: Database; app: ReturnType<typeof createApp> }> | undefined;

export function testContext() {
  shared ??= (async () => {
    const url = inject('apiDatabaseUrl');
    const database = await openDatabase({
      databaseUrl: url || undefined,
      dataDir: mkdtempSync(join(tmpdir(), 'wangge-api-')),
    });
    await migrateToLatest(database.db);
    const app = createApp({
      database,
      config: { basemapStyleUrl: undefined, auth: { slowdown: { base_ms: 1, max_ms: 5 } } },
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      webDist: null,
    });
    return { database, app };
  })();
  return shared;
}

/** Each test file seeds its own rows; this empties every data table first. */
export async function resetData(database: Database) {
  // edit_history too: region and row ids restart with each reset, and history outlives its rows, so
  // one file's history would otherwise show up in another's communities.
  await sql`TRUNCATE zone, grid, station, demand_point, road, water, region, dataset, edit_history
    RESTART IDENTITY CASCADE`.execute(database.db);
}
