/**
 * Seeded partition of a polygon into n cells that tile it exactly: weighted Lloyd relaxation
 * (k-means) over sample points, then a Voronoi diagram of the final seeds intersected with the
 * parent. Voronoi cells share their edges vertex for vertex, so the intersected cells have no gaps
 * and no overlaps beyond floating-point noise.
 */
import { featureCollection, intersect, point, polygon, union, voronoi } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { PolygonTester, areaM2, bboxOf, cleanArea, fromXY, polygonsOf, toXY, type Area, type XY } from './geo';
import type { Random } from './random';

export type Sample = { xy: XY; ll: XY; w: number };

/** A jittered lattice of about `target` points inside the parent. */
export function latticeSamples(parent: Area, tester: PolygonTester, target: number, rng: Random): Sample[] {
  const bb = bboxOf(parent);
  const [x0, y0] = toXY([bb[0], bb[1]]);
  const [x1, y1] = toXY([bb[2], bb[3]]);
  const spacing = Math.max(5, Math.sqrt(areaM2(parent) / Math.max(1, target)));
  const out: Sample[] = [];
  for (let y = y0 + spacing / 2; y < y1; y += spacing) {
    for (let x = x0 + spacing / 2; x < x1; x += spacing) {
      const xy: XY = [x + rng.range(-0.4, 0.4) * spacing, y + rng.range(-0.4, 0.4) * spacing];
      const ll = fromXY(xy);
      if (tester.contains(ll[0], ll[1])) out.push({ xy, ll, w: 1 });
    }
  }
  return out;
}

export type PartitionOptions = {
  parent: Area;
  n: number;
  rng: Random;
  /** weight of a background lattice sample at a lng/lat (default 1) */
  weight?: (ll: XY) => number;
  /** extra weighted points (e.g. households) that pull the cells */
  points?: Sample[];
  /** share of the total weight given to the background lattice when points are given */
  backgroundShare?: number;
  iterations?: number;
  /** starting seeds in lng/lat (length n); default k-means++ */
  seeds?: XY[];
  samplesPerCell?: number;
};

export type Partition = { cells: Area[]; seeds: XY[] };

export function partition(opts: PartitionOptions): Partition {
  const { parent, n, rng } = opts;
  if (n < 1) throw new Error('partition into < 1 cell');
  if (n === 1) return { cells: [parent], seeds: [pointInside(parent)] };
  const tester = new PolygonTester(parent);
  let samples = latticeSamples(parent, tester, Math.max(150, (opts.samplesPerCell ?? 40) * n), rng);
  if (samples.length < 4 * n) samples = latticeSamples(parent, tester, 40 * n + 400, rng);
  if (opts.weight) for (const s of samples) s.w = Math.max(1e-9, opts.weight(s.ll));
  if (opts.points && opts.points.length > 0) {
    const pw = opts.points.reduce((a, s) => a + s.w, 0);
    const bw = samples.reduce((a, s) => a + s.w, 0);
    const share = opts.backgroundShare ?? 0.2;
    const k = bw > 0 ? (pw * share) / (1 - share) / bw : 0;
    for (const s of samples) s.w *= k;
    samples = samples.concat(opts.points);
  }
  if (samples.length < n) throw new Error(`too few samples (${samples.length}) for ${n} cells`);

  let seeds: XY[] = opts.seeds ? opts.seeds.map((s) => toXY(s)) : kmeansPlusPlus(samples, n, rng);
  const iterations = opts.iterations ?? 8;
  let assign: Int32Array = new Int32Array(samples.length);
  for (let it = 0; it <= iterations; it++) {
    assign = assignNearest(samples, seeds);
    if (it === iterations) break;
    seeds = recentre(samples, assign, seeds);
  }
  seeds = snapToMembers(samples, assign, seeds);
  const cells = mergeFragments(voronoiCells(parent, seeds), seeds.map(fromXY));
  // round right away: children are then cut from exactly the geometry that is written out, and
  // numbering (which looks at centroids) sees the final coordinates
  const rounded = cells.map((c, k) => {
    const r = cleanArea(c);
    if (!r) throw new Error(`partition cell ${k} collapsed when rounded`);
    return r;
  });
  return { cells: rounded, seeds: seeds.map(fromXY) };
}

function pointInside(g: Area): XY {
  const t = new PolygonTester(g);
  const bb = bboxOf(g);
  const c: XY = [(bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2];
  if (t.contains(c[0], c[1])) return c;
  const ring = polygonsOf(g)[0]?.[0] as Position[];
  return [ring[0]?.[0] as number, ring[0]?.[1] as number];
}

function kmeansPlusPlus(samples: Sample[], n: number, rng: Random): XY[] {
  const seeds: XY[] = [];
  const d2 = new Float64Array(samples.length).fill(Infinity);
  let next = rng.weightedIndex(samples.map((s) => s.w));
  while (seeds.length < n) {
    const s = (samples[next] as Sample).xy;
    seeds.push([s[0], s[1]]);
    const weights: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      const q = (samples[i] as Sample).xy;
      const d = (q[0] - s[0]) ** 2 + (q[1] - s[1]) ** 2;
      if (d < (d2[i] as number)) d2[i] = d;
      weights.push((d2[i] as number) * (samples[i] as Sample).w);
    }
    next = rng.weightedIndex(weights);
  }
  return seeds;
}

