/**
 * A local metric frame for tolerances in metres.
 *
 * The frame is an affine map of longitude and latitude (a local equirectangular projection on the
 * WGS84 ellipsoid, centred on the data): x = (lng − lng0)·kx, y = (lat − lat0)·ky, with kx and ky the
 * metres per degree at lat0. Being affine, it keeps straight lines straight, so a polygon measured or
 * noded here is the same planar shape PostGIS stores as geometry(…, 4326): no edge bends, and a
 * result mapped back is exactly the polygon the server will check. The price is scale drift away
 * from lat0: kx is off by about tan(lat0)·Δlat (Δlat in radians), 0.04 % for a 10 km community at
 * 26.6° N and 0.3 % at 60° N, which is negligible for snapping (centimetres) and sliver widths (2 m).
 * Areas are never taken from the frame: they are geodesic (turf `area`) on the lng/lat result.
 * Not for data crossing the antimeridian.
 */
import type { Position } from 'geojson';

const SEMI_MAJOR_AXIS_M = 6_378_137;
const ECCENTRICITY_SQUARED = 0.006_694_379_990_14;
const RADIANS = Math.PI / 180;

export type LocalFrame = {
  /** lng/lat → metres east and north of the frame's centre. */
  forward(position: Position): [number, number];
  /** metres east and north → lng/lat. */
  inverse(xy: Position): [number, number];
  metresPerDegreeLng: number;
  metresPerDegreeLat: number;
};

/** A frame centred on `centre` ([lng, lat]). */
export function localFrame(centre: Position): LocalFrame {
  const lng0 = centre[0] ?? 0;
  const lat0 = centre[1] ?? 0;
  const sin = Math.sin(lat0 * RADIANS);
  const w = 1 - ECCENTRICITY_SQUARED * sin * sin;
  // Radii of curvature of the ellipsoid: meridian (north-south) and prime vertical (east-west).
  const meridian = (SEMI_MAJOR_AXIS_M * (1 - ECCENTRICITY_SQUARED)) / (w * Math.sqrt(w));
  const primeVertical = SEMI_MAJOR_AXIS_M / Math.sqrt(w);
  const kx = primeVertical * Math.cos(lat0 * RADIANS) * RADIANS;
  const ky = meridian * RADIANS;
  return {
    forward: (p) => [((p[0] ?? 0) - lng0) * kx, ((p[1] ?? 0) - lat0) * ky],
    inverse: (xy) => [(xy[0] ?? 0) / kx + lng0, (xy[1] ?? 0) / ky + lat0],
    metresPerDegreeLng: kx,
    metresPerDegreeLat: ky,
  };
}

/** A frame centred on the bounding box of every position given. */
export function frameAround(positions: Iterable<Position>): LocalFrame {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const p of positions) {
    const lng = p[0] ?? 0;
    const lat = p[1] ?? 0;
    if (lng < west) west = lng;
    if (lng > east) east = lng;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  if (west > east) return localFrame([0, 0]);
  return localFrame([(west + east) / 2, (south + north) / 2]);
}
