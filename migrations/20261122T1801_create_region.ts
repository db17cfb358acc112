import { type Kysely, sql } from 'kysely';

/** Administrative regions: 区 (district) → 街道/镇 (subdistrict) → 社区/村 (community). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('region')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('parent_id', 'integer', (c) => c.references('region.id').onDelete('cascade'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('district', 'subdistrict', 'community')`))
    // 统计用区划代码: 6 digits for a district, 9 for a subdistrict, 12 for a community.
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[0-9]{6}([0-9]{3}){0,2}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('geom', sql`geometry(MultiPolygon, 4326)`, (c) => c.notNull().check(sql`ST_IsValid(geom)`))
    .execute();
  await sql`CREATE INDEX region_geom_gist ON region USING gist (geom)`.execute(db);
  await sql`CREATE INDEX region_parent_idx ON region (parent_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('region').execute();
}
