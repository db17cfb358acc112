import { type Kysely, sql } from 'kysely';

/** Rest stations (驿站) and service centres. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('station')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(sql`kind IN ('rider_station', 'outdoor_worker_station', 'party_service_centre', 'convenience_station')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('geom', sql`geometry(Point, 4326)`, (c) => c.notNull())
    .addColumn('amenities', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // OpenStreetMap opening_hours syntax; validated by the service with the opening_hours parser.
    .addColumn('opening_hours', 'text', (c) => c.notNull().defaultTo('24/7'))
    .addColumn('operator', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status IN ('active', 'suspended', 'planned')`),
    )
    .addColumn('community_id', 'integer', (c) => c.references('region.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX station_geom_gist ON station USING gist (geom)`.execute(db);
  // KNN in metres: `<->` on geography ranks on the sphere and can use this index.
  await sql`CREATE INDEX station_geog_gist ON station USING gist ((geom::geography))`.execute(db);
  await sql`CREATE INDEX station_amenities_gin ON station USING gin (amenities)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('station').execute();
}
