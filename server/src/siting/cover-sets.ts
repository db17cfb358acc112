/**
 * Coverage sets by straight-line radius: which demand points lie within `radius_m` of each
 * candidate, as the CSR a SitingProblem takes. A kdbush index over the demand points in a local
 * equirectangular projection gives a shortlist (its box is widened so that the projection's scale
 * drift over the region cannot drop a point), and each shortlisted pair is then measured exactly
 * like the routing code measures a segment (segmentLengthM: flat at the pair's mid-latitude, within
 * 1e-7 of the WGS84 geodesic at 1 km), so the answer agrees with PostGIS's ST_DWithin on geography
 * to well under a millimetre at these radii.
 */
import KDBush from 'kdbush';
import { localMetric, metresPerDegreeLat, metresPerDegreeLng, segmentLengthM } from '../routing/local-metric';

export type LngLat = readonly [number, number];

export type CoverSets = { coverStart: Int32Array; coverIndex: Int32Array };

/**
 * For each candidate (in order), the demand indices within `radius_m` metres, ascending. A point
 * exactly at the radius counts as covered.
 */
export function coverSetsWithinRadius(
  candidates: readonly LngLat[],
  demand: readonly LngLat[],
  radius_m: number,
): CoverSets {
  if (!(radius_m >= 0) || !Number.isFinite(radius_m)) throw new RangeError(`radius_m must be ≥ 0, got ${radius_m}`);
  const coverStart = new Int32Array(candidates.length + 1);
  if (demand.length === 0 || candidates.length === 0) return { coverStart, coverIndex: new Int32Array(0) };

  let minLat = Infinity;
  let maxLat = -Infinity;
  let sumLng = 0;
  for (const [lng, lat] of demand) {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
    sumLng += lng;
  }
  // The centre is the demand's; the latitude span takes the candidates too (see `widen`).
  const demandMinLat = minLat;
  const demandMaxLat = maxLat;
  for (const [, lat] of candidates) {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const metric = localMetric(sumLng / demand.length, (demandMinLat + demandMaxLat) / 2);
  const index = new KDBush(demand.length);
  for (const [lng, lat] of demand) index.add((lng - metric.lng0) * metric.kx, (lat - metric.lat0) * metric.ky);
  index.finish();

  // The projection's east-west scale is exact only at lat0; elsewhere it is off by cos φ / cos φ0.
  // Widen the search box by the worst ratio over the region (and 1 %), then measure exactly.
  const rad = Math.PI / 180;
  const cos0 = Math.cos(metric.lat0 * rad);
  const cosFar = Math.min(Math.cos(minLat * rad), Math.cos(maxLat * rad));
  const widen = 1.01 * Math.max(1, cos0 / Math.max(cosFar, 1e-6));

  // Projected demand, for a fast first test per pair in the candidate's own local metric.
  const demandLng = Float64Array.from(demand, (p) => p[0]);
  const demandLat = Float64Array.from(demand, (p) => p[1]);
  let indices = new Int32Array(Math.max(1024, demand.length));
  let count = 0;
  for (let j = 0; j < candidates.length; j++) {
    const [lng, lat] = candidates[j]!;
    const x = (lng - metric.lng0) * metric.kx;
    const y = (lat - metric.lat0) * metric.ky;
    const r = radius_m * widen;
    const near = Int32Array.from(index.range(x - r, y - radius_m * 1.01, x + r, y + radius_m * 1.01)).sort();
    // Flat at the candidate's latitude instead of the pair's mid-latitude: the east-west scale is
    // off by about tan φ · Δφ / 2 relative, with Δφ ≤ radius / 6,370 km (≈ 4e-5 at 1 km and 26°N).
    // Only pairs in a band twice that wide (plus 1e-4 and 1 cm) around the radius need the exact
    // measure; the rest are clearly in or out.
    const kx = metresPerDegreeLng(lat);
    const ky = metresPerDegreeLat(lat);
    const band = radius_m * (1e-4 + (Math.abs(Math.tan(lat * rad)) * radius_m) / 6.0e6) + 0.01;
    if (count + near.length > indices.length) {
      const grown = new Int32Array(Math.max(2 * indices.length, count + near.length));
      grown.set(indices.subarray(0, count));
      indices = grown;
    }
    for (const i of near) {
      const dx = (demandLng[i]! - lng) * kx;
      const dy = (demandLat[i]! - lat) * ky;
      const approx = Math.sqrt(dx * dx + dy * dy);
      if (approx > radius_m + band) continue;
      if (approx < radius_m - band || segmentLengthM(lng, lat, demandLng[i]!, demandLat[i]!) <= radius_m) {
        indices[count++] = i;
      }
    }
    coverStart[j + 1] = count;
  }
  return { coverStart, coverIndex: indices.slice(0, count) };
}
