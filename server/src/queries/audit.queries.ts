import { type RawBuilder, sql } from 'kysely';
import type { Geometry, MultiPolygon } from 'geojson';
import type { Queryable } from '../db/queryable';
import type { Geom } from '../db/schema';
import {
  areaM2,
  asGeoJson,
  boundary,
  covers,
  difference,
  fromGeoJson,
  geodesicBuffer,
  intersection,
  intersects,
  latOf,
  lngOf,
  makeValid,
  multi,
  pointOnSurface,
  polygonizeAgg,
  polygonsOnly,
  subdivide,
  unionAgg,
  withinMeters,
} from '../db/postgis';
import type { StationStatus } from '../contracts/enums';
import type { StationKind } from './stations.queries';

const ref = (name: string) => sql.ref(name) as RawBuilder<Geom>;

/**
 * A fingerprint of every table an audit reads (coverage's tables plus grids), from the change
 * counters the triggers of migration 20261122T1809 bump on every write. Reported as `data_version`.
 * ```sql
 * SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS stamp FROM data_version
 *  WHERE table_name IN ('dataset', 'demand_point', 'grid', 'region', 'road', 'station')
 * ```
 */
export function auditDataStamp() {
  return sql<{ stamp: string }>`
    SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS stamp FROM data_version
     WHERE table_name IN ('dataset', 'demand_point', 'grid', 'region', 'road', 'station')`;
}

/** Every region without geometry but with its area (a district has a few hundred): the tree the audit walks in JS. */
export function regionTree(db: Queryable) {
  return db
    .selectFrom('region')
    .select((eb) => [
      'id',
      'parent_id',
      'level',
      'code',
      'name',
      sql<number>`${areaM2(eb.ref('region.geom'))}::float8`.as('area_m2'),
    ])
    .orderBy('code');
}

/** Every grid without geometry: id, code, name and community. */
export function gridList(db: Queryable) {
  return db.selectFrom('grid').select(['id', 'code', 'name', 'community_id']).orderBy('code');
}

/**
 * Every demand point with the deepest region it lies in (a community where the communities cover
 * it; ties on a shared edge go to the lowest code) and its grid, loaded once per data version.
 *
 * Polygons outside, points inside: each community (and grid) scans the point index once with its
 * prepared geometry, where a lookup per point re-tested the district's and subdistrict's long
 * outlines for each of 100k points (over 15 s under load). Only points outside every community
 * look further up the tree.
 * ```sql
 * WITH community_of AS (SELECT DISTINCT ON (d.id) d.id, r.id AS region_id FROM region r
 *        JOIN demand_point d ON ST_Intersects(r.geom, d.geom) WHERE r.level = 'community' ORDER BY d.id, r.code),
 *      grid_of AS (… the same over grid …)
 * SELECT d.kind, d.weight, ST_X(d.geom), ST_Y(d.geom), COALESCE(c.region_id, (deepest region by lookup)), g.grid_id
 * FROM demand_point d LEFT JOIN community_of c … LEFT JOIN grid_of g … ORDER BY d.id
 * ```
 */
export function demandWithPlaces() {
  return sql<{
    kind: 'household' | 'worker';
    weight: number;
    lng: number;
    lat: number;
    region_id: number | null;
    grid_id: string | null;
  }>`
    WITH community_of AS (
      SELECT DISTINCT ON (d.id) d.id, r.id AS region_id
      FROM region r JOIN demand_point d ON ${intersects(ref('r.geom'), ref('d.geom'))}
      WHERE r.level = 'community'
      ORDER BY d.id, r.code
    ),
    grid_of AS (
      SELECT DISTINCT ON (d.id) d.id, g.id AS grid_id
      FROM grid g JOIN demand_point d ON ${intersects(ref('g.geom'), ref('d.geom'))}
      ORDER BY d.id, g.code
    )
    SELECT d.kind, d.weight::float8 AS weight, ${lngOf(ref('d.geom'))} AS lng, ${latOf(ref('d.geom'))} AS lat,
      COALESCE(c.region_id, (
        SELECT r.id FROM region r WHERE ${intersects(ref('r.geom'), ref('d.geom'))}
        ORDER BY CASE r.level WHEN 'community' THEN 0 WHEN 'subdistrict' THEN 1 ELSE 2 END, r.code LIMIT 1
      )) AS region_id,
      go.grid_id
    FROM demand_point d
    LEFT JOIN community_of c ON c.id = d.id
    LEFT JOIN grid_of go ON go.id = d.id
    ORDER BY d.id`;
}

