/**
 * Every PostGIS function the app uses, each wrapped in a small typed helper (Kysely's "reusable
 * helpers" recipe). `${}` inside `sql` is always a bound parameter, never string-built SQL.
 *
 * Geometry is stored as `geometry(…, 4326)`. Anything measured in metres casts to `geography`,
 * so distances and areas are geodesic (on the WGS84 spheroid), never in degrees.
 */
import { type Expression, type RawBuilder, sql } from 'kysely';
import type { Geometry } from 'geojson';
import type { Geom } from './schema';

type G = Expression<Geom> | RawBuilder<Geom>;

/** `ST_SetSRID(ST_MakePoint(lng, lat), 4326)` */
export const point = (lng: number, lat: number) =>
  sql<Geom>`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)`;

/** `ST_MakeEnvelope(minLng, minLat, maxLng, maxLat, 4326)` */
export const envelope = (bbox: readonly [number, number, number, number]) =>
  sql<Geom>`ST_MakeEnvelope(${bbox[0]}::float8, ${bbox[1]}::float8, ${bbox[2]}::float8, ${bbox[3]}::float8, 4326)`;

/** `ST_SetSRID(ST_GeomFromGeoJSON(json), 4326)`: GeoJSON in, always WGS84 (RFC 7946). */
export const fromGeoJson = (geometry: Geometry | string) =>
  sql<Geom>`ST_SetSRID(ST_GeomFromGeoJSON(${typeof geometry === 'string' ? geometry : JSON.stringify(geometry)}::text), 4326)`;

/** `ST_Multi(g)`: polygons are stored as MultiPolygon so one column type fits all. */
export const multi = (g: G) => sql<Geom>`ST_Multi(${g})`;

/** `ST_AsGeoJSON(g, 7)::json`: arrives in JS as an object, `[lng, lat]`, 7 decimals (~1 cm). */
export const asGeoJson = <T extends Geometry = Geometry>(g: G) => sql<T>`ST_AsGeoJSON(${g}, 7)::json`;

/** `ST_Intersects(a, b)`: index-assisted when one side is an indexed column. */
export const intersects = (a: G, b: G) => sql<boolean>`ST_Intersects(${a}, ${b})`;

/** `ST_Covers(a, b)`: true when no point of b lies outside a (boundary points count as inside). */
export const covers = (a: G, b: G) => sql<boolean>`ST_Covers(${a}, ${b})`;

/** `ST_Distance(a::geography, b::geography)`: metres on the spheroid. */
export const metersBetween = (a: G, b: G) => sql<number>`ST_Distance(${a}::geography, ${b}::geography)`;

/**
 * `a::geography <-> b::geography`: KNN ordering that uses the `(geom::geography)` GiST index.
 * It ranks on a *sphere*, so re-rank a shortlist by `metersBetween` (spheroid) before returning.
 */
export const sphereKnn = (a: G, b: G) => sql<number>`${a}::geography <-> ${b}::geography`;

/** `ST_DWithin(a::geography, b::geography, m)`: within m metres, index-assisted. */
export const withinMeters = (a: G, b: G, meters: number) =>
  sql<boolean>`ST_DWithin(${a}::geography, ${b}::geography, ${meters}::float8)`;

/** `ST_Area(g::geography)`: square metres on the spheroid. */
export const areaM2 = (g: G) => sql<number>`ST_Area(${g}::geography)`;

/**
 * `ST_Buffer(g::geography, m, 'quad_segs=32')::geometry`: a geodesic circle. PostGIS buffers
 * geography in a local projection chosen for the input, so the radius is true metres; 32 segments
 * a quarter keep the polygon's area within 0.05 % of the true circle.
 */
export const geodesicBuffer = (g: G, meters: number) =>
  sql<Geom>`ST_Buffer(${g}::geography, ${meters}::float8, 'quad_segs=32')::geometry`;

/** `ST_Union(g)` aggregate. */
export const unionAgg = (g: G) => sql<Geom>`ST_Union(${g})`;

/** `ST_Intersection(a, b)` */
export const intersection = (a: G, b: G) => sql<Geom>`ST_Intersection(${a}, ${b})`;

/** `ST_Difference(a, b)`; `b` may be NULL (nothing to subtract), then the result is `a`. */
export const difference = (a: G, b: G) => sql<Geom>`COALESCE(ST_Difference(${a}, ${b}), ${a})`;

/** `ST_CollectionExtract(g, 3)`: keep polygons only (intersections can yield lines and points). */
export const polygonsOnly = (g: G) => sql<Geom>`ST_CollectionExtract(${g}, 3)`;

/** `ST_MakeValid(g)`: repairs rings a client built (e.g. contoured isochrones) before overlay. */
export const makeValid = (g: G) => sql<Geom>`ST_MakeValid(${g})`;

