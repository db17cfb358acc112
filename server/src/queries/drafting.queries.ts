/**
 * SQL for drafting grids (issue 8, `POST /api/regions/:id/draft-grids`): the street blocks of a
 * community with the demand inside them, the straight cuts through blocks that hold too much, and
 * the union of each drafted grid's blocks. The partition itself is TypeScript (server/src/drafting/).
 *
 * Blocks are handed out and back as hex EWKB, so that the union sees exactly the doubles the
 * polygonize produced: blocks from one polygonize share their edges vertex for vertex, and their
 * union leaves no sliver between them. Only functions PostGIS 3.3 and 3.6 both have (no ST_Coverage*).
 */
import type { LineString, MultiPolygon, Polygon } from 'geojson';
import { sql } from 'kysely';
import type { Geom } from '../db/schema';
import {
  areaM2,
  asGeoJson,
  boundary,
  boundingDiagonalM,
  centroidOf,
  dumpParts,
  erasedByInwardBuffer,
  ewkbHex,
  fromEwkbHex,
  geodesicBuffer,
  intersects,
  isEmpty,
  isValid,
  latOf,
  lengthM,
  linesOnly,
  lngOf,
  numParts,
  perimeterM,
  polygonizeAgg,
  polygonsOnly,
  differenceOnGrid,
  intersectionOnGrid,
  unionAggOnGrid,
} from '../db/postgis';

const ref = sql.ref;

/**
 * Every overlay here is snap-rounded to this grid (degrees, about 0.1 mm): the floating overlay can
 * throw a TopologyException on nearly coincident edges (a road drawn along the community's edge),
 * and embedded PGlite then silently answers with no rows. Vertices shared by two blocks round alike,
 * so blocks still share their edges exactly.
 */
export const DRAFT_GRID_DEG = 1e-9;

export type DraftRegionRow = {
  id: number;
  level: string;
  code: string;
  name: string;
  area_m2: number;
  lng: number;
  lat: number;
  /** The community's current grids' totals (0 without grids), for persons per household. */
  grid_households: number;
  grid_population: number;
};

/**
 * A region with what the draft needs of it.
 * ```sql
 * SELECT id, level, code, name, ST_Area(geom::geography), ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)),
 *   (SELECT sum(households) FROM grid WHERE community_id = r.id), (SELECT sum(population) …)
 * FROM region r WHERE id = $1
 * ```
 */
export function regionForDrafting(id: number) {
  return sql<DraftRegionRow>`
    SELECT r.id, r.level, r.code, r.name, ${areaM2(ref('r.geom'))} AS area_m2,
      ${lngOf(centroidOf(ref('r.geom')))} AS lng, ${latOf(centroidOf(ref('r.geom')))} AS lat,
      COALESCE((SELECT sum(households) FROM grid WHERE community_id = r.id), 0)::float8 AS grid_households,
      COALESCE((SELECT sum(population) FROM grid WHERE community_id = r.id), 0)::float8 AS grid_population
    FROM region r WHERE r.id = ${id}::int`;
}

export type StreetFaceRow = {
  id: number;
  /** The face as hex EWKB (see ewkbHex). */
  hex: string;
  area_m2: number;
  perimeter_m: number;
  /** Its area centroid. */
  lng: number;
  lat: number;
  /** Its bounding box's diagonal: a cut across it need be no longer. */
  diagonal_m: number;
  /** Under the minimum part area, or nowhere as wide as the minimum width. */
  crumb: boolean;
};
export type FaceContactRow = { a: number; b: number; shared_m: number };
export type FacePointRow = { face: number; lng: number; lat: number; weight: number };
export type StreetFacesRow = {
  /** Null when the community has no area to cut (json_agg over no rows). */
  faces: StreetFaceRow[] | null;
  contacts: FaceContactRow[] | null;
  points: FacePointRow[] | null;
};

