/**
 * Synthetic water: 百花湖 (a reservoir on the north-western edge), 观山湖 (the lake of 观山湖公园 in
 * the urban core) and 麦架河, which flows from the north-east through 金华镇 into 百花湖. Shapes are
 * seeded noise around plausible positions, not surveyed shorelines.
 */
import { featureCollection, intersect, polygon, union } from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { PolygonTester, cleanArea, fromXY, toXY, type Area, type XY } from './geo';
import type { Random } from './random';

export type Water = {
  lakes: { name: string; geometry: Area }[];
  river: { name: string; geometry: LineString };
  /** true if the point is in any lake */
  inLake: (p: XY) => boolean;
};

/** A smooth closed blob: an ellipse whose radius wobbles with a few seeded harmonics. */
function blob(rng: Random, centre: XY, a: number, b: number, angleDeg: number, wobble: number, n = 72): Position[] {
  const c = toXY(centre);
  const rot = (angleDeg * Math.PI) / 180;
  const harmonics = [2, 3, 5, 7].map((k) => ({
    k,
    amp: (rng.range(0.3, 1) * wobble) / k ** 0.5,
    phase: rng.range(0, 2 * Math.PI),
  }));
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.sin(h.k * t + h.phase);
    const x = a * Math.cos(t) * f;
    const y = b * Math.sin(t) * f;
    ring.push(fromXY([c[0] + x * Math.cos(rot) - y * Math.sin(rot), c[1] + x * Math.sin(rot) + y * Math.cos(rot)]));
  }
  ring.push(ring[0] as Position);
  return ring;
}

function unionAll(rings: Position[][]): Area {
  if (rings.length === 1) return { type: 'Polygon', coordinates: [rings[0] as Position[]] };
  const merged = union(featureCollection(rings.map((r) => polygon([r]))));
  if (!merged) throw new Error('empty lake');
  return merged.geometry as Area;
}

function clipTo(g: Area, outline: Polygon): Area {
  const clipped = intersect(
    featureCollection([
      { type: 'Feature', properties: {}, geometry: g } as Feature<Polygon | MultiPolygon>,
      { type: 'Feature', properties: {}, geometry: outline } as Feature<Polygon>,
    ]),
  );
  if (!clipped) throw new Error('lake outside the district');
  const clean = cleanArea(clipped.geometry as Area);
  if (!clean) throw new Error('lake vanished when cleaned');
  return clean;
}

/** A meandering line from a to b: straight chord plus a smooth seeded lateral offset. */
export function meander(rng: Random, a: XY, b: XY, stepM: number, amplitudeM: number, waves = 3): Position[] {
  const A = toXY(a);
  const B = toXY(b);
  const len = Math.hypot(B[0] - A[0], B[1] - A[1]);
  const nx = -(B[1] - A[1]) / len;
  const ny = (B[0] - A[0]) / len;
  // sin(πkt) vanishes at both ends, so the line still starts at a and ends at b
  const terms = Array.from({ length: waves }, (_, i) => ({ k: i + 1, amp: rng.range(-1, 1) / (i + 1) }));
  const steps = Math.max(2, Math.ceil(len / stepM));
  const out: Position[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    let off = 0;
    for (const h of terms) off += h.amp * Math.sin(Math.PI * h.k * t);
    off *= amplitudeM;
    out.push(fromXY([A[0] + (B[0] - A[0]) * t + nx * off, A[1] + (B[1] - A[1]) * t + ny * off]));
  }
  return out;
}

export function buildWater(rng: Random, outline: Polygon): Water {
  // 百花湖: a long reservoir lying SW–NE with two side arms (flooded valleys) that branch off the
  // main body; each arm's centre is placed so that its inner end overlaps the main basin
  const main = { at: [106.488, 26.672] as XY, a: 2300, b: 520, angle: 55 };
  const arm = (t: number, angle: number, len: number, width: number) => {
    const m = toXY(main.at);
    const ra = (main.angle * Math.PI) / 180;
    const rb = (angle * Math.PI) / 180;
    const c: XY = [
      m[0] + t * main.a * Math.cos(ra) + 0.8 * len * Math.cos(rb),
      m[1] + t * main.a * Math.sin(ra) + 0.8 * len * Math.sin(rb),
    ];
    return blob(rng, fromXY(c), len, width, angle, 0.12);
  };
  const baihua = clipTo(
    unionAll([
      blob(rng, main.at, main.a, main.b, main.angle, 0.1),
      arm(0.35, 150, 900, 230),
      arm(-0.45, -20, 800, 200),
    ]),
    outline,
  );
  // 观山湖: the park lake in the heart of the new town
  const guanshan = clipTo(unionAll([blob(rng, [106.629, 26.622], 520, 240, 20, 0.1)]), outline);
  const testers = [new PolygonTester(baihua), new PolygonTester(guanshan)];
  const inLake = (p: XY) => testers.some((t) => t.contains(p[0], p[1]));
  // 麦架河 enters from the north-east edge and ends at the eastern shore of 百花湖
  const river = meander(rng, [106.592, 26.722], [106.494, 26.681], 60, 900, 4);
  // stop the river where it reaches the lake
  // it starts just outside the district: keep it from the first vertex inside, and stop at the lake
  const district = new PolygonTester(outline);
  const firstIn = Math.max(0, river.findIndex((p) => district.contains(p[0] as number, p[1] as number)) - 1);
  const firstWet = river.findIndex((p) => inLake([p[0] as number, p[1] as number]));
  const riverLine = river.slice(firstIn, firstWet > firstIn + 1 ? firstWet + 1 : river.length);
  return {
    lakes: [
      { name: '百花湖', geometry: baihua },
      { name: '观山湖', geometry: guanshan },
    ],
    river: { name: '麦架河', geometry: { type: 'LineString', coordinates: riverLine } },
    inLake,
  };
}
