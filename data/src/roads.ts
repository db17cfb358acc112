/**
 * A seeded street network: a slightly rotated, gently curving lattice in the urban core (arterials
 * every fourth line, collectors every second, residential streets between), expressways and trunk
 * roads linking the towns, a tree of village roads with a few loops in the countryside, lanes in
 * the hamlets and service roads into urban blocks. Everything is clipped to the district and kept
 * out of the lakes, then noded (split at every crossing).
 */
import type { DemoRoadProps } from './types';
import { fromXY, toXY, type XY } from './geo';
import { nodeLines, type Polyline } from './noding';
import { STREET_STEMS, STREET_SUFFIXES } from './names';
import type { Random } from './random';
import { meander } from './water';

export type RoadInputs = {
  inside: (p: XY) => boolean;
  inLake: (p: XY) => boolean;
  /** urban density (relative), see density.ts */
  density: (p: XY) => number;
  /** is the point in one of the seven 街道 */
  inStreet: (p: XY) => boolean;
  townCentres: XY[];
  hamlets: XY[];
  lakeRings: XY[][];
};

type Line = Polyline<DemoRoadProps>;

const ORIGIN: XY = [106.638, 26.628]; // 金阳 centre, where the lattice is anchored
const SPACING = 190; // metres between lattice lines
const STEP = 40; // metres between vertices along generated lines

/** Split a dense polyline into the runs whose vertices satisfy keep(). */
function runs(coords: XY[], keep: (p: XY, i: number) => boolean): XY[][] {
  const out: XY[][] = [];
  let cur: XY[] = [];
  coords.forEach((p, i) => {
    if (keep(p, i)) cur.push(p);
    else {
      if (cur.length >= 2) out.push(cur);
      cur = [];
    }
  });
  if (cur.length >= 2) out.push(cur);
  return out;
}

/** Smooth wobble: two sinusoids with seeded amplitude, wavelength and phase. */
function wobble(rng: Random, amp: number): (s: number) => number {
  const terms = [0, 1].map(() => ({
    a: rng.range(0.3, 1) * amp,
    l: rng.range(350, 1400),
    ph: rng.range(0, 2 * Math.PI),
  }));
  return (s) => terms.reduce((acc, t) => acc + t.a * Math.sin(s / t.l + t.ph), 0);
}

const NS_STEMS = ['长岭', '金阳', '诚信', '会展', '宾阳', '云潭', '石林', '阳关'];
const EW_NAMES = ['北京西路', '黔灵山路', '林城西路', '兴筑西路', '观山西路', '金源路', '碧海路', '龙泉路'];