/**
 * `SET LOCAL jit = off`: the planner guesses millions of rows for the point-in-polygon joins and
 * JIT-compiles them, which cost 1.4 s of a 4 s load; the work itself is index scans. Inside a
 * transaction only.
 */
export function jitOff() {
  return sql`SET LOCAL jit = off`;
}

/** What covers the region: geodesic circles of `radius_m` around active stations, or a given geometry. */
export type AuditCover =
  | { method: 'radius'; radius_m: number; kinds: StationKind[] | undefined }
  | { method: 'network'; geometry: MultiPolygon | string };

export type AuditAreasRow = {
  target: { area_m2: number; gap_area_m2: number };
  /** The cover clipped to the target. */
  reach: Geometry | null;
  /** Direct children of the target. */
  children: { id: number; area_m2: number; gap_area_m2: number }[] | null;
  /** Every community in the target (the target itself when it is one), with its uncovered part. */
  communities: { id: number; area_m2: number; gap_area_m2: number; gap: Geometry | null }[] | null;
  grids: { id: string; area_m2: number; gap_area_m2: number; gap: Geometry | null }[] | null;
  /** Radius: the stations whose circle touches the target. */
  circle_station_ids: string[] | null;
  /** Stations of the kinds, any status, within `nearby_m` of the target. */
  nearby_stations: { id: string; name: string; kind: StationKind; status: StationStatus; inside: boolean }[] | null;
};

/**
 * The areas of an audit in one round trip: the target's region tree (a recursive walk), the cover
 * (the union of geodesic station circles, or the given isochrone geometry), and for the target, each
 * child region, each community and each grid inside it the uncovered part (`geom − cover`) and its
 * area; covered area is area − uncovered area, so one overlay per area suffices. The target's own
 * figures come from the reach (`target ∩ cover`), which the map needs anyway.
 *
 * `nearby_m` bounds how far a station may stand from the target and still reach into it, for
 * the station accounting (which were used, which left out and why).
 */
