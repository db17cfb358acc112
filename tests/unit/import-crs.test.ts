/**
 * Coordinate conversions against known points: published pairs (wandergis/coordtransform's test,
 * for Beijing: WGS84 116.404, 39.915 → GCJ-02 116.41024449916938, 39.91640428150164, and GCJ-02
 * 116.404, 39.915 → BD-09 116.41036949371029, 39.92133699351021) and round trips measured with
 * GeographicLib.
 */
import { describe, expect, it } from 'vitest';
import { fromWgs84, mapPositions, parseCrs, toWgs84 } from '../../server/src/import/crs';
import { geodesicDistanceM } from '../support/geodesy';
import { mulberry32 } from '../support/random';

describe('fromWgs84 / toWgs84', () => {
  it('matches the published Beijing pair', () => {
    const [lng, lat] = fromWgs84('gcj02')(116.404, 39.915);
    expect(lng).toBeCloseTo(116.41024449916938, 9);
    expect(lat).toBeCloseTo(39.91640428150164, 9);
    // GCJ-02 → BD-09 is GCJ-02 → WGS84 (our inverse) → BD-09 here.
    const wgs = toWgs84('gcj02')(116.404, 39.915);
    const [bLng, bLat] = fromWgs84('bd09')(wgs[0], wgs[1]);
    expect(bLng).toBeCloseTo(116.41036949371029, 9);
    expect(bLat).toBeCloseTo(39.92133699351021, 9);
  });

  it('offsets GCJ-02 by several hundred metres in Guiyang, and BD-09 further', () => {
    const here = [106.63, 26.62] as const;
    const gcj = fromWgs84('gcj02')(...here);
    const bd = fromWgs84('bd09')(...here);
    expect(geodesicDistanceM([...here], gcj)).toBeGreaterThan(300);
    expect(geodesicDistanceM([...here], gcj)).toBeLessThan(700);
    expect(geodesicDistanceM([...here], bd)).toBeGreaterThan(geodesicDistanceM([...here], gcj) + 300);
  });

  it.each(['gcj02', 'bd09'] as const)('round-trips WGS84 → %s → WGS84 within a millimetre over China', (crs) => {
    const random = mulberry32(42);
    let worst = 0;
    for (let i = 0; i < 500; i++) {
      const p: [number, number] = [98 + 25 * random(), 21 + 20 * random()];
      const there = fromWgs84(crs)(...p);
      const back = toWgs84(crs)(...there);
      worst = Math.max(worst, geodesicDistanceM(p, back));
    }
    expect(worst).toBeLessThan(0.001);
  });

  it('is the identity for WGS84, and converts every position of a geometry', () => {
    expect(toWgs84('wgs84')(106.6, 26.6)).toEqual([106.6, 26.6]);
    const polygon = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [106.6, 26.6],
          [106.61, 26.6],
          [106.61, 26.61],
          [106.6, 26.6],
        ],
      ],
    };
    const moved = mapPositions(polygon, fromWgs84('gcj02'));
    expect(moved.coordinates[0]!.map((p) => p.join())).toEqual(
      polygon.coordinates[0]!.map((p) => fromWgs84('gcj02')(p[0]!, p[1]!).join()),
    );
  });

  it('reads the names people give the systems', () => {
    expect(
      ['WGS84', 'CGCS2000', 'EPSG:4326', 'gcj-02', 'GCJ02', 'bd-09', 'BD09', 'baidu', 'mercator'].map(parseCrs),
    ).toEqual(['wgs84', 'wgs84', 'wgs84', 'gcj02', 'gcj02', 'bd09', 'bd09', 'bd09', null]);
  });
});
