import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../server/src/db/schema';
import { testContext } from './harness';

let ctx: Awaited<ReturnType<typeof testContext>>;

beforeAll(async () => {
  ctx = await testContext();
});

describe('the migrated schema', () => {
  it('has exactly the tables and columns the Kysely types describe', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY(${Object.keys(COLUMNS)}::text[])`.execute(ctx.database.db);
    const actual: Record<string, string[]> = {};
    for (const row of rows) (actual[row.table_name] ??= []).push(row.column_name);
    const expected = Object.fromEntries(
      Object.entries(COLUMNS).map(([table, columns]) => [table, Object.keys(columns).sort()]),
    );
    expect(Object.fromEntries(Object.entries(actual).map(([table, columns]) => [table, columns.sort()]))).toEqual(
      expected,
    );
  });

  it('counts every write to a watched table in data_version, and a rolled-back write not at all', async () => {
    const db = ctx.database.db;
    const version = async (table: string) =>
      (await sql<{ v: string }>`SELECT version::text AS v FROM data_version WHERE table_name = ${table}`.execute(db))
        .rows[0]!.v;
    const before = await version('water');
    await sql`INSERT INTO water (kind, name, geom) VALUES ('lake', 'test',
      ST_GeomFromText('MULTIPOLYGON(((106 26, 106.001 26, 106.001 26.001, 106 26)))', 4326))`.execute(db);
    await sql`UPDATE water SET name = 'renamed' WHERE name = 'test'`.execute(db);
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`DELETE FROM water WHERE name = 'renamed'`.execute(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await sql`DELETE FROM water WHERE name = 'renamed'`.execute(db);
    expect(BigInt(await version('water')) - BigInt(before)).toBe(3n);
  });

  it('indexes every geometry column with GiST, and station geography for KNN in metres', async () => {
    const { rows } = await sql<{ table_name: string; indexdef: string }>`
      SELECT tablename AS table_name, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gist%'`.execute(
      ctx.database.db,
    );
    const gist = rows.map((r) => `${r.table_name}: ${r.indexdef.replace(/^.*USING gist /i, '')}`).sort();
    for (const table of ['region', 'grid', 'zone', 'station', 'demand_point', 'road', 'water']) {
      expect(gist).toContain(`${table}: (geom)`);
    }
    expect(gist.some((g) => g.startsWith('station:') && /geography/.test(g))).toBe(true);
  });
});
