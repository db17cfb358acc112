import { type Kysely, sql } from 'kysely';

/** Lakes and rivers for the offline basemap. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('water')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('lake', 'river')`))
    .addColumn('name', 'text')
    .addColumn('geom', sql`geometry(Geometry, 4326)`, (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX water_geom_gist ON water USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('water').execute();
}
