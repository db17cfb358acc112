import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema';

/**
 * What every query function takes: the database or a transaction on it, so that a service decides
 * where a transaction begins and can run several queries in one (`db.transaction().execute(tx => …)`).
 */
export type Queryable = Kysely<DB> | Transaction<DB>;
