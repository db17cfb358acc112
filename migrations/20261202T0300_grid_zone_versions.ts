import { type Kysely, sql } from 'kysely';

/**
 * Grids and zones become editable (issue 7): who saved each last, and a history of every change so
 * that any earlier version can be looked at and restored. `grid` and `zone` already carry `version`
 * and `updated_at` (their create migrations), so only `updated_by` is added here.
 *
 * A history row keeps the whole feature before and after (`{ geometry: GeoJSON, properties }`),
 * not a diff: a restore then needs one row, and the table outlives the rows it describes (no
 * foreign key to grid or zone: a deleted grid's history stays). Rows saved together (a split, a
 * merge) share a `change_id`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['grid', 'zone']) {
    await sql`ALTER TABLE ${sql.table(table)}
      ADD COLUMN updated_by integer REFERENCES app_user (id) ON DELETE SET NULL`.execute(db);
  }
  await db.schema
    .createTable('edit_history')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('table_name', 'text', (c) => c.notNull().check(sql`table_name IN ('grid', 'zone')`))
    .addColumn('row_id', 'uuid', (c) => c.notNull())
    // The row's version after the change (for a delete, the version that was deleted).
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action IN ('insert', 'update', 'delete', 'restore', 'split', 'merge')`),
    )
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('change_id', 'uuid', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX edit_history_row ON edit_history (table_name, row_id, version)`.execute(db);
  await sql`CREATE INDEX edit_history_change ON edit_history (change_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('edit_history').execute();
  for (const table of ['grid', 'zone']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN updated_by`.execute(db);
  }
}
