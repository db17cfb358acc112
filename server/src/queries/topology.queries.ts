/**
 * SQL for the whole-community topology check (issue 7, `GET /api/regions/:id/topology`). Each
 * function returns a builder over one community; the service runs them in one read-only snapshot.
 *
 * Only functions that PostGIS 3.3 (the Debian server) and 3.6 (embedded PGlite) both have: no
 * `ST_CoverageInvalidEdges`/`ST_CoverageUnion` (3.4+). Gaps are the community minus the union of its
 * grids; overlaps are pairwise intersections; slivers are inward buffers of each part.
 *
 * `grid.version` and `zone.version` arrived after `db/schema.ts` was last generated (see
 * grid-edits.queries.ts), so these are `sql` templates, not typed builders.
 */
import type { MultiPolygon } from 'geojson';
import { sql } from 'kysely';
import {
  areaM2,
  asGeoJson,
  boundary,
  covers,
  difference,
  dumpParts,
  erasedByInwardBuffer,
  geodesicBuffer,
  intersection,
  intersects,
  isEmpty,
  lengthM,
  multi,
  multiPolygonsOnly,
  polygonsOnly,
  unionAgg,
  unionOf,
  withinMeters,
} from '../db/postgis';

const ref = sql.ref;

/** A grid as each finding names it. */
export type GridRefRow = { id: string; code: string; name: string; version: number };

/** `SELECT id, level, code, name, ST_Area(geom::geography) FROM region WHERE id = $1` */
export function regionForTopology(id: number) {
  return sql<{ id: number; level: string; code: string; name: string; area_m2: number }>`
    SELECT id, level, code, name, ${areaM2(ref('geom'))} AS area_m2 FROM region WHERE id = ${id}::int`;
}

/** How many grids and zones the community has. */
export function communityCounts(communityId: number) {
  return sql<{ grids: number; zones: number }>`
    SELECT (SELECT count(*) FROM grid WHERE community_id = ${communityId}::int)::int AS grids,
      (SELECT count(*) FROM zone WHERE community_id = ${communityId}::int)::int AS zones`;
}

export type GapRow = {
  geometry: MultiPolygon;
  area_m2: number;
  residents: number;
  neighbours: (GridRefRow & { shared_m: number; merged: MultiPolygon })[];
};

/**
 * The gaps of a community: each connected piece of the community that none of its grids covers,
 * with the residents inside and the grids along it. A piece smaller than `noiseArea_m2`, or erased
 * by an inward buffer of `noiseHalfWidth_m` (nowhere wider than twice that), is digitising noise and
 * left out. A neighbour is a grid of the community whose boundary runs along the gap for more than
 * `minShared_m` (measured as the gap's boundary within `touch_m` of the grid, so that float noise
 * in the overlay does not break a shared edge into points); `merged` is the grid unioned with the gap.
 * ```sql
 * WITH community AS (SELECT geom FROM region WHERE id = $1),
 *   covered AS (SELECT ST_Union(geom) AS geom FROM grid WHERE community_id = $1),
 *   piece AS (SELECT (ST_Dump(ST_CollectionExtract(ST_Difference(c.geom, covered.geom), 3))).geom …),
 *   gap AS (SELECT … FROM piece WHERE area ≥ 1 m² AND NOT ST_IsEmpty(ST_Buffer(geom::geography, -0.5)::geometry))
 * SELECT gap.geom, area, (SELECT sum(weight) FROM demand_point WHERE kind = 'household' AND ST_Intersects(gap.geom, geom)),
 *   (SELECT json_agg(…, ST_Length(ST_Intersection(ST_Boundary(gap.geom), ST_Buffer(g.geom::geography, touch)::geometry)::geography),
 *      ST_Union(g.geom, gap.geom)) FROM grid g WHERE g.community_id = $1 AND ST_DWithin(…, touch))
 * FROM gap ORDER BY area DESC
 * ```
 */
