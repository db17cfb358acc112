/**
 * A synthetic community for drafting grids (issue 8): a square, a lattice of slightly slanted
 * streets that run a little past its edges, one street 0.4 m inside its west edge (the crumbs a
 * street along a boundary leaves), a few dead ends, and buildings of 1–12 households each, bunched
 * around three centres over a thin even spread. Weights are persons (households × 2.8), as the
 * demand table keeps them; the households add up to exactly `households`.
 *
 * Built in metres east and north of `origin` and converted with GeographicLib's scales there, so it
 * is square on the ground.
 */
import geographiclib from 'geographiclib-geodesic';
import type { Polygon, Position } from 'geojson';
import { mulberry32 } from './random';

const wgs84 = geographiclib.Geodesic.WGS84;
export const SYNTHETIC_PERSONS_PER_HOUSEHOLD = 2.8;

export type SyntheticCommunity = {
  outline: Polygon;
  roads: { class: string; name: string | null; oneway: boolean; geojson: string }[];
  /** `[lng, lat, persons]` per building, as insertDemandPoints takes them. */
  buildings: [number, number, number][];
  /** Households per building, in the same order. */
  householdsOf: number[];
  households: number;
  at: (x_m: number, y_m: number) => Position;
};

export function syntheticCommunity(options: {
  origin: { lng: number; lat: number };
  size_m: number;
  spacing_m: number;
  households: number;
  seed: number;
}): SyntheticCommunity {
  const { origin, size_m, spacing_m } = options;
  const random = mulberry32(options.seed);
  const step = 0.01;
  const kx = wgs84.Inverse(origin.lat, origin.lng - step / 2, origin.lat, origin.lng + step / 2).s12! / step;
  const ky = wgs84.Inverse(origin.lat - step / 2, origin.lng, origin.lat + step / 2, origin.lng).s12! / step;
  const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const at = (x: number, y: number): Position => [round7(origin.lng + x / kx), round7(origin.lat + y / ky)];
  const line = (...points: [number, number][]) => ({
    class: 'residential',
    name: null,
    oneway: false,
    geojson: JSON.stringify({ type: 'LineString', coordinates: points.map(([x, y]) => at(x, y)) }),
  });

  const roads: SyntheticCommunity['roads'] = [];
  const lines = Math.round(size_m / spacing_m);
  const wobble = () => (random() - 0.5) * 0.3 * spacing_m;
  for (let i = 1; i < lines; i++) {
    const base = i * spacing_m;
    roads.push(line([base + wobble(), -30], [base + wobble(), size_m + 30]));
    roads.push(line([-30, base + wobble()], [size_m + 30, base + wobble()]));
  }
  roads.push(line([0.4, -10], [0.4, size_m + 10]));
  for (let d = 0; d < 4; d++) {
    const x = (0.2 + 0.6 * random()) * size_m;
    const y = (0.2 + 0.6 * random()) * size_m;
    roads.push(line([x, y], [x + 0.3 * spacing_m, y + 0.2 * spacing_m]));
  }

  const centres = Array.from({ length: 3 }, () => [(0.2 + 0.6 * random()) * size_m, (0.2 + 0.6 * random()) * size_m]);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const buildings: [number, number, number][] = [];
  const householdsOf: number[] = [];
  let left = options.households;
  while (left > 0) {
    const households = Math.min(left, 1 + Math.floor(random() * 12));
    let x: number;
    let y: number;
    do {
      if (random() < 0.65) {
        const c = centres[Math.floor(random() * centres.length)]!;
        x = c[0]! + gaussian() * size_m * 0.14;
        y = c[1]! + gaussian() * size_m * 0.14;
      } else {
        x = random() * size_m;
        y = random() * size_m;
      }
    } while (!(x > 1 && x < size_m - 1 && y > 1 && y < size_m - 1));
    const [lng, lat] = at(x, y);
    buildings.push([lng!, lat!, households * SYNTHETIC_PERSONS_PER_HOUSEHOLD]);
    householdsOf.push(households);
    left -= households;
  }
  const outline: Polygon = {
    type: 'Polygon',
    coordinates: [[at(0, 0), at(size_m, 0), at(size_m, size_m), at(0, size_m), at(0, 0)]],
  };
  return { outline, roads, buildings, householdsOf, households: options.households, at };
}