export function buildRoads(rng: Random, inp: RoadInputs): Line[] {
  const lines: Line[] = [];
  const dry = (p: XY) => inp.inside(p) && !inp.inLake(p);
  const urban = (p: XY) => inp.inStreet(p) && inp.density(p) > 0.16;
  const fringe = (p: XY) => inp.density(p) > 0.1;
  const usedNames = new Set<string>();
  const streetName = (r: Random): string => {
    for (let k = 0; k < 20; k++) {
      const n = r.pick(STREET_STEMS) + r.pick(STREET_SUFFIXES);
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
    return r.pick(STREET_STEMS) + r.pick(STREET_SUFFIXES);
  };
  EW_NAMES.forEach((n) => usedNames.add(n));

  // ---- urban lattice -------------------------------------------------------------------------
  const lat = rng.fork('lattice');
  const theta = ((12 + lat.range(-4, 4)) * Math.PI) / 180;
  const ux: XY = [Math.cos(theta), Math.sin(theta)]; // "east" axis of the lattice
  const vy: XY = [-Math.sin(theta), Math.cos(theta)]; // "north" axis
  const o = toXY(ORIGIN);
  const at = (u: number, v: number): XY => fromXY([o[0] + u * ux[0] + v * vy[0], o[1] + u * ux[1] + v * vy[1]]);
  const half = 9000;
  const nLines = Math.floor(half / SPACING);
  let ewArterial = 0;
  let nsArterial = 0;
  for (const dir of ['ew', 'ns'] as const) {
    for (let i = -nLines; i <= nLines; i++) {
      const r = lat.fork(`${dir}${i}`);
      const w = wobble(r, i % 4 === 0 ? 10 : 22);
      const shift = r.range(-25, 25);
      const coords: XY[] = [];
      for (let s = -half; s <= half; s += STEP) {
        const off = i * SPACING + shift + w(s);
        coords.push(dir === 'ew' ? at(s, off) : at(off, s));
      }
      const arterial = i % 4 === 0;
      const collector = !arterial && i % 2 === 0;
      // per-stretch (block side) coin flips: residential streets have gaps, which makes T-junctions
      // and irregular blocks; denser neighbourhoods keep more of their streets
      const stretchLen = Math.round(SPACING / STEP);
      const flips = Array.from({ length: Math.ceil(coords.length / stretchLen) + 1 }, () => r.float());
      const keep = (p: XY, k: number): boolean => {
        if (!dry(p)) return false;
        if (arterial) return fringe(p);
        if (!urban(p)) return false;
        if (collector) return true;
        const d = inp.density(p);
        const pKeep = d > 0.6 ? 0.93 : d > 0.35 ? 0.8 : 0.6;
        return (flips[Math.floor(k / stretchLen)] as number) < pKeep;
      };
      let props: DemoRoadProps;
      if (arterial) {
        if (dir === 'ew') {
          props = {
            class: Math.abs(i) <= 4 ? 'primary' : 'secondary',
            name: EW_NAMES[ewArterial++ % EW_NAMES.length] ?? null,
            oneway: false,
          };
        } else {
          props = {
            class: Math.abs(i) <= 4 ? 'primary' : 'secondary',
            name: NS_STEMS[nsArterial++ % NS_STEMS.length] ?? null,
            oneway: false,
          };
        }
      } else if (collector) {
        props = { class: 'tertiary', name: streetName(r), oneway: false };
      } else {
        props = { class: 'residential', name: r.chance(0.45) ? streetName(r) : null, oneway: r.chance(0.15) };
      }
      for (const run of runs(coords, keep)) {
        if (dir === 'ns' && arterial && props.name && !props.name.endsWith('路')) {
          // N–S arterials are named by halves, north and south of the lattice origin: 长岭北路 / 长岭南路
          const north: XY[] = [];
          const south: XY[] = [];
          for (const p of run) (toXY(p)[1] - o[1] >= 0 ? north : south).push(p);
          if (north.length >= 2) lines.push({ coords: north, props: { ...props, name: `${props.name}北路` } });
          if (south.length >= 2) lines.push({ coords: south, props: { ...props, name: `${props.name}南路` } });
          // keep the two halves joined at the origin row
          if (north.length >= 1 && south.length >= 1)
            lines.push({
              coords: [south[south.length - 1] as XY, north[0] as XY],
              props: { ...props, name: `${props.name}南路` },
            });
        } else {
          lines.push({ coords: run, props });
        }
      }
    }
  }

  // ---- service roads into urban blocks --------------------------------------------------------
  // short dead ends (estate driveways) starting at an existing vertex of a residential street, so
  // they are connected by construction
  const svc = rng.fork('service');
  const residential = lines.filter((l) => l.props.class === 'residential' || l.props.class === 'tertiary');
  for (const l of residential) {
    for (let k = 2; k < l.coords.length - 2; k += 3) {
      if (!svc.chance(0.12)) continue;
      const a = toXY(l.coords[k] as XY);
      const b = toXY(l.coords[k + 1] as XY);
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
      const side = svc.chance(0.5) ? 1 : -1;
      const nx = (-(b[1] - a[1]) / len) * side;
      const ny = ((b[0] - a[0]) / len) * side;
      const L = svc.range(50, 85); // stays inside the block (half the lattice spacing)
      const coords: XY[] = [
        l.coords[k] as XY,
        fromXY([a[0] + nx * L * 0.5, a[1] + ny * L * 0.5]),
        fromXY([a[0] + nx * L, a[1] + ny * L]),
      ];
      if (coords.every(dry)) lines.push({ coords, props: { class: 'service', name: null, oneway: false } });
    }
  }

  // ---- expressways and trunk roads --------------------------------------------------------------
  const big = rng.fork('trunks');
  const [jinhua, zhuchang, baihua] = inp.townCentres as [XY, XY, XY];
  const corridor = (pts: XY[], amp: number, props: DemoRoadProps) => {
    const coords: XY[] = [];
    for (let k = 0; k < pts.length - 1; k++) {
      const part = meander(big, pts[k] as XY, pts[k + 1] as XY, 50, amp, 3).map((p) => [p[0], p[1]] as XY);
      coords.push(...(k === 0 ? part : part.slice(1)));
    }
    for (const run of runs(coords, dry)) lines.push({ coords: run, props });
  };
  corridor(
    [
      [106.692, 26.652],
      [106.6, 26.668],
      [106.52, 26.708],
      [106.44, 26.742],
    ],
    250,
    { class: 'motorway', name: '贵黔高速', oneway: false },
  );
  corridor(
    [
      [106.597, 26.752],
      [106.592, 26.66],
      [106.586, 26.528],
    ],
    300,
    { class: 'motorway', name: '贵阳绕城高速', oneway: false },
  );
  corridor([ORIGIN, jinhua, baihua, [106.44, 26.706]], 350, { class: 'trunk', name: '百花大道', oneway: false });
  corridor([[106.615, 26.612], zhuchang, [106.44, 26.6]], 300, { class: 'trunk', name: '金朱路', oneway: false });
  corridor([zhuchang, baihua], 500, { class: 'secondary', name: '朱百路', oneway: false });
  corridor([zhuchang, [106.565, 26.535]], 300, { class: 'secondary', name: '朱昌大道', oneway: false });
  corridor([jinhua, [106.575, 26.748]], 300, { class: 'secondary', name: '金华路', oneway: false });
  corridor([jinhua, zhuchang], 400, { class: 'secondary', name: '金朱北路', oneway: false });

  // ---- village roads: a minimum spanning tree over hamlets and town seats plus a few loops ------
  const vil = rng.fork('villages');
  const nodes: XY[] = [...inp.townCentres, ...inp.hamlets.filter((h) => !urban(h) && dry(h))];
  const edges = spanningTree(nodes);
  for (let i = 0; i < nodes.length; i++) {
    if (!vil.chance(0.35)) continue;
    const j = nthNearest(nodes, i, 2);
    if (j >= 0 && !edges.some(([a, b]) => (a === i && b === j) || (a === j && b === i))) edges.push([i, j]);
  }
  for (const [a, b] of edges) {
    const A = nodes[a] as XY;
    const B = nodes[b] as XY;
    const len = Math.hypot(toXY(A)[0] - toXY(B)[0], toXY(A)[1] - toXY(B)[1]);
    const coords = meander(vil, A, B, 50, 0.15 * len, 3).map((p) => [p[0], p[1]] as XY);
    for (const run of runs(coords, dry))
      lines.push({
        coords: run,
        props: { class: 'tertiary', name: vil.chance(0.2) ? streetName(vil) : null, oneway: false },
      });
  }
  // lanes through each hamlet and a small street grid in each town seat
  for (const h of nodes.slice(inp.townCentres.length)) {
    const nLanes = vil.int(1, 3);
    for (let k = 0; k < nLanes; k++) {
      const ang = vil.range(0, 2 * Math.PI);
      const L = vil.range(200, 500);
      const c = toXY(h);
      const end = fromXY([c[0] + Math.cos(ang) * L, c[1] + Math.sin(ang) * L]);
      const coords = meander(vil, h, end, 40, 0.1 * L, 2).map((p) => [p[0], p[1]] as XY);
      for (const run of runs(coords, dry))
        lines.push({ coords: run, props: { class: 'residential', name: null, oneway: false } });
    }
  }
  for (const t of inp.townCentres) {
    const c = toXY(t);
    const rot = vil.range(0, Math.PI / 2);
    for (let i = -4; i <= 4; i++) {
      for (const dir of [0, 1]) {
        const w = wobble(vil, 12);
        const coords: XY[] = [];
        for (let s = -700; s <= 700; s += STEP) {
          const a = i * 170 + w(s);
          const [x, y] = dir === 0 ? [s, a] : [a, s];
          coords.push(
            fromXY([c[0] + x * Math.cos(rot) - y * Math.sin(rot), c[1] + x * Math.sin(rot) + y * Math.cos(rot)]),
          );
        }
        const gap = vil.int(0, 4);
        const keepRun = (p: XY, k: number) =>
          dry(p) && Math.floor(k / 5) !== gap + 6 && Math.hypot(toXY(p)[0] - c[0], toXY(p)[1] - c[1]) < 750;
        for (const run of runs(coords, keepRun))
          lines.push({
            coords: run,
            props: { class: 'residential', name: i === 0 ? streetName(vil) : null, oneway: false },
          });
      }
    }
  }

  // ---- the footpath round 观山湖 ------------------------------------------------------------------
  for (const ring of inp.lakeRings.slice(1)) {
    const cx = ring.reduce((s, p) => s + toXY(p)[0], 0) / ring.length;
    const cy = ring.reduce((s, p) => s + toXY(p)[1], 0) / ring.length;
    const path = ring.map((p) => {
      const q = toXY(p);
      const d = Math.hypot(q[0] - cx, q[1] - cy) || 1;
      return fromXY([q[0] + ((q[0] - cx) / d) * 35, q[1] + ((q[1] - cy) / d) * 35]);
    });
    lines.push({ coords: path, props: { class: 'footway', name: '观山湖公园环湖步道', oneway: false } });
  }

  return keepConnected(nodeLines(lines));
}

/** Prim's algorithm on planar distance; returns index pairs. */
function spanningTree(nodes: XY[]): [number, number][] {
  const n = nodes.length;
  const xy = nodes.map(toXY);
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Infinity);
  const from = new Array<number>(n).fill(-1);
  const edges: [number, number][] = [];
  best[0] = 0;
  for (let it = 0; it < n; it++) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || (best[i] as number) < (best[u] as number))) u = i;
    if (u < 0) break;
    inTree[u] = true;
    if ((from[u] as number) >= 0) edges.push([from[u] as number, u]);
    const p = xy[u] as XY;
    for (let i = 0; i < n; i++) {
      if (inTree[i]) continue;
      const q = xy[i] as XY;
      const d = Math.hypot(p[0] - q[0], p[1] - q[1]);
      if (d < (best[i] as number)) {
        best[i] = d;
        from[i] = u;
      }
    }
  }
  return edges;
}