/** `ST_IsValid(g)` */
export const isValid = (g: G) => sql<boolean>`ST_IsValid(${g})`;

/** `ST_IsValidReason(g)`: e.g. "Self-intersection[106.6 26.6]". */
export const isValidReason = (g: G) => sql<string>`ST_IsValidReason(${g})`;

/** `ST_GeometryType(g)`: e.g. "ST_Polygon". */
export const geometryType = (g: G) => sql<string>`ST_GeometryType(${g})`;

/**
 * `ARRAY[ST_XMin(ST_Extent(g)), …]::float8[]`: an aggregate giving `[minLng, minLat, maxLng, maxLat]`
 * (Postgres computes the repeated `ST_Extent` once). NULL over no rows.
 */
export const extentBounds = (g: G) =>
  sql<
    [number, number, number, number] | null
  >`CASE WHEN count(${g}) = 0 THEN NULL ELSE ARRAY[ST_XMin(ST_Extent(${g})), ST_YMin(ST_Extent(${g})), ST_XMax(ST_Extent(${g})), ST_YMax(ST_Extent(${g}))]::float8[] END`;

/** `postgis_lib_version()` */
export const postgisVersion = () => sql<string>`postgis_lib_version()`;

/** `ST_X(g)::float8`: a point's longitude. */
export const lngOf = (g: G) => sql<number>`ST_X(${g})::float8`;

/** `ST_Y(g)::float8`: a point's latitude. */
export const latOf = (g: G) => sql<number>`ST_Y(${g})::float8`;

/** `ST_Boundary(g)`: a polygon's rings as lines (for noding overlapping polygons together). */
export const boundary = (g: G) => sql<Geom>`ST_Boundary(${g})`;

/** `ST_Polygonize(g)` aggregate: the faces the (noded) lines enclose, as a GeometryCollection. */
export const polygonizeAgg = (g: G) => sql<Geom>`ST_Polygonize(${g})`;

/** `ST_PointOnSurface(g)`: a point guaranteed inside the polygon (to test which covers hold a face). */
export const pointOnSurface = (g: G) => sql<Geom>`ST_PointOnSurface(${g})`;

/** `ST_Subdivide(g, maxVertices)` set-returning: small pieces, so each overlay touches only what it must. */
export const subdivide = (g: G, maxVertices: number) => sql<Geom>`ST_Subdivide(${g}, ${maxVertices}::int)`;

/** `(ST_IsValidDetail(g)).location`: the point where a geometry first fails `ST_IsValid` (NULL if valid). */
export const invalidLocation = (g: G) => sql<Geom>`(ST_IsValidDetail(${g})).location`;

/** `ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3))`: a repaired geometry's polygons, as a MultiPolygon. */
export const validMultiPolygon = (g: G) => sql<Geom>`ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))`;

/** `ST_Multi(ST_CollectionExtract(g, 3))`: an overlay result's polygons (lines and points dropped), as a MultiPolygon. */
export const multiPolygonsOnly = (g: G) => sql<Geom>`ST_Multi(ST_CollectionExtract(${g}, 3))`;

/** `ST_IsEmpty(g)` */
export const isEmpty = (g: G) => sql<boolean>`ST_IsEmpty(${g})`;

/** `(ST_Dump(g)).geom` set-returning: each polygon of a MultiPolygon on its own row. */
export const dumpParts = (g: G) => sql<Geom>`(ST_Dump(${g})).geom`;

/** `ST_Collect(g)` aggregate: parts back into one geometry, without the cost of a union. */
export const collectAgg = (g: G) => sql<Geom>`ST_Collect(${g})`;

/**
 * `ST_IsEmpty(ST_Buffer(g::geography, -halfWidth_m)::geometry)`: true when an inward buffer of `halfWidth_m`
 * erases the polygon, i.e. it is nowhere wider than `2 × halfWidth_m` (a sliver).
 */
export const erasedByInwardBuffer = (g: G, halfWidth_m: number) =>
  sql<boolean>`ST_IsEmpty(ST_Buffer(${g}::geography, ${-halfWidth_m}::float8)::geometry)`;

/** `ST_Split(g, blade)`: a polygon cut by a line, as a GeometryCollection of the pieces. */
export const splitBy = (g: G, blade: G) => sql<Geom>`ST_Split(${g}, ${blade})`;

/** `ST_NumGeometries(g)`: how many polygons a (multi)polygon has. */
export const numParts = (g: G) => sql<number>`ST_NumGeometries(${g})`;

/** `ST_Force2D(g)`: drops elevations a client sent ([lng, lat, z]); the columns are 2D. */
export const force2d = (g: G) => sql<Geom>`ST_Force2D(${g})`;

/** `ST_Length(g::geography)`: metres of line on the spheroid (0 for points and polygons' interiors). */
export const lengthM = (g: G) => sql<number>`ST_Length(${g}::geography)`;

