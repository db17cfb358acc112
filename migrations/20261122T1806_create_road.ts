import { type Kysely, sql } from 'kysely';

/** Street segments: drawn by the basemap, and the graph for routing. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('road')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('oneway', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('geom', sql`geometry(LineString, 4326)`, (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX road_geom_gist ON road USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('road').execute();
}
