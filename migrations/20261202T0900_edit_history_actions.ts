import { type Kysely, sql } from 'kysely';

/**
 * edit_history for the rest of issue 7 and for issue 8:
 * - two more actions: 'renumber' (the CJ/T 349-2010 sequence of a community's grids renumbered west
 *   to east and north to south, one change) and 'import' (rows written by a file import);
 * - an index for a community's history, newest first (`GET /api/grids/history`). A history row has
 *   no community column: the community is in the snapshot it keeps (`after`, or `before` once the row
 *   is deleted), so the index is on that expression, written exactly as the query writes it.
 *
 * The action CHECK was declared on the column, so PostgreSQL named it `edit_history_action_check`.
 */
const ACTIONS_BEFORE = ['insert', 'update', 'delete', 'restore', 'split', 'merge'];
const ACTIONS_AFTER = [...ACTIONS_BEFORE, 'renumber', 'import'];

const actionCheck = (actions: string[]) => sql`CHECK (action IN (${sql.join(actions.map((a) => sql.lit(a)))}))`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE edit_history DROP CONSTRAINT edit_history_action_check,
    ADD CONSTRAINT edit_history_action_check ${actionCheck(ACTIONS_AFTER)}`.execute(db);
  await sql`CREATE INDEX edit_history_community
    ON edit_history (((COALESCE(after, before) -> 'properties' ->> 'community_id')::int), id DESC)`.execute(db);
}

/** Refuses while rows with the new actions exist: dropping them would lose history. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX edit_history_community`.execute(db);
  await sql`ALTER TABLE edit_history DROP CONSTRAINT edit_history_action_check,
    ADD CONSTRAINT edit_history_action_check ${actionCheck(ACTIONS_BEFORE)}`.execute(db);
}
