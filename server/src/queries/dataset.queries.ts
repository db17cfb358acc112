import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../db/schema';

type Tx = Kysely<DB> | Transaction<DB>;

/** The loaded version of a named data set, if any. */
export function datasetVersion(db: Tx, name: string) {
  return db.selectFrom('dataset').select(['version', 'loaded_at']).where('name', '=', name);
}

export function recordDataset(db: Tx, name: string, version: string) {
  return db
    .insertInto('dataset')
    .values({ name, version })
    .onConflict((oc) => oc.column('name').doUpdateSet({ version, loaded_at: sql`now()` }));
}

/** Empties every data table; the caller runs it inside the load transaction. */
export function truncateAll(db: Tx) {
  return sql`TRUNCATE zone, grid, station, demand_point, road, water, region RESTART IDENTITY CASCADE`.execute(db);
}

/**
 * Inserts regions from GeoJSON text, returning `code → id`.
 * ```sql
 * INSERT INTO region (parent_id, level, code, name, geom)
 * SELECT parent_id, level, code, name, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) FROM unnest($1::int[], $2::text[], …)
 * ```
 */
export function insertRegions(
  db: Tx,
  rows: { parentId: number | null; level: string; code: string; name: string; geojson: string }[],
) {
  return sql<{ id: number; code: string }>`
    INSERT INTO region (parent_id, level, code, name, geom)
    SELECT p, l, c, n, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${sql.val(rows.map((r) => r.parentId))}::int[], ${sql.val(rows.map((r) => r.level))}::text[],
                ${sql.val(rows.map((r) => r.code))}::text[], ${sql.val(rows.map((r) => r.name))}::text[],
                ${sql.val(rows.map((r) => r.geojson))}::text[]) AS t(p, l, c, n, g)
    RETURNING id, code`.execute(db);
}

export function insertGrids(
  db: Tx,
  rows: {
    communityId: number;
    code: string;
    name: string;
    kind: string;
    households: number;
    population: number;
    workerName: string | null;
    workerPhone: string | null;
    geojson: string;
  }[],
) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.val(rows.map((r) => r[k]));
  return sql<{ id: string; code: string }>`
    INSERT INTO grid (community_id, code, name, kind, households, population, worker_name, worker_phone, geom)
    SELECT ci, c, n, k, h, p, wn, wp, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${col('communityId')}::int[], ${col('code')}::text[], ${col('name')}::text[], ${col('kind')}::text[],
                ${col('households')}::int[], ${col('population')}::int[], ${col('workerName')}::text[],
                ${col('workerPhone')}::text[], ${col('geojson')}::text[]) AS t(ci, c, n, k, h, p, wn, wp, g)
    RETURNING id, code`.execute(db);
}

export function insertZones(
  db: Tx,
  rows: { communityId: number; gridId: string | null; name: string; unit: string; geojson: string }[],
) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.val(rows.map((r) => r[k]));
  return sql`
    INSERT INTO zone (community_id, grid_id, name, unit, geom)
    SELECT ci, gi, n, u, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${col('communityId')}::int[], ${col('gridId')}::uuid[], ${col('name')}::text[],
                ${col('unit')}::text[], ${col('geojson')}::text[]) AS t(ci, gi, n, u, g)`.execute(db);
}

export function insertStations(
  db: Tx,
  rows: {
    kind: string;
    name: string;
    address: string;
    lng: number;
    lat: number;
    amenities: string[];
    openingHours: string;
    operator: string;
    phone: string;
    status: string;
    communityId: number | null;
  }[],
) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.val(rows.map((r) => r[k]));
  // Postgres has no array of arrays of unequal length, so amenities travel as one JSON text each.
  const amenities = sql.val(rows.map((r) => JSON.stringify(r.amenities)));
  return sql`
    INSERT INTO station (kind, name, address, geom, amenities, opening_hours, operator, phone, status, community_id)
    SELECT k, n, a, ST_SetSRID(ST_MakePoint(x, y), 4326),
      ARRAY(SELECT json_array_elements_text(am::json)), oh, op, ph, st, ci
    FROM unnest(${col('kind')}::text[], ${col('name')}::text[], ${col('address')}::text[], ${col('lng')}::float8[],
                ${col('lat')}::float8[], ${amenities}::text[], ${col('openingHours')}::text[], ${col('operator')}::text[],
                ${col('phone')}::text[], ${col('status')}::text[], ${col('communityId')}::int[])
      AS t(k, n, a, x, y, am, oh, op, ph, st, ci)`.execute(db);
}

export function insertDemandPoints(
  db: Tx,
  kind: 'household' | 'worker',
  points: readonly (readonly [number, number, number])[],
) {
  return sql`
    INSERT INTO demand_point (kind, weight, geom)
    SELECT ${kind}, w, ST_SetSRID(ST_MakePoint(x, y), 4326)
    FROM unnest(${sql.val(points.map((p) => p[0]))}::float8[], ${sql.val(points.map((p) => p[1]))}::float8[],
                ${sql.val(points.map((p) => p[2]))}::float8[]) AS t(x, y, w)`.execute(db);
}

export function insertRoads(db: Tx, rows: { class: string; name: string | null; oneway: boolean; geojson: string }[]) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.val(rows.map((r) => r[k]));
  return sql`
    INSERT INTO road (class, name, oneway, geom)
    SELECT c, n, o, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)
    FROM unnest(${col('class')}::text[], ${col('name')}::text[], ${col('oneway')}::bool[], ${col('geojson')}::text[]) AS t(c, n, o, g)`.execute(
    db,
  );
}

export function insertWater(db: Tx, rows: { kind: string; name: string | null; geojson: string }[]) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.val(rows.map((r) => r[k]));
  return sql`
    INSERT INTO water (kind, name, geom)
    SELECT k, n, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)
    FROM unnest(${col('kind')}::text[], ${col('name')}::text[], ${col('geojson')}::text[]) AS t(k, n, g)`.execute(db);
}
