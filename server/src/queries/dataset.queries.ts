import { sql } from 'kysely';
import type { Queryable } from '../db/queryable';

/*
 * Bulk loading for the demo city, the road import and the test seeds. Each function returns a
 * builder and executes nothing, so the caller decides where it runs (the demo load runs them all in
 * one transaction). The inserts are set-based: one statement per batch, its columns sent as arrays
 * and unpacked by `unnest`, since row-by-row inserts are ~50× slower on PGlite (STACK-NOTES).
 */

/** The loaded version of a named data set, if any. */
export function datasetVersion(db: Queryable, name: string) {
  return db.selectFrom('dataset').select(['version', 'loaded_at']).where('name', '=', name);
}

export function recordDataset(db: Queryable, name: string, version: string) {
  return db
    .insertInto('dataset')
    .values({ name, version })
    .onConflict((oc) => oc.column('name').doUpdateSet({ version, loaded_at: sql`now()` }));
}

/**
 * Empties every data table; the caller runs it inside the load transaction with `.execute(tx)`
 * (Kysely has no TRUNCATE builder, so this is raw SQL and needs no connection to build).
 * ```sql
 * TRUNCATE zone, grid, station, demand_point, road, water, region RESTART IDENTITY CASCADE
 * ```
 */
export function truncateAll() {
  return sql`TRUNCATE zone, grid, station, demand_point, road, water, region RESTART IDENTITY CASCADE`;
}

/** One array parameter per column: `col('code')` is every row's code, as `$n`. */
function columnOf<Row>(rows: readonly Row[]) {
  return <K extends keyof Row>(key: K) => sql.val(rows.map((row) => row[key]));
}

/**
 * Inserts regions from GeoJSON text; `.execute()` gives each row's `{ id, code }`.
 * ```sql
 * INSERT INTO region (parent_id, level, code, name, geom)
 * SELECT p, l, c, n, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
 * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(p, l, c, n, g)
 * RETURNING id, code
 * ```
 */
export function insertRegions(
  db: Queryable,
  rows: { parentId: number | null; level: string; code: string; name: string; geojson: string }[],
) {
  const col = columnOf(rows);
  return db
    .insertInto('region')
    .columns(['parent_id', 'level', 'code', 'name', 'geom'])
    .expression(
      sql`SELECT p, l, c, n, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${col('parentId')}::int[], ${col('level')}::text[], ${col('code')}::text[], ${col('name')}::text[],
                ${col('geojson')}::text[]) AS t(p, l, c, n, g)`,
    )
    .returning(['id', 'code']);
}

/**
 * Inserts grids from GeoJSON text; `.execute()` gives each row's `{ id, code }`.
 * ```sql
 * INSERT INTO grid (community_id, code, name, kind, households, population, worker_name, worker_phone, geom)
 * SELECT ci, c, n, k, h, p, wn, wp, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) FROM unnest($1::int[], …) AS t(…)
 * RETURNING id, code
 * ```
 */
export function insertGrids(
  db: Queryable,
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
  const col = columnOf(rows);
  return db
    .insertInto('grid')
    .columns([
      'community_id',
      'code',
      'name',
      'kind',
      'households',
      'population',
      'worker_name',
      'worker_phone',
      'geom',
    ])
    .expression(
      sql`SELECT ci, c, n, k, h, p, wn, wp, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${col('communityId')}::int[], ${col('code')}::text[], ${col('name')}::text[], ${col('kind')}::text[],
                ${col('households')}::int[], ${col('population')}::int[], ${col('workerName')}::text[],
                ${col('workerPhone')}::text[], ${col('geojson')}::text[]) AS t(ci, c, n, k, h, p, wn, wp, g)`,
    )
    .returning(['id', 'code']);
}

/**
 * ```sql
 * INSERT INTO zone (community_id, grid_id, name, unit, geom)
 * SELECT ci, gi, n, u, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) FROM unnest($1::int[], $2::uuid[], …) AS t(…)
 * ```
 */
