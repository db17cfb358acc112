import { type Kysely, sql } from 'kysely';

/** The people coverage is measured for: households (weight = persons) and workers. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('demand_point')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('household', 'worker')`))
    .addColumn('weight', 'double precision', (c) => c.notNull().check(sql`weight >= 0`))
    .addColumn('geom', sql`geometry(Point, 4326)`, (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX demand_point_geom_gist ON demand_point USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('demand_point').execute();
}