export function communityGaps(
  communityId: number,
  options: { noiseHalfWidth_m: number; noiseArea_m2: number; touch_m: number; minShared_m: number },
) {
  const shared = lengthM(intersection(boundary(ref('gap.geom')), geodesicBuffer(ref('g.geom'), options.touch_m)));
  return sql<GapRow>`
    WITH community AS MATERIALIZED (SELECT geom FROM region WHERE id = ${communityId}::int),
    covered AS MATERIALIZED (
      SELECT ${unionAgg(ref('geom'))} AS geom FROM grid WHERE community_id = ${communityId}::int),
    piece AS MATERIALIZED (
      SELECT p.geom, ${areaM2(ref('p.geom'))} AS area_m2
      FROM (SELECT ${dumpParts(polygonsOnly(difference(ref('community.geom'), ref('covered.geom'))))} AS geom
            FROM community CROSS JOIN covered) p),
    gap AS MATERIALIZED (
      SELECT ${multi(ref('piece.geom'))} AS geom, piece.area_m2 FROM piece
      WHERE piece.area_m2 >= ${options.noiseArea_m2}::float8
        AND NOT ${erasedByInwardBuffer(ref('piece.geom'), options.noiseHalfWidth_m)})
    SELECT ${asGeoJson<MultiPolygon>(ref('gap.geom'))} AS geometry, gap.area_m2,
      (SELECT COALESCE(sum(d.weight), 0)::float8 FROM demand_point d
        WHERE d.kind = 'household' AND ${intersects(ref('gap.geom'), ref('d.geom'))}) AS residents,
      COALESCE((
        SELECT json_agg(json_build_object('id', n.id, 'code', n.code, 'name', n.name, 'version', n.version,
            'shared_m', n.shared_m,
            'merged', ${asGeoJson<MultiPolygon>(multiPolygonsOnly(unionOf(ref('n.geom'), ref('gap.geom'))))})
          ORDER BY n.shared_m DESC, n.code)
        FROM (
          SELECT g.id, g.code, g.name, g.version, g.geom, ${shared} AS shared_m
          FROM grid g
          WHERE g.community_id = ${communityId}::int
            AND ${withinMeters(ref('g.geom'), ref('gap.geom'), options.touch_m)}) n
        WHERE n.shared_m > ${options.minShared_m}::float8), '[]'::json) AS neighbours
    FROM gap
    ORDER BY gap.area_m2 DESC`;
}

export type OverlapRow = { a: GridRefRow; b: GridRefRow; geometry: MultiPolygon; area_m2: number };

/**
 * Pairs of grids of the community that overlap by more than `tolerance_m2`, largest first; each
 * pair once, the lower code first.
 * ```sql
 * SELECT a.…, b.…, ST_Intersection(a.geom, b.geom), ST_Area(…::geography)
 * FROM grid a JOIN grid b ON b.community_id = a.community_id AND a.code < b.code AND ST_Intersects(a.geom, b.geom)
 * WHERE a.community_id = $1 AND ST_Area(…) > $2
 * ```
 */
export function communityOverlaps(communityId: number, tolerance_m2: number) {
  return sql<OverlapRow>`
    SELECT json_build_object('id', o.a_id, 'code', o.a_code, 'name', o.a_name, 'version', o.a_version) AS a,
      json_build_object('id', o.b_id, 'code', o.b_code, 'name', o.b_name, 'version', o.b_version) AS b,
      ${asGeoJson<MultiPolygon>(ref('o.geom'))} AS geometry, o.area_m2
    FROM (
      SELECT x.*, ${areaM2(ref('x.geom'))} AS area_m2
      FROM (
        SELECT a.id AS a_id, a.code AS a_code, a.name AS a_name, a.version AS a_version,
          b.id AS b_id, b.code AS b_code, b.name AS b_name, b.version AS b_version,
          ${multiPolygonsOnly(intersection(ref('a.geom'), ref('b.geom')))} AS geom
        FROM grid a
        JOIN grid b ON b.community_id = a.community_id AND a.code < b.code
          AND ${intersects(ref('a.geom'), ref('b.geom'))}
        WHERE a.community_id = ${communityId}::int) x) o
    WHERE o.area_m2 > ${tolerance_m2}::float8
    ORDER BY o.area_m2 DESC, o.a_code, o.b_code`;
}

