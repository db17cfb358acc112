import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);
}

export async function down(): Promise<void> {
  // Irreversible on purpose: other schemas in the same database may use PostGIS.
}