/**
 * The faces the streets cut a community into, with the boundaries they share and the household
 * demand points in each. The lines are the community's boundary, every road clipped to it, and the
 * cuts made so far (hex EWKB); ST_Union nodes them and ST_Polygonize makes the faces. Faces are then
 * clipped to the community, since noding a road that runs along the boundary can bend it by a few
 * centimetres outwards, and whatever of the community no face covers is added as faces of its own
 * (crumbs, folded into their neighbours later). A point on a shared edge counts in one face only.
 * ```sql
 * WITH community AS (SELECT geom FROM region WHERE id = $1),
 *   line AS (SELECT ST_Boundary(geom) FROM community UNION ALL
 *     SELECT ST_Intersection(r.geom, c.geom, 1e-9) FROM road r, community c WHERE ST_Intersects(r.geom, c.geom) UNION ALL
 *     SELECT ST_GeomFromEWKB(decode(cut, 'hex')) FROM unnest($2::text[]) cut),
 *   raw AS (SELECT (ST_Dump(ST_Polygonize(ST_Union(geom, 1e-9)))).geom FROM line),
 *   clipped AS (SELECT (ST_Dump(ST_CollectionExtract(ST_Intersection(raw.geom, c.geom, 1e-9), 3))).geom …),
 *   face AS (clipped UNION ALL the pieces of ST_Difference(c.geom, ST_Union(clipped, 1e-9), 1e-9)),
 *   contact AS (SELECT a.id, b.id, ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), 1e-9), 2)::geography)
 *     FROM face a JOIN face b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)),
 *   point AS (SELECT DISTINCT ON (p.id) f.id, p.lng, p.lat, p.weight FROM demand_point p JOIN face f ON ST_Intersects(f.geom, p.geom)
 *     WHERE p.kind = 'household' ORDER BY p.id, f.id)
 * SELECT json_agg(face …), json_agg(contact …), json_agg(point …)
 * ```
 */
export function streetFaces(
  communityId: number,
  cutsHex: readonly string[],
  crumb: { minArea_m2: number; minHalfWidth_m: number },
) {
  const g = ref<Geom>('geom');
  return sql<StreetFacesRow>`
    WITH community AS (SELECT geom FROM region WHERE id = ${communityId}::int),
    line AS (
      SELECT ${boundary(ref('c.geom'))} AS geom FROM community c
      UNION ALL
      SELECT ${intersectionOnGrid(ref('r.geom'), ref('c.geom'), DRAFT_GRID_DEG)} FROM road r, community c
        WHERE ${intersects(ref('r.geom'), ref('c.geom'))}
      UNION ALL
      SELECT ${fromEwkbHex(ref('cut'))} FROM unnest(${sql.val(cutsHex)}::text[]) AS cut
    ),
    noded AS (SELECT ${unionAggOnGrid(g, DRAFT_GRID_DEG)} AS geom FROM line),
    raw AS (SELECT ${dumpParts(polygonizeAgg(g))} AS geom FROM noded),
    clipped AS (
      SELECT ${dumpParts(polygonsOnly(intersectionOnGrid(ref('raw.geom'), ref('c.geom'), DRAFT_GRID_DEG)))} AS geom
      FROM raw, community c WHERE ${intersects(ref('raw.geom'), ref('c.geom'))}
    ),
    leftover AS (
      SELECT ${dumpParts(polygonsOnly(differenceOnGrid(ref('c.geom'), sql<Geom>`(SELECT ${unionAggOnGrid(g, DRAFT_GRID_DEG)} FROM clipped)`, DRAFT_GRID_DEG)))} AS geom
      FROM community c
    ),
    face AS (
      -- Numbered west to east by centre (then south to north), not in polygonize's order, so that
      -- the same streets give the same blocks, and the same draft, on any server.
      SELECT (row_number() OVER (ORDER BY ${lngOf(centroidOf(g))}, ${latOf(centroidOf(g))}))::int - 1 AS id, geom
      FROM (SELECT geom FROM clipped UNION ALL SELECT geom FROM leftover) AS piece
      WHERE NOT ${isEmpty(g)}
    ),
    measured AS (SELECT id, geom, ${areaM2(g)} AS area_m2, ${perimeterM(g)} AS perimeter_m FROM face),
    contact AS (
      SELECT a.id AS a, b.id AS b,
        ${lengthM(linesOnly(intersectionOnGrid(boundary(ref('a.geom')), boundary(ref('b.geom')), DRAFT_GRID_DEG)))} AS shared_m
      FROM face a JOIN face b ON a.id < b.id AND ${intersects(ref('a.geom'), ref('b.geom'))}
    ),
    point AS (
      SELECT DISTINCT ON (p.id) f.id AS face, ${lngOf(ref('p.geom'))} AS lng, ${latOf(ref('p.geom'))} AS lat,
        p.weight::float8 AS weight
      FROM demand_point p JOIN face f ON ${intersects(ref('f.geom'), ref('p.geom'))}
      WHERE p.kind = 'household'
      ORDER BY p.id, f.id
    )
    SELECT
      (SELECT json_agg(json_build_object(
          'id', id, 'hex', ${ewkbHex(g)}, 'area_m2', area_m2, 'perimeter_m', perimeter_m,
          'lng', ${lngOf(centroidOf(g))}, 'lat', ${latOf(centroidOf(g))}, 'diagonal_m', ${boundingDiagonalM(g)},
          -- A polygon nowhere wider than 2h has A ≤ h·P, so the inward buffer runs only where that holds.
          'crumb', area_m2 < ${crumb.minArea_m2}::float8
            OR (area_m2 < perimeter_m * ${crumb.minHalfWidth_m}::float8
              AND ${erasedByInwardBuffer(g, crumb.minHalfWidth_m)}))
        ORDER BY id) FROM measured) AS faces,
      (SELECT json_agg(json_build_object('a', a, 'b', b, 'shared_m', shared_m)) FROM contact WHERE shared_m > 0) AS contacts,
      (SELECT json_agg(json_build_object('face', face, 'lng', lng, 'lat', lat, 'weight', weight)) FROM point) AS points`;
}

