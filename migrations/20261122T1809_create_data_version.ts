import { type Kysely, sql } from 'kysely';

/** The tables whose changes invalidate something the server keeps in memory. */
const WATCHED = ['region', 'grid', 'zone', 'station', 'demand_point', 'road', 'water', 'dataset'] as const;

/**
 * A change counter per table, bumped in the writing transaction by a statement-level trigger, so
 * every write counts, whoever makes it (the server, `import:roads`, psql) and whatever it touches
 * (a geometry edit changes no count and no max(id)). The routing graph and the coverage cache read
 * one row instead of scanning the tables to notice a change. A rolled-back write rolls its bump back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_version')
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`
    CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO data_version (table_name, version, changed_at) VALUES (TG_TABLE_NAME, 1, now())
      ON CONFLICT (table_name) DO UPDATE SET version = data_version.version + 1, changed_at = now();
      RETURN NULL;
    END $$`.execute(db);
  for (const table of WATCHED) {
    await sql`INSERT INTO data_version (table_name) VALUES (${table})`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_data_version`)}
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of WATCHED) {
    await sql`DROP TRIGGER ${sql.raw(`${table}_data_version`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION bump_data_version()`.execute(db);
  await db.schema.dropTable('data_version').execute();
}
