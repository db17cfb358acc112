/**
 * Structural checks on a feature's geometry before it goes anywhere near PostGIS: the right nesting,
 * finite numbers, longitudes and latitudes in range, rings long enough. `ST_GeomFromGeoJSON` fails
 * a whole batch on one bad feature with a message that names none, so every feature is checked
 * here first and its problem reported against it. Whether the polygons are *valid* (rings that
 * cross, …) is PostGIS's question, asked later of the staged rows (see checks in import.ts).
 */
import type { Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';

export type Checked<G> = { geometry: G; closedRings: number } | { problem: string };

const TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

class Bad extends Error {}

function position(value: unknown): Position {
  if (!Array.isArray(value) || value.length < 2) throw new Bad('a position is not [longitude, latitude]');
  const [lng, lat] = value as unknown[];
  if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat)) {
    throw new Bad(`a coordinate is not a number (${JSON.stringify(value).slice(0, 60)})`);
  }
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
    const projected = Math.abs(lng) > 1000 || Math.abs(lat) > 1000;
    throw new Bad(
      `coordinate (${lng}, ${lat}) is not a longitude and latitude` +
        (projected
          ? ': it looks like metres in a projected system; reproject the file to longitude/latitude (WGS84 or CGCS2000), or include its .prj'
          : lng >= -90 && lng <= 90 && Math.abs(lat) <= 180
            ? ': are longitude and latitude swapped?'
            : ''),
    );
  }
  return [lng, lat];
}

function line(value: unknown, min: number): Position[] {
  if (!Array.isArray(value)) throw new Bad('a line or ring is not an array of positions');
  const positions = value.map(position);
  if (positions.length < min) throw new Bad(`a line has ${positions.length} position(s), fewer than ${min}`);
  return positions;
}

function ring(value: unknown, counter: { closed: number }): Position[] {
  const positions = line(value, 3);
  const first = positions[0]!;
  const last = positions.at(-1)!;
  // KML and hand-made GeoJSON often leave rings open; closing one changes no shape.
  if (first[0] !== last[0] || first[1] !== last[1]) {
    positions.push([first[0]!, first[1]!]);
    counter.closed++;
  }
  if (positions.length < 4) throw new Bad(`a ring has ${positions.length} positions; a ring needs at least 4`);
  return positions;
}

function polygon(value: unknown, counter: { closed: number }): Position[][] {
  if (!Array.isArray(value) || value.length === 0) throw new Bad('a polygon has no rings');
  return value.map((r) => ring(r, counter));
}

/** Checks and normalises a geometry (2D, rings closed); `problem` says what is wrong with it. */
export function checkGeometry(value: unknown): Checked<Geometry> {
  const counter = { closed: 0 };
  try {
    if (value === null || value === undefined) throw new Bad('the feature has no geometry');
    if (typeof value !== 'object') throw new Bad('the geometry is not an object');
    const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (g.type === 'GeometryCollection') {
      if (!Array.isArray(g.geometries)) throw new Bad('a GeometryCollection has no geometries');
      const parts = g.geometries.map((child) => {
        const checked = checkGeometry(child);
        if ('problem' in checked) throw new Bad(checked.problem);
        counter.closed += checked.closedRings;
        return checked.geometry;
      });
      return { geometry: { type: 'GeometryCollection', geometries: parts }, closedRings: counter.closed };
    }
    if (typeof g.type !== 'string' || !TYPES.has(g.type)) {
      throw new Bad(`unknown geometry type ${JSON.stringify(g.type)}`);
    }
    const c = g.coordinates;
    let geometry: Geometry;
    switch (g.type) {
      case 'Point':
        geometry = { type: 'Point', coordinates: position(c) };
        break;
      case 'MultiPoint':
        geometry = { type: 'MultiPoint', coordinates: line(c, 1) };
        break;
      case 'LineString':
        geometry = { type: 'LineString', coordinates: line(c, 2) };
        break;
      case 'MultiLineString':
        if (!Array.isArray(c)) throw new Bad('a MultiLineString is not an array of lines');
        geometry = { type: 'MultiLineString', coordinates: c.map((l) => line(l, 2)) };
        break;
      case 'Polygon':
        geometry = { type: 'Polygon', coordinates: polygon(c, counter) };
        break;
      default:
        if (!Array.isArray(c) || c.length === 0) throw new Bad('a MultiPolygon has no polygons');
        geometry = { type: 'MultiPolygon', coordinates: c.map((p) => polygon(p, counter)) };
    }
    return { geometry, closedRings: counter.closed };
  } catch (error) {
    if (error instanceof Bad) return { problem: error.message };
    throw error;
  }
}

/** A polygon layer's geometry as one MultiPolygon (a collection of polygons is accepted too). */
export function asMultiPolygon(geometry: Geometry): MultiPolygon | { problem: string } {
  if (geometry.type === 'MultiPolygon') return geometry;
  if (geometry.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [geometry.coordinates] };
  if (geometry.type === 'GeometryCollection') {
    const polygons: Position[][][] = [];
    for (const part of geometry.geometries) {
      const multi = asMultiPolygon(part);
      if ('problem' in multi) return multi;
      polygons.push(...multi.coordinates);
    }
    if (polygons.length) return { type: 'MultiPolygon', coordinates: polygons };
  }
  return { problem: `a ${geometry.type} where this layer needs polygons` };
}

/** A point layer's geometry as one Point (a MultiPoint of one point is accepted too). */
export function asPoint(geometry: Geometry): Point | { problem: string } {
  if (geometry.type === 'Point') return geometry;
  if (geometry.type === 'MultiPoint' && geometry.coordinates.length === 1) {
    return { type: 'Point', coordinates: geometry.coordinates[0]! };
  }
  return { problem: `a ${geometry.type} where this layer needs points` };
}

/** A polygon's vertices, for centroids and offsets: every position of every ring. */
export function positionsOf(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positionsOf);
  }
}

export type PolygonLike = Polygon | MultiPolygon;