/**
 * Straight cuts, each clipped to the face it cuts grown by `overshoot_m`: the cut reaches past the
 * face's edges, so that noding splits the face for certain (a cut ending a hair short of an edge
 * would be a dangle, which polygonize ignores), and the overshoot is a dangle in the neighbour.
 * ```sql
 * SELECT encode(ST_AsEWKB(geom), 'hex') FROM (
 *   SELECT ST_Intersection(ST_GeomFromGeoJSON(x->>'line'), ST_Buffer(face::geography, $2, 'quad_segs=32')::geometry, 1e-9) AS geom
 *   FROM json_array_elements($1::json) x) cut
 * WHERE NOT ST_IsEmpty(geom)
 * ```
 */
export function clippedCuts(cuts: readonly { faceHex: string; line: LineString }[], overshoot_m: number) {
  const input = JSON.stringify(cuts.map((c) => ({ face: c.faceHex, line: JSON.stringify(c.line) })));
  const line = sql<Geom>`ST_SetSRID(ST_GeomFromGeoJSON(x->>'line'), 4326)`;
  const g = ref<Geom>('geom');
  return sql<{ hex: string }>`
    SELECT ${ewkbHex(g)} AS hex FROM (
      SELECT ${intersectionOnGrid(line, geodesicBuffer(fromEwkbHex(sql<string>`x->>'face'`), overshoot_m), DRAFT_GRID_DEG)} AS geom
      FROM json_array_elements(${input}::json) AS x
    ) AS cut
    WHERE NOT ${isEmpty(g)}`;
}

export type DraftGridRow = {
  grid: number;
  geometry: Polygon | MultiPolygon;
  parts: number;
  valid: boolean;
  area_m2: number;
  perimeter_m: number;
};

/**
 * Each draft grid: the union of its blocks (hex EWKB), with its parts, validity, area and perimeter.
 * ```sql
 * WITH part AS (SELECT (x->>'grid')::int AS grid, ST_GeomFromEWKB(decode(x->>'hex', 'hex')) AS geom FROM json_array_elements($1::json) x),
 *   grid AS (SELECT grid, ST_Union(geom, 1e-9) AS geom FROM part GROUP BY grid)
 * SELECT grid, ST_AsGeoJSON(geom, 7)::json, ST_NumGeometries(geom), ST_IsValid(geom), ST_Area(geom::geography), ST_Perimeter(geom::geography)
 * FROM grid ORDER BY grid
 * ```
 */
export function unionDraftGrids(blocks: readonly { grid: number; hex: string }[]) {
  const g = ref<Geom>('geom');
  return sql<DraftGridRow>`
    WITH part AS (
      SELECT (x->>'grid')::int AS grid, ${fromEwkbHex(sql<string>`x->>'hex'`)} AS geom
      FROM json_array_elements(${JSON.stringify(blocks)}::json) AS x
    ),
    grid AS (SELECT grid, ${unionAggOnGrid(g, DRAFT_GRID_DEG)} AS geom FROM part GROUP BY grid)
    SELECT grid, ${asGeoJson<Polygon | MultiPolygon>(g)} AS geometry, ${numParts(g)}::int AS parts,
      ${isValid(g)} AS valid, ${areaM2(g)} AS area_m2, ${perimeterM(g)} AS perimeter_m
    FROM grid ORDER BY grid`;
}
