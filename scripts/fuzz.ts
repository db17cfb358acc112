/**
 * `npm run fuzz`: sends at least 10,000 generated bad requests to every route in the app's route
 * table, signed out and as an admin, a planner and an official, and prints what came back. Exits 1
 * on any 5xx, stack trace, database error text, 4xx without a message, or write by a refused request.
 *
 * It builds the app in-process on a database of its own: a scratch database next to DATABASE_URL
 * (dropped afterwards), or without DATABASE_URL a temporary embedded PGlite folder. Rate limits are
 * off so the requests reach the handlers.
 *
 *   npm run fuzz [-- --requests 20000 --seed 7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from '../server/src/app';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { seedAccounts } from '../tests/support/accounts';
import { type Caller, formatReport, runFuzz, seedFuzzData } from '../tests/support/fuzz';
import { createScratchDatabase } from '../tests/support/postgres';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '10000' }, seed: { type: 'string', default: '6' } },
});
const total = Number(values.requests);
const seed = Number(values.seed);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--requests N] [--seed S]');
  process.exit(2);
}

const adminUrl = process.env.DATABASE_URL;
const scratch = adminUrl ? await createScratchDatabase(adminUrl, 'wangge_fuzz') : undefined;
const dataDir = scratch ? undefined : mkdtempSync(join(tmpdir(), 'wangge-fuzz-'));
console.log(`database: ${scratch ? 'PostgreSQL (scratch database)' : `embedded PGlite in ${dataDir}`}`);
const database = await openDatabase({ databaseUrl: scratch?.url, dataDir: dataDir ?? tmpdir() });
let failed = true;
try {
  await migrateToLatest(database.db);
  const { districtId } = await seedFuzzData(database);
  const accounts = await seedAccounts(database);
  const callers: Caller[] = [
    { name: 'signed-out', headers: {} },
    ...(['admin', 'planner', 'official'] as const).map((role) => ({
      name: role,
      headers: { Authorization: `Bearer ${accounts[role].token}` },
    })),
  ];
  const app = createApp({
    database,
    // No rateLimits: every request reaches its handler. Sign-in slow-downs shortened as in the tests.
    config: { basemapStyleUrl: undefined, auth: { slowdown: { base_ms: 1, max_ms: 5 } } },
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    webDist: null,
  });
  let shown = 0;
  const report = await runFuzz({
    app,
    database,
    callers,
    total,
    seed,
    regionId: districtId,
    onProgress: (done, all) => {
      if (done - shown >= 2000 || done === all) {
        shown = done;
        process.stdout.write(`  ${done}/${all}\n`);
      }
    },
  });
  console.log(formatReport(report));
  failed = report.failures.length > 0;
} finally {
  await database.close();
  await scratch?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
