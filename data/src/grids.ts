/**
 * Grids (网格): each community is partitioned into grids sized by workload (about 380 households
 * per urban grid; villages 1–4 grids), pulled towards where people live. A handful become 专属网格
 * named after an institution. Codes follow CJ/T 349-2010: community code + 3-digit sequence.
 */
import { PolygonTester, areaCentroid, bboxOf, toXY, type Area } from './geo';
import type { DemandPoint } from './demand';
import { personName, makeMobileFactory } from './names';
import { partition, type Sample } from './partition';
import type { CommunityRegion } from './regions';
import type { Random } from './random';

export const PERSONS_PER_HOUSEHOLD = 2.8;
const HOUSEHOLDS_PER_URBAN_GRID = 380;
const HOUSEHOLDS_PER_VILLAGE_GRID = 300;

export type Grid = {
  code: string;
  communityCode: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  workerName: string;
  workerPhone: string;
  geometry: Area;
  points: DemandPoint[];
};

/** Villages in the towns are rural (1–4 grids); 城中村 villages inside a 街道 are sized like communities. */
export function gridCount(community: CommunityRegion, persons: number): number {
  const households = persons / PERSONS_PER_HOUSEHOLD;
  if (community.kind === 'village' && community.subdistrictKind === 'town')
    return Math.max(1, Math.min(4, Math.round(households / HOUSEHOLDS_PER_VILLAGE_GRID)));
  return Math.max(1, Math.round(households / HOUSEHOLDS_PER_URBAN_GRID));
}

/**
 * The numbering rule, "west→east, north→south" (CJ/T 349-2010), made exact:
 * - take the area centroid (cx, cy) of every cell;
 * - cut the parent's bounding box into `rows = max(1, round(sqrt(n)))` equal latitude bands, the
 *   first band at the north edge: band = min(rows − 1, floor((north − cy) / ((north − south) / rows)));
 * - sort by band (north first), then by cx (west first), then by cy (north first) to break ties;
 * - the sequence number is the 1-based position.
 * Returns the cell indices in numbering order.
 */
export function numberingOrder(parent: Area, cells: Area[]): number[] {
  const bb = bboxOf(parent);
  const north = bb[3];
  const south = bb[1];
  const rows = Math.max(1, Math.round(Math.sqrt(cells.length)));
  const h = (north - south) / rows;
  const keys = cells.map((c, i) => {
    const [cx, cy] = areaCentroid(c);
    const band = Math.min(rows - 1, Math.max(0, Math.floor((north - cy) / h)));
    return { i, band, cx, cy };
  });
  keys.sort((a, b) => a.band - b.band || a.cx - b.cx || b.cy - a.cy);
  return keys.map((k) => k.i);
}

/** Institutions that get their own 专属网格 (synthetic names). */
const INSTITUTIONS: { name: string; urban: boolean }[] = [
  { name: '观山湖区第一高级中学', urban: true },
  { name: '观山湖区实验小学', urban: true },
  { name: '观山湖区外国语实验中学', urban: true },
  { name: '金阳医院', urban: true },
  { name: '观山湖区人民医院', urban: true },
  { name: '观山湖区妇幼保健院', urban: true },
  { name: '贵阳国际会议展览中心', urban: true },
  { name: '观山湖区数字经济产业园', urban: true },
  { name: '金阳科技产业园', urban: true },
  { name: '朱昌镇农产品物流园', urban: false },
];

export function toSamples(points: DemandPoint[]): Sample[] {
  return points.map((p) => ({ xy: toXY(p.ll), ll: p.ll, w: p.w }));
}

/** Split points among cells (first containing cell; a point on no cell — float noise on an edge — goes to the nearest centroid). */
export function splitPoints(points: DemandPoint[], cells: Area[]): DemandPoint[][] {
  const testers = cells.map((c) => new PolygonTester(c));
  const centroids = cells.map((c) => toXY(areaCentroid(c)));
  const out: DemandPoint[][] = cells.map(() => []);
  for (const p of points) {
    let k = testers.findIndex((t) => t.contains(p.ll[0], p.ll[1]));
    if (k < 0) {
      const q = toXY(p.ll);
      let bd = Infinity;
      centroids.forEach((c, i) => {
        const d = (c[0] - q[0]) ** 2 + (c[1] - q[1]) ** 2;
        if (d < bd) {
          bd = d;
          k = i;
        }
      });
    }
    (out[k] as DemandPoint[]).push(p);
  }
  return out;
}

export function buildGrids(
  rng: Random,
  communities: CommunityRegion[],
  pointsByCommunity: Map<string, DemandPoint[]>,
): Grid[] {
  const phone = makeMobileFactory(rng.fork('phones'));
  const people = rng.fork('people');
  // choose the communities hosting a 专属网格: urban institutions in 街道 communities, the logistics
  // park in a town community
  const dedicatedAt = new Map<string, string>();
  const urbanPool = rng.shuffle(communities.filter((c) => c.subdistrictKind === 'street' && c.kind === 'community'));
  const townPool = rng.shuffle(communities.filter((c) => c.subdistrictKind === 'town'));
  for (const inst of INSTITUTIONS) {
    const pool = inst.urban ? urbanPool : townPool;
    const c = pool.find((x) => !dedicatedAt.has(x.code));
    if (c) dedicatedAt.set(c.code, inst.name);
  }

  const grids: Grid[] = [];
  for (const community of communities) {
    const points = pointsByCommunity.get(community.code) ?? [];
    const persons = points.reduce((s, p) => s + p.w, 0);
    let n = gridCount(community, persons);
    const institution = dedicatedAt.get(community.code);
    if (institution && n < 2) n = 2; // a dedicated grid needs a basic grid beside it
    const { cells } = partition({
      parent: community.geometry,
      n,
      rng: rng.fork(community.code),
      points: toSamples(points),
      backgroundShare: 0.15,
      iterations: 10,
    });
    const split = splitPoints(points, cells);
    const order = numberingOrder(community.geometry, cells);
    // the dedicated grid is the least populated cell: an institution, not a housing estate
    let dedicatedCell = -1;
    if (institution) {
      let least = Infinity;
      split.forEach((pts, i) => {
        const s = pts.reduce((a, p) => a + p.w, 0);
        if (s < least) {
          least = s;
          dedicatedCell = i;
        }
      });
    }
    order.forEach((cellIndex, pos) => {
      const seq = pos + 1;
      const pts = split[cellIndex] as DemandPoint[];
      const population = pts.reduce((a, p) => a + p.w, 0);
      const dedicated = cellIndex === dedicatedCell;
      grids.push({
        code: `${community.code}${String(seq).padStart(3, '0')}`,
        communityCode: community.code,
        name: dedicated ? `${institution}专属网格` : `${community.name}第${seq}网格`,
        kind: dedicated ? 'dedicated' : 'basic',
        households: Math.round(population / PERSONS_PER_HOUSEHOLD),
        population,
        workerName: personName(people),
        workerPhone: phone(),
        geometry: cells[cellIndex] as Area,
        points: pts,
      });
    });
  }
  return grids;
}