function nthNearest(nodes: XY[], i: number, nth: number): number {
  const p = toXY(nodes[i] as XY);
  const order = nodes
    .map((q, j) => ({ j, d: j === i ? Infinity : Math.hypot(toXY(q)[0] - p[0], toXY(q)[1] - p[1]) }))
    .sort((a, b) => a.d - b.d);
  return order[nth - 1]?.j ?? -1;
}

/**
 * Clipping to the outline and the lakes leaves a few scraps of street that touch nothing. Keep only
 * the largest connected component: routing needs one connected graph, and the scraps are noise.
 */
function keepConnected(segments: Line[]): Line[] {
  const id = new Map<string, number>();
  const parent: number[] = [];
  const node = (p: XY) => {
    const k = `${p[0]},${p[1]}`;
    let v = id.get(k);
    if (v === undefined) {
      v = parent.length;
      id.set(k, v);
      parent.push(v);
    }
    return v;
  };
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x] as number] as number;
      x = parent[x] as number;
    }
    return x;
  };
  const ends = segments.map((s) => [node(s.coords[0] as XY), node(s.coords[s.coords.length - 1] as XY)] as const);
  for (const [a, b] of ends) parent[find(a)] = find(b);
  const length = new Map<number, number>();
  segments.forEach((s, i) => {
    const root = find((ends[i] as readonly [number, number])[0]);
    let L = 0;
    for (let k = 1; k < s.coords.length; k++) {
      const a = toXY(s.coords[k - 1] as XY);
      const b = toXY(s.coords[k] as XY);
      L += Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    length.set(root, (length.get(root) ?? 0) + L);
  });
  let mainRoot = -1;
  let mainLen = -1;
  for (const [root, L] of length) {
    if (L > mainLen) {
      mainLen = L;
      mainRoot = root;
    }
  }
  return segments.filter((_, i) => find((ends[i] as readonly [number, number])[0]) === mainRoot);
}
