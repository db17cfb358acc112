/**
 * Subdistricts (街道/镇) and communities (社区/村): seeded partitions of the real district outline,
 * carrying the real names and codes.
 */
import type { Polygon } from 'geojson';
import { PolygonTester, type Area, type XY } from './geo';
import { loadCommunities, loadSubdistricts, type CommunityInfo, type SubdistrictInfo } from './divisions';
import type { Density } from './density';
import { partition } from './partition';
import type { Random } from './random';

export type SubdistrictRegion = SubdistrictInfo & { geometry: Area; seed: XY };
export type CommunityRegion = CommunityInfo & { geometry: Area; seed: XY; subdistrictKind: 'street' | 'town' };

/**
 * Where each subdistrict's cell starts (lng/lat). The three towns sit in the rural west and
 * north-west, the seven 街道 in the urban eastern lobe; a couple of weighted Lloyd rounds then
 * smooth the cells without moving them far from this plan.
 */
const PLANNED_SEEDS: Record<string, XY> = {
  '520115001': [106.68, 26.633], // 宾阳街道: eastern edge
  '520115002': [106.604, 26.645], // 云潭街道: north-west of the core
  '520115003': [106.628, 26.656], // 金华园街道: north of the core
  '520115004': [106.657, 26.645], // 长岭街道: north-east
  '520115005': [106.598, 26.607], // 观山街道: south-west of the core
  '520115006': [106.66, 26.613], // 世纪城街道: south-east
  '520115007': [106.632, 26.628], // 金阳街道: the centre
  '520115100': [106.572, 26.675], // 金华镇: north
  '520115101': [106.555, 26.585], // 朱昌镇: south-west
  '520115102': [106.49, 26.67], // 百花湖镇: west / north-west
};

export function buildSubdistricts(rng: Random, outline: Polygon, density: Density): SubdistrictRegion[] {
  const infos = loadSubdistricts();
  const seeds = infos.map((s) => {
    const base = PLANNED_SEEDS[s.code];
    if (!base) throw new Error(`no planned seed for ${s.code}`);
    return [base[0] + rng.range(-0.003, 0.003), base[1] + rng.range(-0.003, 0.003)] as XY;
  });
  const { cells, seeds: finalSeeds } = partition({
    parent: outline,
    n: infos.length,
    rng,
    seeds,
    iterations: 2,
    samplesPerCell: 600,
    // square root of density: urban cells come out smaller, but not absurdly so
    weight: (p) => Math.sqrt(density.at(p)),
  });
  return infos.map((s, i) => ({ ...s, geometry: cells[i] as Area, seed: finalSeeds[i] as XY }));
}

export function buildCommunities(rng: Random, subdistricts: SubdistrictRegion[], density: Density): CommunityRegion[] {
  const all = loadCommunities();
  const out: CommunityRegion[] = [];
  for (const sd of subdistricts) {
    const infos = all.filter((c) => c.subdistrictCode === sd.code);
    if (infos.length === 0) throw new Error(`no communities for ${sd.code}`);
    const sub = rng.fork(sd.code);
    const { cells, seeds } = partition({
      parent: sd.geometry,
      n: infos.length,
      rng: sub,
      iterations: 8,
      samplesPerCell: 60,
      weight: (p) => Math.sqrt(density.at(p)),
    });
    // villages (村) take the least dense cells, urban communities (社区) the rest in seeded order
    const order = cells.map((_, i) => i).sort((a, b) => density.at(seeds[a] as XY) - density.at(seeds[b] as XY));
    const villages = infos.filter((c) => c.kind === 'village');
    const communities = sub.shuffle(infos.filter((c) => c.kind === 'community'));
    const ranked = [...villages, ...communities];
    order.forEach((cellIndex, rank) => {
      const info = ranked[rank] as CommunityInfo;
      out.push({ ...info, geometry: cells[cellIndex] as Area, seed: seeds[cellIndex] as XY, subdistrictKind: sd.kind });
    });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** Locate the community of a point (first match; cells tile the district). */
export class CommunityLocator {
  private readonly testers: { code: string; t: PolygonTester }[];
  constructor(regions: { code: string; geometry: Area }[]) {
    this.testers = regions.map((r) => ({ code: r.code, t: new PolygonTester(r.geometry) }));
  }
  find(p: XY): string | null {
    for (const { code, t } of this.testers) if (t.contains(p[0], p[1])) return code;
    return null;
  }
}
