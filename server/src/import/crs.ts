/**
 * The coordinate systems Chinese data comes in, and the conversions between them (DOMAIN.md,
 * "Coordinates in China"): WGS84 (and CGCS2000, the same to well under a metre), GCJ-02 (高德, 腾讯,
 * DataV) and BD-09 (百度). The database stores WGS84; files are converted on the way in and out.
 *
 * gcoord gives both directions, but its inverses (GCJ-02 → WGS84, BD-09 → WGS84) are one-step
 * approximations: about 2 mm off for GCJ-02 and 5 cm for BD-09 in Guiyang. An export in BD-09 read
 * back in would then move every vertex by 5 cm, and a round trip would not be lossless. So the
 * inverse here starts from gcoord's and refines it by fixed-point iteration on gcoord's forward
 * transform (x ← x + (target − forward(x))), which converges to well under a millimetre in two or
 * three steps because the offset changes slowly with position.
 */
import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';
import { CRS_VALUES, type Crs } from '../roads-import/normalize';

export { CRS_VALUES, type Crs };

type Convert = (lng: number, lat: number) => [number, number];

const GCOORD = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** Stop refining once a step moves the point by less than this (1e-10° is about 0.01 mm). */
const CONVERGED_DEG = 1e-10;
const MAX_STEPS = 8;

/** WGS84 → `crs`, exactly as gcoord defines the transform. */
export function fromWgs84(crs: Crs): Convert {
  if (crs === 'wgs84') return (lng, lat) => [lng, lat];
  const to = GCOORD[crs];
  return (lng, lat) => gcoord.transform([lng, lat], gcoord.WGS84, to) as [number, number];
}

/** `crs` → WGS84: the exact inverse of `fromWgs84(crs)` to well under a millimetre. */
export function toWgs84(crs: Crs): Convert {
  if (crs === 'wgs84') return (lng, lat) => [lng, lat];
  const from = GCOORD[crs];
  const forward = fromWgs84(crs);
  return (lng, lat) => {
    let [x, y] = gcoord.transform([lng, lat], from, gcoord.WGS84) as [number, number];
    for (let step = 0; step < MAX_STEPS; step++) {
      const [fx, fy] = forward(x, y);
      const dx = lng - fx;
      const dy = lat - fy;
      x += dx;
      y += dy;
      if (Math.abs(dx) < CONVERGED_DEG && Math.abs(dy) < CONVERGED_DEG) break;
    }
    return [x, y];
  };
}

/** The same geometry with every position passed through `convert` (elevations dropped). */
export function mapPositions<G extends Geometry>(geometry: G, convert: Convert): G {
  const point = (p: Position): Position => convert(p[0]!, p[1]!);
  const g = geometry as Geometry;
  switch (g.type) {
    case 'Point':
      return { ...g, coordinates: point(g.coordinates) } as G;
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: g.coordinates.map(point) } as G;
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map((ring) => ring.map(point)) } as G;
    case 'MultiPolygon':
      return { ...g, coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(point))) } as G;
    case 'GeometryCollection':
      return { ...g, geometries: g.geometries.map((child) => mapPositions(child, convert)) } as G;
  }
}

/** Rounds every coordinate to `decimals` places (8 is about 1 mm). */
export function roundPositions<G extends Geometry>(geometry: G, decimals: number): G {
  const factor = 10 ** decimals;
  const round = (v: number) => Math.round(v * factor) / factor;
  return mapPositions(geometry, (lng, lat) => [round(lng), round(lat)]);
}

export function parseCrs(value: string): Crs | null {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[-_ :]/g, '');
  if (v === 'wgs84' || v === 'epsg4326' || v === 'cgcs2000' || v === 'epsg4490') return 'wgs84';
  if (v === 'gcj02' || v === 'gcj' || v === 'amap' || v === 'gaode') return 'gcj02';
  if (v === 'bd09' || v === 'bd09ll' || v === 'baidu') return 'bd09';
  return null;
}

export const CRS_LABEL: Record<Crs, string> = {
  wgs84: 'WGS84',
  gcj02: 'GCJ-02',
  bd09: 'BD-09',
};
