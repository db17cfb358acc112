/**
 * SQL for grid and zone writes (issue 7). `updated_by` and `edit_history` arrived in migration
 * 20261202T0300 after `db/schema.ts` was last generated, so these are `sql` templates, not typed
 * builders. TODO(grid-edits): switch to builders once `npm run db:codegen` has been rerun.
 * Each returns a builder that the service runs inside its transaction (`.execute(tx)`).
 */
import type { Geometry, MultiPolygon } from 'geojson';
import { sql } from 'kysely';
import {
  areaM2,
  asGeoJson,
  collectAgg,
  covers,
  difference,
  dumpParts,
  erasedByInwardBuffer,
  extentBounds,
  force2d,
  fromGeoJson,
  geodesicBuffer,
  geometryType,
  intersection,
  intersects,
  invalidLocation,
  isEmpty,
  isValid,
  isValidReason,
  latOf,
  lngOf,
  multiPolygonsOnly,
  numParts,
  pointOnSurface,
  splitBy,
  unionAgg,
  validMultiPolygon,
} from '../db/postgis';

export type AreaTable = 'grid' | 'zone';

/** What a history row records; the CHECK on edit_history.action holds the same list. */
export type HistoryAction = 'insert' | 'update' | 'delete' | 'restore' | 'split' | 'merge' | 'renumber' | 'import';

/** A row's whole state as history keeps it: `{ geometry: GeoJSON, properties: columns but geom }`. */
const snapshotOf = (alias: string) =>
  sql<AreaSnapshot>`jsonb_build_object('geometry', ST_AsGeoJSON(${sql.ref(`${alias}.geom`)}, 7)::jsonb,
    'properties', to_jsonb(${sql.table(alias)}) - 'geom')`;

export type AreaSnapshot = { geometry: MultiPolygon; properties: Record<string, unknown> };

export type GridRow = {
  id: string;
  community_id: number;
  community_name: string;
  code: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  worker_name: string | null;
  worker_phone: string | null;
  version: number;
  updated_at: Date | string;
  updated_by_username: string | null;
  geometry: MultiPolygon;
  snapshot: AreaSnapshot;
};

/** A GridRow's columns, from `grid g JOIN region c … LEFT JOIN app_user u …` (see gridRowsFrom). */
const gridRowColumns = sql`g.id, g.community_id, c.name AS community_name, g.code, g.name, g.kind, g.households,
  g.population, g.worker_name, g.worker_phone, g.version, g.updated_at, u.username AS updated_by_username,
  ${asGeoJson<MultiPolygon>(sql.ref('g.geom'))} AS geometry, ${snapshotOf('g')} AS snapshot`;
const gridRowsFrom = sql`grid g JOIN region c ON c.id = g.community_id LEFT JOIN app_user u ON u.id = g.updated_by`;

/** One grid with its community name and last editor, locked for the rest of the transaction. */
export function gridForUpdate(id: string) {
  return sql<GridRow>`
    SELECT ${gridRowColumns} FROM ${gridRowsFrom}
    WHERE g.id = ${id}::uuid
    FOR UPDATE OF g`;
}

/** Every grid of a community, by code, locked for the rest of the transaction (a renumber). */
export function communityGridsForUpdate(communityId: number) {
  return sql<GridRow>`
    SELECT ${gridRowColumns} FROM ${gridRowsFrom}
    WHERE g.community_id = ${communityId}::int
    ORDER BY g.code
    FOR UPDATE OF g`;
}

export type ZoneRow = {
  id: string;
  community_id: number;
  grid_id: string | null;
  grid_code: string | null;
  name: string;
  unit: string;
  version: number;
  updated_at: Date | string;
  updated_by_username: string | null;
  geometry: MultiPolygon;
  snapshot: AreaSnapshot;
};

