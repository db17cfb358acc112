import { type Kysely, sql } from 'kysely';

/** Grids (网格): they tile their community with no gap and no overlap. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('grid')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // A grid belongs to exactly one community, never directly to a 街道 or 区 (DB6101/T 3185-2024).
    .addColumn('community_id', 'integer', (c) => c.notNull().references('region.id').onDelete('cascade'))
    // CJ/T 349-2010: community code (12 digits) + sequence.
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[0-9]{15}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('basic')
        .check(sql`kind IN ('basic', 'dedicated')`),
    )
    .addColumn('geom', sql`geometry(MultiPolygon, 4326)`, (c) => c.notNull().check(sql`ST_IsValid(geom)`))
    .addColumn('households', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`households >= 0`),
    )
    .addColumn('population', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`population >= 0`),
    )
    .addColumn('worker_name', 'text')
    .addColumn('worker_phone', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX grid_geom_gist ON grid USING gist (geom)`.execute(db);
  await sql`CREATE INDEX grid_community_idx ON grid (community_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('grid').execute();
}
