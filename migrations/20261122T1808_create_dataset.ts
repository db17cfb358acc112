import { type Kysely, sql } from 'kysely';

/** Which version of a bundled data set is loaded, so `data:load` can skip or replace it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dataset')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dataset').execute();
}