export function auditAreas(
  db: Queryable,
  args: {
    regionId: number;
    cover: AuditCover;
    kinds: StationKind[] | undefined;
    /** The statuses that count as covering: active, and planned when the audit asks "with planned". */
    covering: StationStatus[];
    nearby_m: number;
  },
) {
  const cover = args.cover;
  const kindFilter = args.kinds?.length ? sql`AND s.kind = ANY(${sql.val(args.kinds)}::text[])` : sql``;
  const stationCircles =
    cover.method === 'radius'
      ? sql`
        SELECT s.id, ${geodesicBuffer(ref('s.geom'), cover.radius_m)} AS geom
        FROM nearby s, target
        WHERE s.status = ANY(${sql.val(args.covering)}::text[])
          AND (s.inside OR ${withinMeters(ref('s.geom'), ref('target.geom'), cover.radius_m)})`
      : sql`SELECT NULL::uuid AS id, NULL::geometry AS geom WHERE false`;
  const coverGeometry =
    cover.method === 'radius'
      ? sql`SELECT ${unionAgg(ref('geom'))} AS geom FROM station_circle`
      : // Polygons only, as in coverage.queries.ts: a GeometryCollection has no prepared-geometry path on PostGIS 3.3.
        sql`SELECT ${polygonsOnly(makeValid(fromGeoJson(cover.geometry)))} AS geom`;
  // Each area subtracts only the cover pieces over it: 5–7× faster than against the whole cover
  // (a district's cover has 4k–12k vertices; 579 grids took 518 ms against it, 73 ms against pieces).
  const gapOf = (g: RawBuilder<Geom>) =>
    polygonsOnly(difference(g, sql<Geom>`(SELECT ${unionAgg(ref('p.geom'))} FROM cover_part p WHERE p.geom && ${g})`));
  return sql<AuditAreasRow>`
    WITH RECURSIVE subtree AS (
      SELECT id, parent_id, level, geom, 0 AS depth FROM region WHERE id = ${args.regionId}
      UNION ALL
      SELECT r.id, r.parent_id, r.level, r.geom, s.depth + 1 FROM region r JOIN subtree s ON r.parent_id = s.id
    ),
    target AS (SELECT id, geom FROM subtree WHERE depth = 0),
    -- A station inside the target is near it; only the others need the geodesic distance to the
    -- outline, which costs ~0.3 ms per station against a district's outline.
    nearby AS MATERIALIZED (
      SELECT s.id, s.name, s.kind, s.status, s.geom, ${intersects(ref('target.geom'), ref('s.geom'))} AS inside
      FROM station s, target
      WHERE (${intersects(ref('target.geom'), ref('s.geom'))}
             OR ${withinMeters(ref('s.geom'), ref('target.geom'), args.nearby_m)}) ${kindFilter}
    ),
    station_circle AS (${stationCircles}),
    cover AS (${coverGeometry}),
    cover_part AS MATERIALIZED (
      SELECT geom, ${areaM2(ref('geom'))}::float8 AS area_m2
      FROM (SELECT ${subdivide(ref('geom'), 128)} AS geom FROM cover WHERE geom IS NOT NULL) parts
    ),
    reach AS (
      SELECT ${polygonsOnly(intersection(ref('target.geom'), ref('cover.geom')))} AS geom
      FROM target CROSS JOIN cover WHERE cover.geom IS NOT NULL
    ),
    area AS MATERIALIZED (
      SELECT s.id, s.depth, s.level, ${areaM2(ref('s.geom'))}::float8 AS area_m2,
        CASE WHEN s.level = 'community' THEN ${gapOf(ref('s.geom'))} END AS gap,
        -- Larger regions only need their covered area, not the gap's shape: the sum over the cover's
        -- pieces of each piece's part inside (whole pieces inside cost nothing), ~5× cheaper than an overlay.
        CASE WHEN s.level <> 'community' THEN (
          SELECT COALESCE(sum(CASE WHEN ${covers(ref('s.geom'), ref('p.geom'))} THEN p.area_m2
                                   ELSE ${areaM2(intersection(ref('p.geom'), ref('s.geom')))} END), 0)
          FROM cover_part p WHERE p.geom && s.geom) END AS covered_area_m2
      FROM subtree s
      WHERE s.depth = 1 OR s.level = 'community'
    ),
    grid_area AS MATERIALIZED (
      SELECT g.id, ${areaM2(ref('g.geom'))}::float8 AS area_m2, ${gapOf(ref('g.geom'))} AS gap
      FROM grid g
      WHERE g.community_id IN (SELECT id FROM subtree WHERE level = 'community')
    )
    SELECT
      (SELECT json_build_object('area_m2', t.area_m2,
           'gap_area_m2', t.area_m2 - COALESCE((SELECT ${areaM2(ref('geom'))} FROM reach), 0))
         FROM (SELECT ${areaM2(ref('geom'))}::float8 AS area_m2 FROM target) t) AS target,
      (SELECT ${asGeoJson(ref('geom'))} FROM reach) AS reach,
      (SELECT json_agg(json_build_object('id', id, 'area_m2', area_m2, 'gap_area_m2',
           CASE WHEN level = 'community' THEN COALESCE(${areaM2(ref('gap'))}, 0) ELSE area_m2 - covered_area_m2 END))
         FROM area WHERE depth = 1) AS children,
      (SELECT json_agg(json_build_object('id', id, 'area_m2', area_m2, 'gap_area_m2', COALESCE(${areaM2(ref('gap'))}, 0),
           'gap', CASE WHEN ST_IsEmpty(gap) THEN NULL ELSE ${asGeoJson(multi(ref('gap')))} END))
         FROM area WHERE level = 'community') AS communities,
      (SELECT json_agg(json_build_object('id', id, 'area_m2', area_m2, 'gap_area_m2', COALESCE(${areaM2(ref('gap'))}, 0),
           'gap', CASE WHEN ST_IsEmpty(gap) THEN NULL ELSE ${asGeoJson(multi(ref('gap')))} END))
         FROM grid_area) AS grids,
      (SELECT array_agg(id::text) FROM station_circle WHERE id IS NOT NULL) AS circle_station_ids,
      (SELECT json_agg(json_build_object('id', id, 'name', name, 'kind', kind, 'status', status, 'inside', inside)
           ORDER BY name) FROM nearby) AS nearby_stations
  `;
}

/**
 * Which of the stations lie inside a region (boundary included).
 * ```sql
 * SELECT s.id FROM station s JOIN region r ON r.id = $1 WHERE s.id = ANY($2) AND ST_Covers(r.geom, s.geom)
 * ```
 */
export function stationsInRegion(db: Queryable, regionId: number, stationIds: string[]) {
  return db
    .selectFrom('station as s')
    .innerJoin('region as r', (join) => join.on('r.id', '=', regionId))
    .select('s.id')
    .where('s.id', 'in', stationIds.length ? stationIds : ['00000000-0000-0000-0000-000000000000'])
    .where((eb) => covers(eb.ref('r.geom'), eb.ref('s.geom')));
}

