/**
 * A synthetic population-density surface. Relative values only: the absolute totals are set by the
 * demand generator. The urban core of 观山湖区 (the former 金阳新区) is the eastern lobe of the
 * district; the west and north-west are the rural towns around 百花湖.
 */
import { distM, type XY } from './geo';
import type { Random } from './random';

type Blob = { at: XY; sigma: number; amp: number };

/** Urban centres (lng, lat, sigma in metres, relative amplitude); plausible, not surveyed. */
export const URBAN_CENTRES: readonly { name: string; at: XY; sigma: number; amp: number }[] = [
  { name: '金阳中心区', at: [106.635, 26.63], sigma: 1700, amp: 1.0 },
  { name: '世纪城', at: [106.66, 26.615], sigma: 1300, amp: 1.0 },
  { name: '会展城', at: [106.655, 26.64], sigma: 1400, amp: 0.85 },
  { name: '金华园', at: [106.62, 26.652], sigma: 1300, amp: 0.7 },
  { name: '宾阳', at: [106.68, 26.632], sigma: 1000, amp: 0.6 },
  { name: '观山', at: [106.61, 26.615], sigma: 1300, amp: 0.6 },
  { name: '云潭', at: [106.603, 26.642], sigma: 1100, amp: 0.5 },
];

/** Commercial centres where new-economy workers (riders, couriers) concentrate. */
export const COMMERCIAL_CENTRES: readonly { name: string; at: XY; sigma: number; amp: number }[] = [
  { name: '金阳CBD', at: [106.638, 26.628], sigma: 900, amp: 1.0 },
  { name: '世纪城商圈', at: [106.662, 26.613], sigma: 800, amp: 0.9 },
  { name: '会展城商圈', at: [106.652, 26.638], sigma: 800, amp: 0.8 },
  { name: '金华园商圈', at: [106.622, 26.651], sigma: 700, amp: 0.5 },
  { name: '观山商圈', at: [106.612, 26.616], sigma: 700, amp: 0.45 },
  { name: '宾阳商圈', at: [106.679, 26.633], sigma: 600, amp: 0.35 },
];

export const TOWN_CENTRES: readonly { code: string; name: string; at: XY }[] = [
  { code: '520115100', name: '金华镇', at: [106.583, 26.683] },
  { code: '520115101', name: '朱昌镇', at: [106.535, 26.597] },
  { code: '520115102', name: '百花湖镇', at: [106.5, 26.7] },
];

export type Density = {
  /** residents, relative */
  at(p: XY): number;
  /** new-economy workers, relative */
  workersAt(p: XY): number;
  hamlets: readonly XY[];
};

function blobSum(blobs: readonly Blob[], p: XY): number {
  let s = 0;
  for (const b of blobs) {
    const d = distM(p, b.at);
    if (d < 4 * b.sigma) s += b.amp * Math.exp(-(d * d) / (2 * b.sigma * b.sigma));
  }
  return s;
}

/**
 * Build the density surface. Rural settlement is a scatter of hamlets (自然村) with small Gaussian
 * footprints plus three town seats, so villages look like clusters rather than a smear.
 */
export function makeDensity(rng: Random, inside: (p: XY) => boolean, bbox: [number, number, number, number]): Density {
  const urban: Blob[] = URBAN_CENTRES.map((c) => ({ at: c.at, sigma: c.sigma, amp: c.amp }));
  urban.push({ at: [106.64, 26.632], sigma: 4200, amp: 0.22 }); // the continuous built-up area
  const rural: Blob[] = TOWN_CENTRES.map((t) => ({ at: t.at, sigma: 700, amp: 0.18 }));
  const hamlets: XY[] = [];
  let guard = 0;
  while (hamlets.length < 110 && guard++ < 20000) {
    const p: XY = [rng.range(bbox[0], bbox[2]), rng.range(bbox[1], bbox[3])];
    if (!inside(p)) continue;
    // hamlets thin out towards the urban core where the land is built up
    if (blobSum(urban, p) > 0.25) continue;
    if (hamlets.some((h) => distM(h, p) < 700)) continue;
    hamlets.push(p);
    rural.push({ at: p, sigma: rng.range(180, 380), amp: rng.range(0.03, 0.09) });
  }
  const workers: Blob[] = COMMERCIAL_CENTRES.map((c) => ({ at: c.at, sigma: c.sigma, amp: c.amp }));
  return {
    // the constant is scattered farmhouses: it keeps every village populated even without a hamlet
    at: (p) => blobSum(urban, p) + blobSum(rural, p) + 0.012,
    workersAt: (p) => blobSum(workers, p) + 0.15 * blobSum(urban, p) + 0.01 * blobSum(rural, p),
    hamlets,
  };
}