/** One zone with its grid's code and last editor, locked for the rest of the transaction. */
export function zoneForUpdate(id: string) {
  return sql<ZoneRow>`
    SELECT z.id, z.community_id, z.grid_id, g.code AS grid_code, z.name, z.unit, z.version, z.updated_at,
      u.username AS updated_by_username,
      ${asGeoJson<MultiPolygon>(sql.ref('z.geom'))} AS geometry, ${snapshotOf('z')} AS snapshot
    FROM zone z LEFT JOIN grid g ON g.id = z.grid_id LEFT JOIN app_user u ON u.id = z.updated_by
    WHERE z.id = ${id}::uuid
    FOR UPDATE OF z`;
}

/**
 * The community that holds most of a geometry (for a grid sent without one).
 * ```sql
 * SELECT id FROM region WHERE level = 'community' AND ST_Intersects(geom, $g)
 * ORDER BY ST_Area(ST_Intersection(geom, $g)::geography) DESC, code LIMIT 1
 * ```
 */
export function communityHolding(geometry: Geometry) {
  // Repaired first: this runs before the validity check, and an overlay of a bow-tie throws.
  const g = validMultiPolygon(fromGeoJson(geometry));
  return sql<{ id: number }>`
    SELECT id FROM region WHERE level = 'community' AND ${intersects(sql.ref('geom'), g)}
    ORDER BY ${areaM2(intersection(sql.ref('geom'), g))} DESC, code LIMIT 1`;
}

/** A region's level and code, or nothing. */
export function regionById(id: number) {
  return sql<{ id: number; level: string; code: string; name: string }>`
    SELECT id, level, code, name FROM region WHERE id = ${id}::int`;
}

/**
 * Whether a region is one of `scopes` or lies below one (walks `parent_id` up from it).
 * ```sql
 * WITH RECURSIVE up AS (SELECT id, parent_id FROM region WHERE id = $1
 *   UNION SELECT r.id, r.parent_id FROM region r JOIN up ON r.id = up.parent_id)
 * SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY($2)) AS inside
 * ```
 */