/** `ST_Union(a, b)`: two geometries dissolved into one (the two-argument form, not the aggregate). */
export const unionOf = (a: G, b: G) => sql<Geom>`ST_Union(${a}, ${b})`;

// File import and export (issue 8).

/** `ST_AsGeoJSON(g, decimals)::json`: for files, which want more than the API's 7 decimals (8 ≈ 1 mm). */
export const asGeoJsonDecimals = <T extends Geometry = Geometry>(g: G, decimals: number) =>
  sql<T>`ST_AsGeoJSON(${g}, ${decimals}::int)::json`;

/** `ST_SetSRID(ST_GeomFromGeoJSON(text), 4326)` of a text column or expression (a staged row's GeoJSON). */
export const fromGeoJsonText = (text: Expression<string> | RawBuilder<string>) =>
  sql<Geom>`ST_SetSRID(ST_GeomFromGeoJSON(${text}), 4326)`;

/** `ST_ForcePolygonCCW(g)`: exterior rings counter-clockwise, holes clockwise (RFC 7946's right-hand rule). */
export const forcePolygonCcw = (g: G) => sql<Geom>`ST_ForcePolygonCCW(${g})`;

/** `ST_Relate(a, b, '2********')`: the interiors share an area (not just an edge or a corner). */
export const interiorsOverlap = (a: G, b: G) => sql<boolean>`ST_Relate(${a}, ${b}, '2********')`;

/** `ST_Perimeter(g::geography)`: metres of boundary on the spheroid. */
export const perimeterM = (g: G) => sql<number>`ST_Perimeter(${g}::geography)`;

/** `ST_Translate(g, dLng, dLat)`: moved by degrees (a trial coordinate-system offset). */
export const translated = (g: G, dLng: number, dLat: number) =>
  sql<Geom>`ST_Translate(${g}, ${dLng}::float8, ${dLat}::float8)`;

/** `ST_Expand(g, degrees)`: the bounding box grown by `degrees` on every side. */
export const expandedBox = (g: G, degrees: number) => sql<Geom>`ST_Expand(${g}, ${degrees}::float8)`;

/** `a <-> b` on geometry: KNN by degrees, index-assisted; re-rank a shortlist by `metersBetween`. */
export const planarKnn = (a: G, b: G) => sql<number>`${a} <-> ${b}`;

// Drafting grids from street blocks (issue 8).

/** `encode(ST_AsEWKB(g), 'hex')`: a geometry exactly, every double intact, to hand back later as it was. */
export const ewkbHex = (g: G) => sql<string>`encode(ST_AsEWKB(${g}), 'hex')`;

/** `ST_GeomFromEWKB(decode(hex, 'hex'))`: the geometry `ewkbHex` gave out. */
export const fromEwkbHex = (hex: Expression<string> | RawBuilder<string>) =>
  sql<Geom>`ST_GeomFromEWKB(decode(${hex}, 'hex'))`;

/** `ST_Centroid(g)`: the area centroid (may lie outside a concave polygon; for distances only). */
export const centroidOf = (g: G) => sql<Geom>`ST_Centroid(${g})`;

/** `ST_CollectionExtract(g, 2)`: keep lines only (a boundary intersection also yields points). */
export const linesOnly = (g: G) => sql<Geom>`ST_CollectionExtract(${g}, 2)`;

/** `ST_Length(ST_BoundingDiagonal(g)::geography)`: the bounding box's diagonal, metres. */
export const boundingDiagonalM = (g: G) => sql<number>`ST_Length(ST_BoundingDiagonal(${g})::geography)`;

/** `ST_SnapToGrid(g, size)`: every vertex rounded to a multiple of `size` degrees. */
export const snappedToGrid = (g: G, size: number) => sql<Geom>`ST_SnapToGrid(${g}, ${size}::float8)`;

/**
 * `ST_Intersection(a, b, gridSize)`: overlay snap-rounded to a grid of `gridSize` degrees (GEOS
 * OverlayNG), which cannot fail with a TopologyException as the floating overlay can. Embedded
 * PGlite (GEOS 3.14) answers such an exception with no rows at all rather than an error.
 */
export const intersectionOnGrid = (a: G, b: G, gridSize: number) =>
  sql<Geom>`ST_Intersection(${a}, ${b}, ${gridSize}::float8)`;

/** `COALESCE(ST_Difference(a, b, gridSize), a)`: as `difference`, snap-rounded (see intersectionOnGrid). */
export const differenceOnGrid = (a: G, b: G, gridSize: number) =>
  sql<Geom>`COALESCE(ST_Difference(${a}, ${b}, ${gridSize}::float8), ${a})`;

/** `ST_Union(g, gridSize)` aggregate, snap-rounded (see intersectionOnGrid). */
export const unionAggOnGrid = (g: G, gridSize: number) => sql<Geom>`ST_Union(${g}, ${gridSize}::float8)`;
