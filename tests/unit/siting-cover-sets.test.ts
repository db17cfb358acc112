/**
 * coverSetsWithinRadius against brute force on the WGS84 ellipsoid (GeographicLib, which shares no
 * code with the helper): every candidate against every demand point. Pairs within 1 cm of the radius
 * are left out of the comparison, since a flat-at-mid-latitude length and the geodesic may round
 * them either way; everything else must agree exactly.
 */
import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { coverSetsWithinRadius, type LngLat } from '../../server/src/siting/cover-sets';
import { geodesicDistanceM } from '../support/geodesy';
import { mulberry32 } from '../support/random';

function randomPoints(seed: number, count: number, lng0: number, lat0: number, spanDeg: number): LngLat[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => [lng0 + random() * spanDeg, lat0 + random() * spanDeg] as const);
}

function expectMatchesBruteForce(candidates: LngLat[], demand: LngLat[], radius_m: number) {
  const { coverStart, coverIndex } = coverSetsWithinRadius(candidates, demand, radius_m);
  expect(coverStart).toHaveLength(candidates.length + 1);
  let pairs = 0;
  candidates.forEach((candidate, j) => {
    const listed = Array.from(coverIndex.subarray(coverStart[j]!, coverStart[j + 1]!));
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    const ambiguous = new Set<number>();
    const inside: number[] = [];
    demand.forEach((point, i) => {
      const d = geodesicDistanceM([...candidate], [...point]);
      if (Math.abs(d - radius_m) < 0.01) ambiguous.add(i);
      else if (d < radius_m) inside.push(i);
    });
    expect(listed.filter((i) => !ambiguous.has(i))).toEqual(inside);
    pairs += inside.length;
  });
  return pairs;
}

describe('coverSetsWithinRadius', () => {
  it('equals brute force on a 20 km city with a 1,000 m radius', () => {
    const demand = randomPoints(1, 3_000, 106.5, 26.5, 0.2);
    const candidates = randomPoints(2, 120, 106.5, 26.5, 0.2);
    // About 3,000 × π / 400 ≈ 24 points per candidate: enough pairs to mean something.
    expect(expectMatchesBruteForce(candidates, demand, 1_000)).toBeGreaterThan(1_500);
  });

  it('still equals brute force across 30° of latitude with a 60 km radius (the search box widens)', () => {
    const demand = randomPoints(3, 1_500, 100, 20, 30);
    const candidates = randomPoints(4, 60, 100, 20, 30);
    expect(expectMatchesBruteForce(candidates, demand, 60_000)).toBeGreaterThan(100);
  });

  it('decides points a few centimetres either side of the radius, in every direction, at 26°N and 60°N', () => {
    const wgs84 = geographiclib.Geodesic.WGS84;
    for (const [lng, lat] of [
      [106.6, 26.6],
      [20, 60],
    ] as const) {
      const demand: LngLat[] = [];
      const inside: number[] = [];
      for (let azimuth = 0; azimuth < 360; azimuth += 5) {
        for (const offset_m of [-1, -0.3, -0.05, 0.05, 0.3, 1]) {
          const p = wgs84.Direct(lat, lng, azimuth, 1_000 + offset_m);
          if (offset_m < 0) inside.push(demand.length);
          demand.push([p.lon2!, p.lat2!]);
        }
      }
      const { coverIndex } = coverSetsWithinRadius([[lng, lat]], demand, 1_000);
      expect(Array.from(coverIndex)).toEqual(inside);
    }
  });

  it('counts a point exactly at the candidate, and nothing for empty inputs', () => {
    const here: LngLat = [106.6, 26.6];
    const result = coverSetsWithinRadius([here, [106.7, 26.6]], [here], 0);
    expect(Array.from(result.coverStart)).toEqual([0, 1, 1]);
    expect(Array.from(result.coverIndex)).toEqual([0]);
    expect(Array.from(coverSetsWithinRadius([here], [], 500).coverStart)).toEqual([0, 0]);
    expect(Array.from(coverSetsWithinRadius([], [here], 500).coverStart)).toEqual([0]);
    expect(() => coverSetsWithinRadius([here], [here], -1)).toThrow('radius_m');
  });
});
