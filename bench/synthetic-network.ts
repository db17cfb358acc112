/**
 * A seeded synthetic city street network for benchmarks: a jittered 100 m grid over about
 * 25 × 25 km south-west-anchored at Guiyang (~124k noded segments), with
 * - arterials every 1 / 2 / 4 km (tertiary / secondary / primary), a trunk and a motorway that
 *   streets cross only at interchanges every 1 km;
 * - side streets that are service lanes, footways, cycleways, paths or steps, and 15 % oneways;
 * - two meandering rivers crossed only by bridges every 1.2–1.5 km;
 * - parks where cars cannot go: most interior streets removed, the rest footways and paths.
 * Segments meet only at their endpoints (noded like the `road` table). Same seed, same network.
 */
import { localMetric } from '../server/src/routing/local-metric';
import type { RoadInput } from '../server/src/routing/types';
import { mulberry32 } from '../tests/support/random';

export const SYNTHETIC_ORIGIN = { lng: 106.55, lat: 26.5 };
const SPACING_M = 100;
const SIDE = 251; // nodes per side: 250 blocks of 100 m

type Park = { x0: number; y0: number; x1: number; y1: number };

/** The network's extent in metres east / north of `SYNTHETIC_ORIGIN`. */
export const SYNTHETIC_SIZE_M = (SIDE - 1) * SPACING_M;

export function syntheticNetwork(seed = 1): RoadInput[] {
  const random = mulberry32(seed);
  const metric = localMetric(SYNTHETIC_ORIGIN.lng, SYNTHETIC_ORIGIN.lat);
  const toLngLat = (x: number, y: number): [number, number] => [
    Math.round((SYNTHETIC_ORIGIN.lng + x / metric.kx) * 1e7) / 1e7,
    Math.round((SYNTHETIC_ORIGIN.lat + y / metric.ky) * 1e7) / 1e7,
  ];

  const xs = new Float64Array(SIDE * SIDE);
  const ys = new Float64Array(SIDE * SIDE);
  for (let j = 0; j < SIDE; j++) {
    for (let i = 0; i < SIDE; i++) {
      // Arterial lines stay straight; local streets wobble by up to ±20 m.
      const jitter = (line: number) => (line % 10 === 0 ? 0 : (random() - 0.5) * 40);
      xs[j * SIDE + i] = i * SPACING_M + jitter(i);
      ys[j * SIDE + i] = j * SPACING_M + jitter(j);
    }
  }

  const riverEastWest = (x: number) => 9_000 + 600 * Math.sin(x / 3_000);
  const riverNorthSouth = (y: number) => 16_000 + 500 * Math.sin(y / 2_500);
  const parks: Park[] = [];
  for (let k = 0; k < 14; k++) {
    const w = 600 + random() * 900;
    const h = 600 + random() * 900;
    const x0 = random() * (SYNTHETIC_SIZE_M - w);
    const y0 = random() * (SYNTHETIC_SIZE_M - h);
    parks.push({ x0, y0, x1: x0 + w, y1: y0 + h });
  }
  const inPark = (x: number, y: number) => parks.some((p) => x > p.x0 && x < p.x1 && y > p.y0 && y < p.y1);

  const MOTORWAY_ROW = 60;
  const TRUNK_COLUMN = 125;
  const lineClass = (line: number) =>
    line % 40 === 0 ? 'primary' : line % 20 === 0 ? 'secondary' : line % 10 === 0 ? 'tertiary' : null;
  const sideStreetClass = () => {
    const r = random();
    if (r < 0.12) return 'service';
    if (r < 0.16) return 'footway';
    if (r < 0.18) return 'cycleway';
    if (r < 0.19) return 'path';
    if (r < 0.195) return 'steps';
    if (r < 0.22) return 'living_street';
    return 'residential';
  };

  const roads: RoadInput[] = [];
  const addRoad = (a: number, b: number, cls: string, oneway: boolean) => {
    const ax = xs[a]!;
    const ay = ys[a]!;
    const bx = xs[b]!;
    const by = ys[b]!;
    const coordinates: [number, number][] = [toLngLat(ax, ay)];
    if (cls === 'residential' || cls === 'footway' || cls === 'path') {
      // A gentle bend: one interior vertex off the chord (geometry only, not a junction).
      const bend = (random() - 0.5) * 12;
      const length = Math.hypot(bx - ax, by - ay);
      coordinates.push(
        toLngLat((ax + bx) / 2 - ((by - ay) / length) * bend, (ay + by) / 2 + ((bx - ax) / length) * bend),
      );
    }
    coordinates.push(toLngLat(bx, by));
    if (oneway && random() < 0.5) coordinates.reverse();
    roads.push({ id: roads.length + 1, class: cls, oneway, coordinates });
  };

  for (let j = 0; j < SIDE; j++) {
    for (let i = 0; i < SIDE; i++) {
      const a = j * SIDE + i;
      // East-going segment along row j, then north-going segment along column i.
      for (const [b, line, crossLine, horizontal] of [
        [i + 1 < SIDE ? a + 1 : -1, j, i, true],
        [j + 1 < SIDE ? a + SIDE : -1, i, j, false],
      ] as const) {
        if (b < 0) continue;
        const ax = xs[a]!;
        const ay = ys[a]!;
        const bx = xs[b]!;
        const by = ys[b]!;
        // Rivers: drop crossings except the bridges.
        if (!horizontal && Math.sign(ay - riverEastWest(ax)) !== Math.sign(by - riverEastWest(bx)) && line % 15 !== 0)
          continue;
        if (
          horizontal &&
          Math.sign(ax - riverNorthSouth(ay)) !== Math.sign(bx - riverNorthSouth(by)) &&
          line % 12 !== 0
        )
          continue;
        let cls: string;
        let oneway = false;
        if (horizontal && line === MOTORWAY_ROW) {
          cls = 'motorway';
          oneway = false;
        } else if (!horizontal && line === TRUNK_COLUMN) {
          cls = 'trunk';
        } else {
          // Streets crossing the motorway do so only at interchanges (every 10th column).
          if (!horizontal && (crossLine === MOTORWAY_ROW || crossLine + 1 === MOTORWAY_ROW) && line % 10 !== 0) {
            continue;
          }
          const arterial = lineClass(line);
          const park = inPark((ax + bx) / 2, (ay + by) / 2);
          if (park && !arterial) {
            if (random() < 0.6) continue;
            cls = random() < 0.5 ? 'footway' : 'path';
          } else {
            cls = arterial ?? sideStreetClass();
            oneway = !arterial && cls === 'residential' && random() < 0.15;
          }
        }
        addRoad(a, b, cls, oneway);
      }
    }
  }
  return roads;
}
