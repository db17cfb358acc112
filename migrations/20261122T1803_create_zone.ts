import { type Kysely, sql } from 'kysely';

/** Responsibility zones (责任区域), each packaged (包保) by one responsible unit. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('zone')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('community_id', 'integer', (c) => c.notNull().references('region.id').onDelete('cascade'))
    // Nullable: a zone may sit directly in a community that has not been gridded yet.
    .addColumn('grid_id', 'uuid', (c) => c.references('grid.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('geom', sql`geometry(MultiPolygon, 4326)`, (c) => c.notNull().check(sql`ST_IsValid(geom)`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX zone_geom_gist ON zone USING gist (geom)`.execute(db);
  await sql`CREATE INDEX zone_grid_idx ON zone (grid_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('zone').execute();
}