export type SliverRow = { grid: GridRefRow; geometry: MultiPolygon; area_m2: number; narrow: boolean };

/**
 * The parts (single polygons) of the community's grids that are slivers: smaller than
 * `minArea_m2`, or erased by an inward buffer of `halfWidth_m` (nowhere as wide as twice that). The
 * same test the saves run (`partsOf` in grid-edits.queries.ts).
 * ```sql
 * SELECT g.…, p.part, ST_Area(p.part::geography), ST_IsEmpty(ST_Buffer(p.part::geography, -1)::geometry)
 * FROM grid g CROSS JOIN LATERAL (SELECT (ST_Dump(g.geom)).geom AS part) p WHERE g.community_id = $1
 * ```
 */
export function communitySlivers(communityId: number, halfWidth_m: number, minArea_m2: number) {
  return sql<SliverRow>`
    SELECT json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'version', s.version) AS grid,
      ${asGeoJson<MultiPolygon>(multi(ref('s.part')))} AS geometry, s.area_m2, s.narrow
    FROM (
      SELECT g.id, g.code, g.name, g.version, p.part, ${areaM2(ref('p.part'))} AS area_m2,
        ${erasedByInwardBuffer(ref('p.part'), halfWidth_m)} AS narrow
      FROM grid g CROSS JOIN LATERAL (SELECT ${dumpParts(ref('g.geom'))} AS part) p
      WHERE g.community_id = ${communityId}::int) s
    WHERE s.area_m2 < ${minArea_m2}::float8 OR s.narrow
    ORDER BY s.code, s.area_m2`;
}

export type ZoneOutsideRow = {
  zone: { id: string; name: string; version: number };
  grid: GridRefRow;
  outside: MultiPolygon;
  outside_m2: number;
  clipped: MultiPolygon | null;
  clipped_empty: boolean;
};

/**
 * Zones of the community's grids that stick out of their grid by more than `tolerance_m`, with the
 * part outside and the zone clipped to its grid. Only zones their grid does not cover exactly are
 * measured, and each such grid is buffered once (a geodesic buffer of a detailed grid is the
 * costly step).
 * ```sql
 * WITH candidate AS (SELECT z.… FROM zone z JOIN grid g ON g.id = z.grid_id WHERE g.community_id = $1 AND NOT ST_Covers(g.geom, z.geom)),
 *   grown AS (SELECT id, ST_Buffer(geom::geography, 1)::geometry FROM grid WHERE id IN (SELECT grid_id FROM candidate))
 * SELECT …, ST_Difference(z.geom, grown.geom), ST_Intersection(z.geom, g.geom) FROM candidate … WHERE NOT ST_IsEmpty(outside)
 * ```
 */
