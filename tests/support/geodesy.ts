/**
 * An independent geodesy for checking the server: Karney's GeographicLib on the WGS84 ellipsoid
 * (distances, circles, polygon areas), sharing no code with PostGIS.
 */
import geographiclib from 'geographiclib-geodesic';
import type { MultiPolygon, Polygon, Position } from 'geojson';

// The package is CommonJS; its named exports are not visible to ESM loaders.
const wgs84 = geographiclib.Geodesic.WGS84;

/** Geodesic distance in metres between two `[lng, lat]` positions. */
export function geodesicDistanceM(a: Position, b: Position): number {
  return wgs84.Inverse(a[1]!, a[0]!, b[1]!, b[0]!).s12!;
}

/** A true geodesic circle as a polygon with `steps` vertices (counter-clockwise, closed). */
export function geodesicCircle(center: Position, radiusM: number, steps = 256): Polygon {
  const ring: Position[] = [];
  for (let i = 0; i < steps; i++) {
    const azimuth = 360 - (i * 360) / steps; // decreasing azimuth walks counter-clockwise
    const p = wgs84.Direct(center[1]!, center[0]!, azimuth, radiusM);
    ring.push([p.lon2!, p.lat2!]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

function ringAreaM2(ring: Position[]): number {
  const polygon = wgs84.Polygon(false);
  // The closing vertex repeats the first; GeographicLib closes rings itself.
  for (const p of ring.slice(0, -1)) polygon.AddPoint(p[1]!, p[0]!);
  return Math.abs(polygon.Compute(false, true).area ?? 0);
}

/** Area in m² on the ellipsoid: outer rings minus holes. */
export function geodesicAreaM2(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const [outer, ...holes] of polygons) {
    total += ringAreaM2(outer!) - holes.reduce((sum, hole) => sum + ringAreaM2(hole), 0);
  }
  return total;
}
