import express from 'express';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../server/src/errors';
import { access } from '../../server/src/routes/access';
import { seedAccounts } from '../support/accounts';
import { type Caller, type FuzzReport, formatReport, runFuzz, seedFuzzData } from '../support/fuzz';
import { resetData, testContext } from './harness';

/**
 * The short pass of `npm run fuzz` (scripts/fuzz.ts): about 1,500 generated bad requests over every
 * route in the route table, signed out and as each role. See tests/support/fuzz.ts for the checks.
 */
let report: FuzzReport;

beforeAll(async () => {
  const { app, database } = await testContext();
  await resetData(database);
  const { districtId } = await seedFuzzData(database);
  const accounts = await seedAccounts(database);
  const callers: Caller[] = [
    { name: 'signed-out', headers: {} },
    ...(['admin', 'planner', 'official'] as const).map((role) => ({
      name: role,
      headers: { Authorization: `Bearer ${accounts[role].token}` },
    })),
  ];
  report = await runFuzz({ app, database, callers, total: 1500, seed: 6, regionId: districtId });
  if (process.env.FUZZ_VERBOSE || report.failures.length) {
    console.log(formatReport(report));
    if (process.env.FUZZ_VERBOSE)
      for (const r of report.acceptedRequests) console.log(`accepted ${r.status}: ${r.request}`);
  }
}, 600_000);

afterAll(async () => {
  await resetData((await testContext()).database);
});

describe('fuzzed bad requests (short pass)', () => {
  it('reaches every route as every caller, about 1,500 requests', () => {
    expect(report.requests).toBeGreaterThanOrEqual(1500);
    expect(report.routes).toBeGreaterThanOrEqual(20);
    for (const category of [
      'query: bad value',
      'query: repeated',
      'path: bad id',
      'body: malformed JSON',
      'body: deep nesting',
      'body: bad geometry',
    ]) {
      expect(report.byCategory[category] ?? 0).toBeGreaterThan(0);
    }
  });

  it('gives no 5xx, no stack trace or database text, a message in every 4xx, and writes nothing when refusing', () => {
    expect(report.failures).toEqual([]);
    expect(Object.keys(report.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(report.writeChecks).toBeGreaterThan(0);
  });

  it('routes with query parameters refuse unknown, repeated and bracketed ones', () => {
    const strict = ['query: unknown parameter', 'query: repeated', 'query: array syntax', 'query: object syntax'];
    const accepted = report.acceptedRequests.filter((r) => r.strictQuery && strict.includes(r.category));
    expect(accepted.map((r) => r.request)).toEqual([]);
  });
});

describe('the fuzzer itself', () => {
  it('catches a 500, leaked database text, a 4xx without a message and a refused request that wrote', async () => {
    const { database } = await testContext();
    await sql`CREATE TABLE IF NOT EXISTS fuzz_probe (n integer)`.execute(database.db);
    try {
      const broken = express();
      const api = express.Router();
      api.get('/crash', access.public, () => {
        throw new Error('boom');
      });
      api.get('/leak', access.public, (_req, res) => {
        res.status(400).json({ error: { code: 'x', message: 'syntax error at or near "0x10"' } });
      });
      api.get('/mute', access.public, (_req, res) => {
        res.status(400).json({ error: { code: 'x' } });
      });
      api.post('/write', access.public, async (_req, res) => {
        await sql`INSERT INTO fuzz_probe VALUES (1)`.execute(database.db);
        res.status(400).json({ error: { code: 'x', message: 'refused, but wrote first' } });
      });
      broken.use('/api', api);
      broken.use(errorHandler(pino({ level: 'silent' })));
      const found = await runFuzz({
        app: broken,
        database,
        callers: [{ name: 'signed-out', headers: {} }],
        total: 40,
        seed: 1,
        regionId: 1,
      });
      const problems = (route: string) =>
        new Set(found.failures.filter((f) => f.request.includes(route)).map((f) => f.problem.replace(/: .*/, '')));
      expect(problems('/api/crash')).toEqual(new Set(['status 500']));
      expect(problems('/api/leak')).toEqual(new Set(['body matches /syntax error at or near/i']));
      expect(problems('/api/mute')).toEqual(new Set(['a 4xx without error.message']));
      expect(problems('/api/write')).toEqual(new Set(['the database changed']));
    } finally {
      await sql`DROP TABLE fuzz_probe`.execute(database.db);
    }
  });
});
