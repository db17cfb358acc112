/**
 * Cutting a street block that holds far more households than a grid should: with no inner streets
 * to follow, the fairest straight line is the one that halves its demand. The cut runs across the
 * block's principal axis (the direction its demand points spread most, weighted), through the gap
 * between the two points where the weights on either side come closest to equal, so no point lies
 * on the cut. Repeated on the halves until each is small enough (the service re-polygonizes the
 * streets with the cuts after each round, so blocks still share exact edges).
 */

export type WeightedPoint = { x: number; y: number; w: number };
/** A cut line: a point on it and its unit direction, in the same metre frame as the points. */
export type Cut = { x: number; y: number; dx: number; dy: number };

export function medianCut(points: readonly WeightedPoint[]): Cut | null {
  const total = points.reduce((s, p) => s + p.w, 0);
  if (points.length < 2 || !(total > 0)) return null;
  const mx = points.reduce((s, p) => s + p.w * p.x, 0) / total;
  const my = points.reduce((s, p) => s + p.w * p.y, 0) / total;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += p.w * (p.x - mx) ** 2;
    sxy += p.w * (p.x - mx) * (p.y - my);
    syy += p.w * (p.y - my) ** 2;
  }
  // The major axis of the 2×2 covariance: angle ½·atan2(2sxy, sxx − syy).
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  for (const axis of [angle, angle + Math.PI / 2]) {
    const ex = Math.cos(axis);
    const ey = Math.sin(axis);
    const projected = points.map((p) => ({ t: (p.x - mx) * ex + (p.y - my) * ey, w: p.w })).sort((a, b) => a.t - b.t);
    let left = 0;
    let best: { gap: number; t: number } | undefined;
    for (let i = 0; i < projected.length - 1; i++) {
      left += projected[i]!.w;
      const here = projected[i]!.t;
      const next = projected[i + 1]!.t;
      if (next - here < 1e-6) continue; // points at the same place along the axis can't be parted here
      const gap = Math.abs(2 * left - total);
      if (!best || gap < best.gap) best = { gap, t: (here + next) / 2 };
    }
    if (best) return { x: mx + best.t * ex, y: my + best.t * ey, dx: -ey, dy: ex };
  }
  return null;
}

/**
 * A local equirectangular frame in metres around (lng0, lat0): good to a fraction of a percent over
 * a community's few kilometres, which is all the cuts, the tree lengths and k-means need.
 */
export function localFrame(lng0: number, lat0: number) {
  const ky = 110_574;
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  return {
    toMetres: (lng: number, lat: number): [number, number] => [(lng - lng0) * kx, (lat - lat0) * ky],
    toLngLat: (x: number, y: number): [number, number] => [lng0 + x / kx, lat0 + y / ky],
  };
}