export function regionWithinScopes(regionId: number, scopes: number[]) {
  return sql<{ inside: boolean }>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM region WHERE id = ${regionId}::int
      UNION SELECT r.id, r.parent_id FROM region r JOIN up ON r.id = up.parent_id)
    SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY(${sql.val(scopes)}::int[])) AS inside`;
}

/**
 * Validity of a geometry as sent: the reason, where it breaks, and the repaired polygons.
 * ```sql
 * SELECT ST_IsValid(g), ST_IsValidReason(g), (ST_IsValidDetail(g)).location,
 *   ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3))
 * ```
 */
export function validityOf(geometry: Geometry) {
  const g = fromGeoJson(geometry);
  return sql<{
    valid: boolean;
    reason: string;
    location: Geometry | null;
    repaired: MultiPolygon | null;
    repaired_empty: boolean;
    type: string;
  }>`
    SELECT ${isValid(g)} AS valid, ${isValidReason(g)} AS reason,
      ${asGeoJson(invalidLocation(g))} AS location,
      ${asGeoJson<MultiPolygon>(validMultiPolygon(g))} AS repaired,
      ${isEmpty(validMultiPolygon(g))} AS repaired_empty,
      ${geometryType(g)} AS type`;
}

/**
 * The part of a geometry beyond `tolerance_m` outside its parent (a community region or a grid), and
 * the geometry clipped to the parent.
 * ```sql
 * SELECT ST_CollectionExtract(ST_Difference(g, ST_Buffer(parent::geography, 1)::geometry), 3) AS outside,
 *   ST_Multi(ST_CollectionExtract(ST_Intersection(g, parent), 3)) AS clipped
 * ```
 */
export function outsideParent(
  geometry: Geometry,
  parent: { table: 'region' | 'grid'; id: number | string },
  tolerance_m: number,
) {
  const g = fromGeoJson(geometry);
  const parentGeom = sql`(SELECT geom FROM ${sql.table(parent.table)} WHERE id = ${String(parent.id)}::${sql.raw(parent.table === 'region' ? 'int' : 'uuid')})`;
  const outside = multiPolygonsOnly(difference(g, geodesicBuffer(sql`${parentGeom}`, tolerance_m)));
  const clipped = multiPolygonsOnly(intersection(g, sql`${parentGeom}`));
  return sql<{
    outside_empty: boolean;
    outside: MultiPolygon | null;
    outside_m2: number;
    clipped: MultiPolygon | null;
    clipped_empty: boolean;
  }>`
    SELECT ${isEmpty(outside)} AS outside_empty, ${asGeoJson<MultiPolygon>(outside)} AS outside,
      ${areaM2(outside)} AS outside_m2,
      ${asGeoJson<MultiPolygon>(clipped)} AS clipped, ${isEmpty(clipped)} AS clipped_empty`;
}

/**
 * Siblings (grids of the same community, or zones of the same grid) that overlap a geometry by
 * more than `tolerance_m2`, each with the overlap's area.
 * ```sql
 * SELECT s.id, s.code, s.name, ST_Area(ST_Intersection(g, s.geom)::geography) AS overlap_m2
 * FROM grid s WHERE s.community_id = $1 AND s.id <> $2 AND ST_Intersects(s.geom, g)
 * ```
 */
export function overlappingSiblings(
  table: AreaTable,
  geometry: Geometry,
  parentId: number | string,
  selfId: string | null,
  tolerance_m2: number,
) {
  const g = fromGeoJson(geometry);
  const parentColumn =
    table === 'grid' ? sql`s.community_id = ${String(parentId)}::int` : sql`s.grid_id = ${String(parentId)}::uuid`;
  const code = table === 'grid' ? sql`s.code` : sql`NULL::text`;
  return sql<{ id: string; code: string | null; name: string; overlap_m2: number; overlap: Geometry }>`
    SELECT * FROM (
      SELECT s.id, ${code} AS code, s.name, ${areaM2(intersection(g, sql.ref('s.geom')))} AS overlap_m2,
        ${asGeoJson(multiPolygonsOnly(intersection(g, sql.ref('s.geom'))))} AS overlap
      FROM ${sql.table(table)} s
      WHERE ${parentColumn} AND (${selfId}::uuid IS NULL OR s.id <> ${selfId}::uuid)
        AND ${intersects(sql.ref('s.geom'), g)}) o
    WHERE o.overlap_m2 > ${tolerance_m2}::float8
    ORDER BY o.overlap_m2 DESC`;
}

/**
 * A geometry minus the given siblings ("clip to neighbours"), and the overlaps as one geometry.
 * ```sql
 * SELECT ST_Multi(ST_CollectionExtract(ST_Difference(g, (SELECT ST_Union(geom) FROM grid WHERE id = ANY($1))), 3))
 * ```
 */
export function withoutSiblings(table: AreaTable, geometry: Geometry, ids: string[]) {
  const g = fromGeoJson(geometry);
  const others = sql`(SELECT ${unionAgg(sql.ref('geom'))} FROM ${sql.table(table)} WHERE id = ANY(${sql.val(ids)}::uuid[]))`;
  const clipped = multiPolygonsOnly(difference(g, sql`${others}`));
  const overlap = multiPolygonsOnly(intersection(g, sql`${others}`));
  return sql<{ clipped: MultiPolygon | null; clipped_empty: boolean; overlap: MultiPolygon | null }>`
    SELECT ${asGeoJson<MultiPolygon>(clipped)} AS clipped, ${isEmpty(clipped)} AS clipped_empty,
      ${asGeoJson<MultiPolygon>(overlap)} AS overlap`;
}

/**
 * Each polygon of a geometry, with its area and whether an inward buffer of half the minimum width
 * erases it (then it is narrower than the minimum everywhere: a sliver).
 * ```sql
 * SELECT ST_AsGeoJSON(part), ST_Area(part::geography), ST_IsEmpty(ST_Buffer(part::geography, -1))
 * FROM (SELECT (ST_Dump(g)).geom AS part) p
 * ```
 */
export function partsOf(geometry: Geometry, halfWidth_m: number) {
  const g = fromGeoJson(geometry);
  return sql<{ part: MultiPolygon; area_m2: number; narrow: boolean }>`
    SELECT ${asGeoJson<MultiPolygon>(sql`ST_Multi(p.part)`)} AS part, ${areaM2(sql.ref('p.part'))} AS area_m2,
      ${erasedByInwardBuffer(sql.ref('p.part'), halfWidth_m)} AS narrow
    FROM (SELECT ${dumpParts(g)} AS part) p`;
}

/** Parts put back together as one MultiPolygon (`ST_Multi(ST_Collect(…))`). */
export function collectParts(parts: MultiPolygon[]) {
  return sql<{ geometry: MultiPolygon }>`
    SELECT ${asGeoJson<MultiPolygon>(sql`ST_Multi(${collectAgg(sql.ref('p.part'))})`)} AS geometry
    FROM (SELECT ${dumpParts(sql`ST_GeomFromGeoJSON(j)`)} AS part
      FROM unnest(${sql.val(parts.map((p) => JSON.stringify(p)))}::text[]) AS j) p`;
}

/** The next CJ/T 349-2010 code of a community: its 12-digit code and the next free 3-digit sequence. */
export function nextGridCode(communityId: number) {
  return sql<{ code: string }>`
    SELECT r.code || lpad((COALESCE(max(substr(g.code, 13)::int), 0) + 1)::text, 3, '0') AS code
    FROM region r LEFT JOIN grid g ON g.community_id = r.id
    WHERE r.id = ${communityId}::int GROUP BY r.code`;
}

export type GridWrite = {
  communityId: number;
  code: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  workerName: string | null;
  workerPhone: string | null;
  geometry: MultiPolygon;
  updatedBy: number;
};

/** `INSERT INTO grid (…) VALUES (…, ST_Multi(ST_GeomFromGeoJSON($g)), …) RETURNING id` */
export function insertGrid(write: GridWrite) {
  return sql<{ id: string }>`
    INSERT INTO grid (community_id, code, name, kind, households, population, worker_name, worker_phone, geom, updated_by)
    VALUES (${write.communityId}::int, ${write.code}, ${write.name}, ${write.kind}, ${write.households}::int,
      ${write.population}::int, ${write.workerName}, ${write.workerPhone}, ST_Multi(${force2d(fromGeoJson(write.geometry))}),
      ${write.updatedBy}::int)
    RETURNING id`;
}

/** `UPDATE grid SET …, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id` */
export function updateGrid(id: string, version: number, write: GridWrite) {
  return sql<{ id: string }>`
    UPDATE grid SET community_id = ${write.communityId}::int, code = ${write.code}, name = ${write.name},
      kind = ${write.kind}, households = ${write.households}::int, population = ${write.population}::int,
      worker_name = ${write.workerName}, worker_phone = ${write.workerPhone},
      geom = ST_Multi(${force2d(fromGeoJson(write.geometry))}), updated_by = ${write.updatedBy}::int,
      version = version + 1, updated_at = now()
    WHERE id = ${id}::uuid AND version = ${version}::int
    RETURNING id`;
}

export type ZoneWrite = {
  communityId: number;
  gridId: string;
  name: string;
  unit: string;
  geometry: MultiPolygon;
  updatedBy: number;
};

/** `INSERT INTO zone (…) VALUES (…) RETURNING id` */
export function insertZone(write: ZoneWrite) {
  return sql<{ id: string }>`
    INSERT INTO zone (community_id, grid_id, name, unit, geom, updated_by)
    VALUES (${write.communityId}::int, ${write.gridId}::uuid, ${write.name}, ${write.unit},
      ST_Multi(${force2d(fromGeoJson(write.geometry))}), ${write.updatedBy}::int)
    RETURNING id`;
}

/** `UPDATE zone SET …, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id` */
export function updateZone(id: string, version: number, write: ZoneWrite) {
  return sql<{ id: string }>`
    UPDATE zone SET community_id = ${write.communityId}::int, grid_id = ${write.gridId}::uuid, name = ${write.name},
      unit = ${write.unit}, geom = ST_Multi(${force2d(fromGeoJson(write.geometry))}), updated_by = ${write.updatedBy}::int,
      version = version + 1, updated_at = now()
    WHERE id = ${id}::uuid AND version = ${version}::int
    RETURNING id`;
}

/**
 * Deletes a grid or zone at `version`, and returns the area it leaves uncovered in its parent (the
 * deleted geometry minus any sibling that still covers part of it).
 */
export function deleteArea(table: AreaTable, id: string, version: number) {
  const parentColumn = table === 'grid' ? sql.ref('s.community_id') : sql.ref('s.grid_id');
  const ownParent = table === 'grid' ? sql.ref('d.community_id') : sql.ref('d.grid_id');
  const gap = multiPolygonsOnly(
    difference(
      sql.ref('d.geom'),
      sql`(SELECT ${unionAgg(sql.ref('s.geom'))} FROM ${sql.table(table)} s WHERE ${parentColumn} = ${ownParent} AND s.id <> d.id)`,
    ),
  );
  return sql<{ id: string; gap: MultiPolygon | null; gap_m2: number }>`
    WITH d AS (DELETE FROM ${sql.table(table)} WHERE id = ${id}::uuid AND version = ${version}::int RETURNING *)
    SELECT d.id, ${asGeoJson<MultiPolygon>(gap)} AS gap, ${areaM2(gap)} AS gap_m2 FROM d`;
}

/**
 * One history row, with the row's state after the change read from the table itself (NULL once deleted).
 * ```sql
 * INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
 * SELECT 'grid', $id, $version, 'update', $before, (SELECT snapshot FROM grid t WHERE id = $id), $user, $change
 * ```
 */
export function insertHistory(entry: {
  table: AreaTable;
  rowId: string;
  version: number;
  action: HistoryAction;
  before: AreaSnapshot | null;
  userId: number;
  changeId: string;
}) {
  return sql`
    INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
    SELECT ${entry.table}, ${entry.rowId}::uuid, ${entry.version}::int, ${entry.action},
      ${entry.before === null ? null : JSON.stringify(entry.before)}::jsonb,
      (SELECT ${snapshotOf('t')} FROM ${sql.table(entry.table)} t WHERE t.id = ${entry.rowId}::uuid),
      ${entry.userId}::int, ${entry.changeId}::uuid`;
}

export type HistoryRow = {
  version: number;
  action: HistoryAction;
  at: Date | string;
  changed_by: string | null;
  change_id: string;
  before: AreaSnapshot | null;
  after: AreaSnapshot | null;
};

/** A grid's or zone's history, oldest first. */
export function historyOf(table: AreaTable, rowId: string) {
  return sql<HistoryRow>`
    SELECT h.version, h.action, h.at, u.username AS changed_by, h.change_id, h.before, h.after
    FROM edit_history h LEFT JOIN app_user u ON u.id = h.user_id
    WHERE h.table_name = ${table} AND h.row_id = ${rowId}::uuid
    ORDER BY h.id`;
}

/**
 * A grid cut by a line: each resulting polygon, largest first.
 * ```sql
 * SELECT ST_Multi(p.geom), ST_Area(p.geom::geography) FROM (SELECT (ST_Dump(ST_Split(geom, $line))).geom FROM grid WHERE id = $1) p
 * ```
 */
export function splitGrid(id: string, line: Geometry) {
  return sql<{ part: MultiPolygon; area_m2: number }>`
    SELECT ${asGeoJson<MultiPolygon>(sql`ST_Multi(p.part)`)} AS part, ${areaM2(sql.ref('p.part'))} AS area_m2
    FROM (SELECT ${dumpParts(splitBy(sql.ref('g.geom'), fromGeoJson(line)))} AS part FROM grid g WHERE g.id = ${id}::uuid) p
    ORDER BY area_m2 DESC`;
}

/** The union of some grids, and how many separate polygons it has (1 when they are adjacent). */
export function unionOfGrids(ids: string[]) {
  const union = sql`(SELECT ${unionAgg(sql.ref('geom'))} FROM grid WHERE id = ANY(${sql.val(ids)}::uuid[]))`;
  return sql<{ geometry: MultiPolygon; parts: number }>`
    SELECT ${asGeoJson<MultiPolygon>(sql`ST_Multi(${union})`)} AS geometry, ${numParts(sql`${union}`)} AS parts`;
}

/** `DELETE FROM grid WHERE id = $1 AND version = $2 RETURNING id` */
export function deleteGrid(id: string, version: number) {
  return sql<{ id: string }>`DELETE FROM grid WHERE id = ${id}::uuid AND version = ${version}::int RETURNING id`;
}

/**
 * Zones of a grid that stick out of it by more than `tolerance_m` (after its boundary moved), each
 * with the part outside and the zone clipped to the grid.
 * ```sql
 * SELECT z.id, z.name, ST_Difference(z.geom, ST_Buffer(g.geom::geography, 1)::geometry), ST_Intersection(z.geom, g.geom)
 * FROM zone z JOIN grid g ON g.id = z.grid_id WHERE g.id = $1
 * ```
 */
export function zonesOutsideGrid(gridId: string, tolerance_m: number) {
  const outside = multiPolygonsOnly(difference(sql.ref('z.geom'), geodesicBuffer(sql.ref('g.geom'), tolerance_m)));
  const clipped = multiPolygonsOnly(intersection(sql.ref('z.geom'), sql.ref('g.geom')));
  return sql<{
    id: string;
    name: string;
    version: number;
    outside: MultiPolygon;
    clipped: MultiPolygon | null;
    clipped_empty: boolean;
  }>`
    SELECT * FROM (
      SELECT z.id, z.name, z.version, ${asGeoJson<MultiPolygon>(outside)} AS outside, ${isEmpty(outside)} AS outside_empty,
        ${asGeoJson<MultiPolygon>(clipped)} AS clipped, ${isEmpty(clipped)} AS clipped_empty
      FROM zone z JOIN grid g ON g.id = z.grid_id WHERE g.id = ${gridId}::uuid) o
    WHERE NOT o.outside_empty ORDER BY o.name`;
}

/**
 * Where each grid of a community lies, for numbering them west to east and north to south: a point
 * inside it and its bounding box. `ST_PointOnSurface`, not the centroid: an L-shaped grid's centroid
 * can fall in its neighbour. (GEOS takes the point on the horizontal line through the middle of the
 * bounding box, at the middle of the widest stretch inside the polygon.) One row per grid, so the
 * `ST_Extent` aggregate is that grid's box.
 * ```sql
 * SELECT g.id, ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)),
 *   ARRAY[ST_XMin(ST_Extent(g.geom)), …] FROM grid g WHERE g.community_id = $1 GROUP BY g.id
 * ```
 */
export function gridPlaces(communityId: number) {
  return sql<{ id: string; lng: number; lat: number; bounds: [number, number, number, number] }>`
    SELECT g.id, ${lngOf(pointOnSurface(sql.ref('g.geom')))} AS lng, ${latOf(pointOnSurface(sql.ref('g.geom')))} AS lat,
      ${extentBounds(sql.ref('g.geom'))} AS bounds
    FROM grid g WHERE g.community_id = ${communityId}::int
    GROUP BY g.id`;
}

/** Grids of any community whose code starts with `prefix` (a community's 12-digit code). */
export function gridCodesWithPrefix(prefix: string) {
  // left(), not LIKE: a prefix is matched as it is, with no wildcard characters to escape.
  return sql<{ id: string; code: string; community_id: number }>`
    SELECT id, code, community_id FROM grid WHERE left(code, ${prefix.length}::int) = ${prefix}`;
}

/** The grid that holds a code, if any. */
export function gridWithCode(code: string) {
  return sql<{ id: string }>`SELECT id FROM grid WHERE code = ${code}`;
}

/**
 * Gives grids new codes in one statement. With `by`, each also gets a new version and editor (the
 * final step of a renumber); without, only the code changes (the temporary step, which no one sees).
 * ```sql
 * UPDATE grid g SET code = v.code[, version = g.version + 1, updated_by = $by, updated_at = now()]
 * FROM unnest($ids::uuid[], $codes::text[]) AS v(id, code) WHERE g.id = v.id RETURNING g.id
 * ```
 */
export function setGridCodes(codes: { id: string; code: string }[], by: { userId: number } | null) {
  const bump = by ? sql`, version = g.version + 1, updated_by = ${by.userId}::int, updated_at = now()` : sql``;
  return sql<{ id: string }>`
    UPDATE grid g SET code = v.code ${bump}
    FROM unnest(${sql.val(codes.map((c) => c.id))}::uuid[], ${sql.val(codes.map((c) => c.code))}::text[]) AS v(id, code)
    WHERE g.id = v.id
    RETURNING g.id`;
}

/**
 * A deleted grid back under its own id, at `version` (one past the version deleted).
 * `INSERT INTO grid (id, version, …) VALUES ($id, $version, …) RETURNING id`
 */
export function reviveGrid(id: string, version: number, write: GridWrite) {
  return sql<{ id: string }>`
    INSERT INTO grid (id, version, community_id, code, name, kind, households, population, worker_name, worker_phone,
      geom, updated_by)
    VALUES (${id}::uuid, ${version}::int, ${write.communityId}::int, ${write.code}, ${write.name}, ${write.kind},
      ${write.households}::int, ${write.population}::int, ${write.workerName}, ${write.workerPhone},
      ST_Multi(${force2d(fromGeoJson(write.geometry))}), ${write.updatedBy}::int)
    RETURNING id`;
}

/** A deleted zone back under its own id, at `version`. */
export function reviveZone(id: string, version: number, write: ZoneWrite) {
  return sql<{ id: string }>`
    INSERT INTO zone (id, version, community_id, grid_id, name, unit, geom, updated_by)
    VALUES (${id}::uuid, ${version}::int, ${write.communityId}::int, ${write.gridId}::uuid, ${write.name},
      ${write.unit}, ST_Multi(${force2d(fromGeoJson(write.geometry))}), ${write.updatedBy}::int)
    RETURNING id`;
}

/** The grid of a community that covers a point inside a geometry (where a zone belongs), if any. */
export function gridHolding(communityId: number, geometry: Geometry) {
  return sql<{ id: string }>`
    SELECT g.id FROM grid g
    WHERE g.community_id = ${communityId}::int AND ${covers(sql.ref('g.geom'), pointOnSurface(fromGeoJson(geometry)))}
    ORDER BY g.code LIMIT 1`;
}

/**
 * Moves the zones `chosen` selects to grid `to` (NULL: no grid), each at version + 1, and writes each
 * one's history row (before and after) under `changeId`, all in one statement: the zones' own
 * history then shows why their grid changed. `chosen` is a subquery giving zone ids (`SELECT z.id …`).
 */
function reassignZones(
  chosen: ReturnType<typeof sql>,
  to: string | null,
  entry: { action: HistoryAction; userId: number; changeId: string },
) {
  return sql<{ id: string }>`
    WITH old AS (SELECT z.id, ${snapshotOf('z')} AS before FROM zone z WHERE z.id IN (${chosen}) FOR UPDATE OF z),
    moved AS (
      UPDATE zone z SET grid_id = ${to}::uuid, version = z.version + 1, updated_at = now(),
        updated_by = ${entry.userId}::int
      FROM old WHERE z.id = old.id
      RETURNING z.*)
    INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
    SELECT 'zone', moved.id, moved.version, ${entry.action}, old.before, ${snapshotOf('moved')},
      ${entry.userId}::int, ${entry.changeId}::uuid
    FROM moved JOIN old ON old.id = moved.id
    RETURNING row_id AS id`;
}

/**
 * Zones of grids `from` whose point on surface lies in grid `to` move to it (after a split or a
 * merge), with history rows.
 * ```sql
 * … WHERE z.grid_id = ANY($from) AND z.grid_id <> $to AND ST_Covers(to.geom, ST_PointOnSurface(z.geom))
 * ```
 */
export function moveZonesRecorded(
  from: string[],
  to: string,
  entry: { action: HistoryAction; userId: number; changeId: string },
) {
  return reassignZones(
    sql`SELECT z.id FROM zone z JOIN grid g ON g.id = ${to}::uuid
      WHERE z.grid_id = ANY(${sql.val(from)}::uuid[]) AND z.grid_id <> ${to}::uuid
        AND ${covers(sql.ref('g.geom'), pointOnSurface(sql.ref('z.geom')))}`,
    to,
    entry,
  );
}

/** A grid's zones lose their grid (it is being deleted), with history rows. */
export function orphanZones(gridId: string, entry: { userId: number; changeId: string }) {
  return reassignZones(sql`SELECT z.id FROM zone z WHERE z.grid_id = ${gridId}::uuid`, null, {
    ...entry,
    action: 'update',
  });
}

/**
 * Zones of the grid's community that belong to no grid and whose point on surface lies in the grid
 * join it (a deleted grid restored takes back its zones), with history rows.
 */
export function adoptZones(gridId: string, entry: { userId: number; changeId: string }) {
  return reassignZones(
    sql`SELECT z.id FROM zone z JOIN grid g ON g.id = ${gridId}::uuid
      WHERE z.grid_id IS NULL AND z.community_id = g.community_id
        AND ${covers(sql.ref('g.geom'), pointOnSurface(sql.ref('z.geom')))}`,
    gridId,
    { ...entry, action: 'update' },
  );
}

/** The community a history row's snapshot names; the index edit_history_community is on this expression. */
const historyCommunity = sql`((COALESCE(h.after, h.before) -> 'properties' ->> 'community_id')::int)`;

export type CommunityHistoryRow = {
  id: string;
  table_name: AreaTable;
  row_id: string;
  version: number;
  action: HistoryAction;
  at: Date | string;
  changed_by: string | null;
  change_id: string;
  code: string | null;
  name: string;
  changed: string[];
};

/**
 * A community's grid and zone history, newest first, `limit` entries older than entry `before`. No
 * geometry and no values, only what changed: the list stays small at 200 entries.
 * ```sql
 * SELECT h.id, …, ARRAY(SELECT k FROM jsonb_object_keys(after.properties || before.properties) k
 *   WHERE after.properties -> k IS DISTINCT FROM before.properties -> k) AS changed
 * FROM edit_history h WHERE (COALESCE(h.after, h.before) -> 'properties' ->> 'community_id')::int = $1
 *   AND h.id < $2 ORDER BY h.id DESC LIMIT $3
 * ```
 */
export function communityHistory(communityId: number, limit: number, before: number | null) {
  // Every save changes these three; listing them would say nothing.
  const bookkeeping = sql.val(['version', 'updated_at', 'updated_by']);
  return sql<CommunityHistoryRow>`
    SELECT h.id::text AS id, h.table_name, h.row_id, h.version, h.action, h.at, u.username AS changed_by,
      h.change_id,
      CASE WHEN h.table_name = 'grid' THEN COALESCE(h.after, h.before) -> 'properties' ->> 'code' END AS code,
      COALESCE(h.after, h.before) -> 'properties' ->> 'name' AS name,
      CASE WHEN h.before IS NULL OR h.after IS NULL THEN ARRAY[]::text[]
        ELSE ARRAY(
          SELECT k FROM (
            SELECT 'geometry' AS k WHERE (h.after -> 'geometry') IS DISTINCT FROM (h.before -> 'geometry')
            UNION ALL
            SELECT k FROM jsonb_object_keys((h.after -> 'properties') || (h.before -> 'properties')) AS k
            WHERE k <> ALL(${bookkeeping}::text[])
              AND (h.after -> 'properties' -> k) IS DISTINCT FROM (h.before -> 'properties' -> k)) c
          ORDER BY k = 'geometry' DESC, k)
      END AS changed
    FROM edit_history h LEFT JOIN app_user u ON u.id = h.user_id
    WHERE ${historyCommunity} = ${communityId}::int AND (${before}::bigint IS NULL OR h.id < ${before}::bigint)
    ORDER BY h.id DESC
    LIMIT ${limit}::int`;
}
