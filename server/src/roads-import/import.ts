/**
 * Writes noded road segments to the `road` table, all or nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { insertRoads } from '../queries/dataset.queries';
import { isValidCoordinate, type RoadSegment } from './normalize';
import { deleteAllRoads } from '../queries/roads.queries';

/** Keeps each statement's four array parameters to a few megabytes. */
export const ROAD_BATCH = 2000;

export type WriteOptions = {
  /** Called after each batch with the rows written so far and the total. */
  onProgress?: (written: number, total: number) => void;
  batchSize?: number;
};

/**
 * Inserts segments in set-based batches on the connection or transaction it is given; it opens no
 * transaction itself, so the demo loader can call it inside its own. Per batch:
 * ```sql
 * INSERT INTO road (class, name, oneway, geom)
 * SELECT c, n, o, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[]) AS t(c, n, o, g)
 * ```
 */
export async function writeSegments(
  db: Kysely<DB> | Transaction<DB>,
  segments: readonly RoadSegment[],
  options: WriteOptions = {},
): Promise<number> {
  const size = options.batchSize ?? ROAD_BATCH;
  let written = 0;
  for (let start = 0; start < segments.length; start += size) {
    const batch = segments.slice(start, start + size);
    // PostGIS reads the `null` that JSON makes of NaN as 0: a bad point would land off Africa.
    const bad = batch.findIndex((segment) => segment.coordinates.some(([lng, lat]) => !isValidCoordinate(lng, lat)));
    if (bad >= 0) throw new Error(`road segment ${start + bad} has an invalid coordinate; nothing was written`);
    const rows = batch.map((segment) => ({
      class: segment.class,
      name: segment.name,
      oneway: segment.oneway,
      geojson: JSON.stringify({ type: 'LineString', coordinates: segment.coordinates }),
    }));
    await insertRoads(db, rows).execute();
    written += rows.length;
    options.onProgress?.(written, segments.length);
  }
  return written;
}

export type ImportResult = { deleted: number; written: number };

/**
 * Replaces (or, with `replace: false`, adds to) the roads in one transaction: any failure rolls
 * back, leaving the table as it was. Given a transaction, it runs inside that one instead.
 */
export async function importRoads(
  db: Kysely<DB> | Transaction<DB>,
  segments: readonly RoadSegment[],
  options: WriteOptions & { replace: boolean },
): Promise<ImportResult> {
  const run = async (tx: Kysely<DB> | Transaction<DB>): Promise<ImportResult> => {
    let deleted = 0;
    if (options.replace) {
      const result = await deleteAllRoads(tx).executeTakeFirst();
      deleted = Number(result.numDeletedRows);
    }
    const written = await writeSegments(tx, segments, options);
    return { deleted, written };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