/** Each station's reach for the redundancy faces: a geodesic circle, or a given isochrone per station. */
export type StationReaches =
  | { method: 'radius'; radius_m: number; kinds: StationKind[] | undefined; covering: StationStatus[] }
  | { method: 'network'; geometries: string[] };

/**
 * Redundancy, step 1 of 3 (one transaction): every station reach that touches the target into a
 * temporary table, their boundaries noded together and polygonised into faces (each face lies in
 * a fixed set of reaches), and each face's id and an inside point for the caller to count.
 * ```sql
 * CREATE TEMP TABLE audit_reach ON COMMIT DROP AS SELECT ST_Buffer(s.geom::geography, $r)::geometry AS geom FROM station s …;
 * CREATE TEMP TABLE audit_face ON COMMIT DROP AS SELECT row_number() OVER () AS id, geom, ST_PointOnSurface(geom) AS p
 *   FROM (SELECT (ST_Dump(ST_Polygonize(ST_Union(ST_Boundary(geom))))).geom FROM audit_reach) f;
 * SELECT id, ST_X(p), ST_Y(p) FROM audit_face;
 * ```
 */
export function redundancyFaceStatements(regionId: number, reaches: StationReaches) {
  const target = sql`(SELECT geom FROM region WHERE id = ${regionId})`;
  const reach =
    reaches.method === 'radius'
      ? sql`SELECT s.id::text AS id, ${geodesicBuffer(ref('s.geom'), reaches.radius_m)} AS geom FROM station s
            WHERE s.status = ANY(${sql.val(reaches.covering)}::text[])
              ${reaches.kinds?.length ? sql`AND s.kind = ANY(${sql.val(reaches.kinds)}::text[])` : sql``}
              AND (${intersects(target as RawBuilder<Geom>, ref('s.geom'))}
                   OR ${withinMeters(ref('s.geom'), target as RawBuilder<Geom>, reaches.radius_m)})`
      : sql`SELECT id, geom FROM (SELECT (n - 1)::text AS id,
                ${polygonsOnly(makeValid(sql<Geom>`ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)`))} AS geom
              FROM unnest(${sql.val(reaches.geometries)}::text[]) WITH ORDINALITY AS t(g, n)) r
            WHERE ${intersects(ref('geom'), target as RawBuilder<Geom>)}`;
  return {
    reaches: sql`CREATE TEMP TABLE audit_reach ON COMMIT DROP AS ${reach}`,
    faces: sql`CREATE TEMP TABLE audit_face ON COMMIT DROP AS
      SELECT row_number() OVER () AS id, geom, ${pointOnSurface(ref('geom'))} AS p
      FROM (SELECT (ST_Dump(${polygonizeAgg(sql<Geom>`(SELECT ${unionAgg(boundary(ref('geom')))} FROM audit_reach)`)})).geom AS geom) f`,
    /** Which reaches touch the target: station ids (radius) or indices into `geometries` (network). */
    reachIds: sql<{ id: string }>`SELECT id FROM audit_reach`,
    points: sql<{
      id: string;
      lng: number;
      lat: number;
    }>`SELECT id, ${lngOf(ref('p'))} AS lng, ${latOf(ref('p'))} AS lat FROM audit_face ORDER BY id`,
  };
}

/**
 * Redundancy, step 3: the place three reaches or more cover, as the union of the reaches minus the
 * faces the caller counted fewer than three on (in a dense district those are a few hundred of
 * thousands, so this unions far less than the counted faces would), clipped to the target.
 * ```sql
 * SELECT ST_AsGeoJSON(g), ST_Area(g::geography) FROM (SELECT ST_Intersection(target,
 *   ST_Difference((SELECT ST_Union(geom) FROM audit_reach), (SELECT ST_Union(geom) FROM audit_face WHERE id = ANY($low))))) …
 * ```
 */
export function redundancyArea(regionId: number, lowFaceIds: number[]) {
  return sql<{ geometry: Geometry | null; area_m2: number }>`
    SELECT ${asGeoJson(multi(ref('g')))} AS geometry, COALESCE(${areaM2(ref('g'))}, 0)::float8 AS area_m2
    FROM (SELECT ${polygonsOnly(
      intersection(
        sql<Geom>`(SELECT geom FROM region WHERE id = ${regionId})`,
        difference(
          sql<Geom>`(SELECT ${unionAgg(ref('geom'))} FROM audit_reach)`,
          sql<Geom>`(SELECT ${unionAgg(ref('geom'))} FROM audit_face WHERE id = ANY(${sql.val(lowFaceIds)}::bigint[]))`,
        ),
      ),
    )} AS g) r`;
}