export function zonesOutsideTheirGrid(communityId: number, tolerance_m: number) {
  const outside = multiPolygonsOnly(difference(ref('c.zone_geom'), ref('grown.geom')));
  const clipped = multiPolygonsOnly(intersection(ref('c.zone_geom'), ref('c.grid_geom')));
  return sql<ZoneOutsideRow>`
    WITH candidate AS MATERIALIZED (
      SELECT z.id AS zone_id, z.name AS zone_name, z.version AS zone_version, z.geom AS zone_geom,
        g.id AS grid_id, g.code AS grid_code, g.name AS grid_name, g.version AS grid_version, g.geom AS grid_geom
      FROM zone z JOIN grid g ON g.id = z.grid_id
      WHERE g.community_id = ${communityId}::int AND NOT ${covers(ref('g.geom'), ref('z.geom'))}),
    grown AS MATERIALIZED (
      SELECT g.id, ${geodesicBuffer(ref('g.geom'), tolerance_m)} AS geom
      FROM grid g WHERE g.id IN (SELECT grid_id FROM candidate)),
    measured AS (
      SELECT c.*, ${outside} AS outside FROM candidate c JOIN grown ON grown.id = c.grid_id)
    SELECT json_build_object('id', c.zone_id, 'name', c.zone_name, 'version', c.zone_version) AS zone,
      json_build_object('id', c.grid_id, 'code', c.grid_code, 'name', c.grid_name, 'version', c.grid_version) AS grid,
      ${asGeoJson<MultiPolygon>(ref('c.outside'))} AS outside, ${areaM2(ref('c.outside'))} AS outside_m2,
      ${asGeoJson<MultiPolygon>(clipped)} AS clipped, ${isEmpty(clipped)} AS clipped_empty
    FROM measured c
    WHERE NOT ${isEmpty(ref('c.outside'))}
    ORDER BY c.grid_code, c.zone_name, c.zone_id`;
}

export type GridOutsideRow = {
  grid: GridRefRow;
  outside: MultiPolygon;
  outside_m2: number;
  clipped: MultiPolygon | null;
  clipped_empty: boolean;
};

/**
 * Grids of the community that stick out of it by more than `tolerance_m`, with the part outside and
 * the grid clipped to the community (the community is buffered once; grids it covers exactly are
 * skipped).
 * ```sql
 * WITH community AS (SELECT geom, ST_Buffer(geom::geography, 1)::geometry AS grown FROM region WHERE id = $1)
 * SELECT g.…, ST_Difference(g.geom, grown), ST_Intersection(g.geom, community.geom)
 * FROM grid g, community WHERE g.community_id = $1 AND NOT ST_Covers(community.geom, g.geom) AND NOT ST_IsEmpty(outside)
 * ```
 */
export function gridsOutsideTheirCommunity(communityId: number, tolerance_m: number) {
  const clipped = multiPolygonsOnly(intersection(ref('o.geom'), ref('o.community_geom')));
  return sql<GridOutsideRow>`
    WITH community AS MATERIALIZED (
      SELECT geom, ${geodesicBuffer(ref('geom'), tolerance_m)} AS grown FROM region WHERE id = ${communityId}::int),
    measured AS (
      SELECT g.id, g.code, g.name, g.version, g.geom, community.geom AS community_geom,
        ${multiPolygonsOnly(difference(ref('g.geom'), ref('community.grown')))} AS outside
      FROM grid g CROSS JOIN community
      WHERE g.community_id = ${communityId}::int AND NOT ${covers(ref('community.geom'), ref('g.geom'))})
    SELECT json_build_object('id', o.id, 'code', o.code, 'name', o.name, 'version', o.version) AS grid,
      ${asGeoJson<MultiPolygon>(ref('o.outside'))} AS outside, ${areaM2(ref('o.outside'))} AS outside_m2,
      ${asGeoJson<MultiPolygon>(clipped)} AS clipped, ${isEmpty(clipped)} AS clipped_empty
    FROM measured o
    WHERE NOT ${isEmpty(ref('o.outside'))}
    ORDER BY o.code`;
}

/** Zones of the community that belong to no grid (theirs was deleted). */
export function zonesWithoutGrid(communityId: number) {
  return sql<{ zone: { id: string; name: string; version: number }; geometry: MultiPolygon; area_m2: number }>`
    SELECT json_build_object('id', z.id, 'name', z.name, 'version', z.version) AS zone,
      ${asGeoJson<MultiPolygon>(ref('z.geom'))} AS geometry, ${areaM2(ref('z.geom'))} AS area_m2
    FROM zone z
    WHERE z.community_id = ${communityId}::int AND z.grid_id IS NULL
    ORDER BY z.name, z.id`;
}