function assignNearest(samples: Sample[], seeds: XY[]): Int32Array {
  const out = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const q = (samples[i] as Sample).xy;
    let best = 0;
    let bd = Infinity;
    for (let k = 0; k < seeds.length; k++) {
      const s = seeds[k] as XY;
      const d = (q[0] - s[0]) ** 2 + (q[1] - s[1]) ** 2;
      if (d < bd) {
        bd = d;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

function recentre(samples: Sample[], assign: Int32Array, seeds: XY[]): XY[] {
  const sx = new Float64Array(seeds.length);
  const sy = new Float64Array(seeds.length);
  const sw = new Float64Array(seeds.length);
  samples.forEach((s, i) => {
    const k = assign[i] as number;
    sx[k] = (sx[k] as number) + s.xy[0] * s.w;
    sy[k] = (sy[k] as number) + s.xy[1] * s.w;
    sw[k] = (sw[k] as number) + s.w;
  });
  return seeds.map((s, k) =>
    (sw[k] as number) > 0 ? [(sx[k] as number) / (sw[k] as number), (sy[k] as number) / (sw[k] as number)] : s,
  );
}

/**
 * Move each seed onto the nearest of its own samples, which lie inside the parent: a seed inside the
 * parent guarantees a non-empty cell. A seed that attracted no samples takes the sample farthest from
 * its current seed (the usual k-means repair).
 */
function snapToMembers(samples: Sample[], assign: Int32Array, seeds: XY[]): XY[] {
  const best = new Array<number>(seeds.length).fill(-1);
  const bd = new Array<number>(seeds.length).fill(Infinity);
  samples.forEach((s, i) => {
    const k = assign[i] as number;
    const c = seeds[k] as XY;
    const d = (s.xy[0] - c[0]) ** 2 + (s.xy[1] - c[1]) ** 2;
    if (d < (bd[k] as number)) {
      bd[k] = d;
      best[k] = i;
    }
  });
  const used = new Set<number>(best.filter((b) => b >= 0));
  return seeds.map((s, k) => {
    let b = best[k] as number;
    if (b < 0) {
      let far = -1;
      let fd = -1;
      samples.forEach((q, i) => {
        if (used.has(i)) return;
        const c = seeds[assign[i] as number] as XY;
        const d = (q.xy[0] - c[0]) ** 2 + (q.xy[1] - c[1]) ** 2;
        if (d > fd) {
          fd = d;
          far = i;
        }
      });
      b = far;
      used.add(b);
    }
    const p = (samples[b] as Sample).xy;
    return [p[0], p[1]];
  });
}

function voronoiCells(parent: Area, seeds: XY[]): (Area | null)[] {
  const bb = bboxOf(parent);
  const [x0, y0] = toXY([bb[0], bb[1]]);
  const [x1, y1] = toXY([bb[2], bb[3]]);
  const m = 200;
  const diagram = voronoi(featureCollection(seeds.map((s) => point(s))), { bbox: [x0 - m, y0 - m, x1 + m, y1 + m] });
  const parentFeature: Feature<Polygon | MultiPolygon> = { type: 'Feature', properties: {}, geometry: parent };
  return seeds.map((_, k) => {
    const cell = diagram.features[k];
    if (!cell || !cell.geometry) throw new Error('voronoi cell missing (duplicate seed?)');
    const ring = (cell.geometry.coordinates[0] as Position[]).map((p) => fromXY([p[0] as number, p[1] as number]));
    const clipped = intersect(featureCollection([polygon([ring]), parentFeature]));
    return clipped ? (clipped.geometry as Area) : null;
  });
}

/**
 * A Voronoi cell cut by a concave parent can fall apart into pieces. Keep the piece holding the seed
 * and hand every other piece to the neighbouring cell it shares most vertices with, so each cell is
 * one polygon where possible (a piece with no neighbour stays where it is).
 */
function mergeFragments(cells: (Area | null)[], seeds: XY[]): Area[] {
  const out: (Position[][][] | null)[] = cells.map((c) => (c ? polygonsOf(c).slice() : null));
  const orphans: { from: number; poly: Position[][] }[] = [];
  out.forEach((polys, k) => {
    if (!polys || polys.length < 2) return;
    const seed = seeds[k] as XY;
    let home = polys.findIndex((p) =>
      new PolygonTester({ type: 'Polygon', coordinates: p }).contains(seed[0], seed[1]),
    );
    if (home < 0) {
      let ba = -1;
      polys.forEach((p, i) => {
        const a = areaM2({ type: 'Polygon', coordinates: p });
        if (a > ba) {
          ba = a;
          home = i;
        }
      });
    }
    polys.forEach((p, i) => {
      if (i !== home) orphans.push({ from: k, poly: p });
    });
    out[k] = [polys[home] as Position[][]];
  });
  for (const o of orphans) {
    const keys = new Set((o.poly[0] as Position[]).map((p) => `${p[0]},${p[1]}`));
    let target = -1;
    let bestShared = 1;
    out.forEach((polys, k) => {
      if (!polys || k === o.from) return;
      let shared = 0;
      for (const poly of polys) for (const p of poly[0] as Position[]) if (keys.has(`${p[0]},${p[1]}`)) shared++;
      if (shared > bestShared) {
        bestShared = shared;
        target = k;
      }
    });
    if (target < 0) {
      (out[o.from] as Position[][][]).push(o.poly);
      continue;
    }
    const pair: Feature<Polygon | MultiPolygon>[] = [
      {
        type: 'Feature',
        properties: {},
        geometry: { type: 'MultiPolygon', coordinates: out[target] as Position[][][] },
      },
      polygon(o.poly),
    ];
    const merged = union(featureCollection(pair));
    out[target] = merged ? polygonsOf(merged.geometry as Area) : (out[target] as Position[][][]);
  }
  return out.map((polys, k) => {
    if (!polys || polys.length === 0) throw new Error(`partition cell ${k} is empty`);
    return polys.length === 1
      ? { type: 'Polygon', coordinates: polys[0] as Position[][] }
      : { type: 'MultiPolygon', coordinates: polys };
  });
}
