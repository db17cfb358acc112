/** GeoJSON polygon plumbing shared by the editing actions. */
import { area, featureCollection, intersect, union } from '@turf/turf';
import type { Feature, GeoJsonProperties, MultiPolygon, Polygon, Position } from 'geojson';

export type GridGeometry = Polygon | MultiPolygon;
export type FeatureId = string | number;
/** A grid or responsibility zone: a polygonal feature with an id. */
export type GridFeature<P = GeoJsonProperties> = Feature<GridGeometry, P> & { id: FeatureId };
/** One polygon's rings: the exterior first, then the holes. */
export type PolygonRings = Position[][];

/** The polygons of a Polygon or MultiPolygon. */
export function polygonsOf(geometry: GridGeometry): PolygonRings[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** A Polygon for one polygon, a MultiPolygon for several, null for none. */
export function geometryOf(polygons: PolygonRings[]): GridGeometry | null {
  if (polygons.length === 0) return null;
  if (polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0] as PolygonRings };
  return { type: 'MultiPolygon', coordinates: polygons };
}

/**
 * The same feature (id, properties) with another geometry; the input is not touched. Any `bbox` is
 * dropped: it would describe the old shape.
 */
export function withGeometry<P>(feature: GridFeature<P>, geometry: GridGeometry): GridFeature<P> {
  return { type: 'Feature', id: feature.id, properties: feature.properties, geometry };
}

/** A bare feature around a geometry, for turf calls. */
export function asFeature(geometry: GridGeometry): Feature<GridGeometry> {
  return { type: 'Feature', properties: {}, geometry };
}

/**
 * Geodesic area in m²: turf `area`, on a sphere of radius 6,378,137 m. It reads 0.2 % (at 26.6° N) to
 * 0.7 % (at the equator) above the ellipsoidal area PostGIS's geography `ST_Area` gives, so compare
 * client and server figures with that margin.
 */
export function area_m2(geometry: GridGeometry | null | undefined): number {
  return geometry ? area(asFeature(geometry)) : 0;
}

/** Every position of a geometry, closing positions included. */
export function* positionsOf(geometry: GridGeometry): Generator<Position> {
  for (const polygon of polygonsOf(geometry)) for (const ring of polygon) yield* ring;
}

export type Bbox = [west: number, south: number, east: number, north: number];

export function bboxOf(geometry: GridGeometry): Bbox {
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of positionsOf(geometry)) {
    const lng = p[0] as number;
    const lat = p[1] as number;
    if (lng < box[0]) box[0] = lng;
    if (lat < box[1]) box[1] = lat;
    if (lng > box[2]) box[2] = lng;
    if (lat > box[3]) box[3] = lat;
  }
  return box;
}

/** Whether two boxes meet, with `margin` degrees of slack. */
export function bboxesMeet(a: Bbox, b: Bbox, margin = 0): boolean {
  return a[0] <= b[2] + margin && b[0] <= a[2] + margin && a[1] <= b[3] + margin && b[1] <= a[3] + margin;
}

/** Union of many geometries (null for none). */
export function unionAll(geometries: GridGeometry[]): GridGeometry | null {
  if (geometries.length === 0) return null;
  if (geometries.length === 1) return geometries[0] as GridGeometry;
  return union(featureCollection(geometries.map(asFeature)))?.geometry ?? null;
}

/** Intersection of two geometries (null when it is empty). */
export function intersection(a: GridGeometry, b: GridGeometry): GridGeometry | null {
  return intersect(featureCollection([asFeature(a), asFeature(b)]))?.geometry ?? null;
}