export function insertZones(
  db: Queryable,
  rows: { communityId: number; gridId: string | null; name: string; unit: string; geojson: string }[],
) {
  const col = columnOf(rows);
  return db
    .insertInto('zone')
    .columns(['community_id', 'grid_id', 'name', 'unit', 'geom'])
    .expression(
      sql`SELECT ci, gi, n, u, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
    FROM unnest(${col('communityId')}::int[], ${col('gridId')}::uuid[], ${col('name')}::text[],
                ${col('unit')}::text[], ${col('geojson')}::text[]) AS t(ci, gi, n, u, g)`,
    );
}

/**
 * ```sql
 * INSERT INTO station (kind, name, address, geom, amenities, opening_hours, operator, phone, status, community_id)
 * SELECT k, n, a, ST_SetSRID(ST_MakePoint(x, y), 4326), ARRAY(SELECT json_array_elements_text(am::json)), …
 * FROM unnest($1::text[], …) AS t(…)
 * ```
 */
export function insertStations(
  db: Queryable,
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
  const col = columnOf(rows);
  // Postgres has no array of arrays of unequal length, so amenities travel as one JSON text each.
  const amenities = sql.val(rows.map((r) => JSON.stringify(r.amenities)));
  return db
    .insertInto('station')
    .columns([
      'kind',
      'name',
      'address',
      'geom',
      'amenities',
      'opening_hours',
      'operator',
      'phone',
      'status',
      'community_id',
    ])
    .expression(
      sql`SELECT k, n, a, ST_SetSRID(ST_MakePoint(x, y), 4326),
      ARRAY(SELECT json_array_elements_text(am::json)), oh, op, ph, st, ci
    FROM unnest(${col('kind')}::text[], ${col('name')}::text[], ${col('address')}::text[], ${col('lng')}::float8[],
                ${col('lat')}::float8[], ${amenities}::text[], ${col('openingHours')}::text[], ${col('operator')}::text[],
                ${col('phone')}::text[], ${col('status')}::text[], ${col('communityId')}::int[])
      AS t(k, n, a, x, y, am, oh, op, ph, st, ci)`,
    );
}

/**
 * Demand points given as `[lng, lat, weight]`.
 * ```sql
 * INSERT INTO demand_point (kind, weight, geom)
 * SELECT $1, w, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM unnest($2::float8[], $3::float8[], $4::float8[]) AS t(x, y, w)
 * ```
 */
export function insertDemandPoints(
  db: Queryable,
  kind: 'household' | 'worker',
  points: readonly (readonly [number, number, number])[],
) {
  return db
    .insertInto('demand_point')
    .columns(['kind', 'weight', 'geom'])
    .expression(
      sql`SELECT ${kind}, w, ST_SetSRID(ST_MakePoint(x, y), 4326)
    FROM unnest(${sql.val(points.map((p) => p[0]))}::float8[], ${sql.val(points.map((p) => p[1]))}::float8[],
                ${sql.val(points.map((p) => p[2]))}::float8[]) AS t(x, y, w)`,
    );
}

/**
 * ```sql
 * INSERT INTO road (class, name, oneway, geom)
 * SELECT c, n, o, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[]) AS t(c, n, o, g)
 * ```
 */
export function insertRoads(
  db: Queryable,
  rows: { class: string; name: string | null; oneway: boolean; geojson: string }[],
) {
  const col = columnOf(rows);
  return db
    .insertInto('road')
    .columns(['class', 'name', 'oneway', 'geom'])
    .expression(
      sql`SELECT c, n, o, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)
    FROM unnest(${col('class')}::text[], ${col('name')}::text[], ${col('oneway')}::bool[], ${col('geojson')}::text[]) AS t(c, n, o, g)`,
    );
}

/**
 * ```sql
 * INSERT INTO water (kind, name, geom)
 * SELECT k, n, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, n, g)
 * ```
 */
export function insertWater(db: Queryable, rows: { kind: string; name: string | null; geojson: string }[]) {
  const col = columnOf(rows);
  return db
    .insertInto('water')
    .columns(['kind', 'name', 'geom'])
    .expression(
      sql`SELECT k, n, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)
    FROM unnest(${col('kind')}::text[], ${col('name')}::text[], ${col('geojson')}::text[]) AS t(k, n, g)`,
    );
}
