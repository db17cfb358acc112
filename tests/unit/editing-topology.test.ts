/**
 * findGapsAndOverlaps (不留空白, 不交叉重叠) on hand-made communities with known answers, its fast
 * relate pre-test against exact polygon clipping, and a real demo community.
 */
import { readFileSync } from 'node:fs';
import { difference, featureCollection, intersect } from '@turf/turf';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { findGapsAndOverlaps, splitByLine, type GridFeature, type GridGeometry } from '../../web/src/lib/editing';
import { frameAround } from '../../web/src/lib/editing/geometry/frame';
import { positionsOf } from '../../web/src/lib/editing/geometry/polygons';
import { relate, ringsInFrame } from '../../web/src/lib/editing/geometry/relate';
import { ensureDemoCity } from '../../data/src/ensure';
import type { DemoCity } from '../../data/src/types';
import { mulberry32 } from '../support/random';
import { areaOf, deepFreeze, intersectionArea, metric, polygonAt, rectangle, unionOf } from './editing-support';

const GUIYANG: Position = [106.7, 26.6];
const community = deepFreeze(polygonAt(GUIYANG, 'community', rectangle(0, 0, 200, 100)));
const a = deepFreeze(polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100)));
const check = (...children: GridFeature[]) => findGapsAndOverlaps(community, deepFreeze(children));
const expectAbout = (actual_m2: number | undefined, expected_m2: number) =>
  expect(Math.abs((actual_m2 ?? NaN) - expected_m2) / expected_m2).toBeLessThan(0.01);

describe('findGapsAndOverlaps', () => {
  it('finds nothing when two grids tile the community', () => {
    const report = check(a, polygonAt(GUIYANG, 'b', rectangle(100, 0, 200, 100)));
    expect(report).toMatchObject({ clean: true, gaps: [], overlaps: [], outside: [], slivers: [] });
  });

  it('reports a gap with its area and the grids along it', () => {
    const report = check(a, polygonAt(GUIYANG, 'b', rectangle(100, 0, 200, 90)));
    expect(report.gaps).toHaveLength(1);
    expectAbout(report.gaps[0]?.area_m2, 1000);
    expect(report.gaps[0]?.ids.sort()).toEqual(['a', 'b']);
    expect(report.gaps[0]?.sliver).toBeNull();
    expect(report.clean).toBe(false);
  });

  it('reports overlaps above 1 m², marks narrow ones as slivers, and tolerates smaller ones', () => {
    const wide = check(a, polygonAt(GUIYANG, 'b', rectangle(95, 0, 200, 100)));
    expect(wide.overlaps).toHaveLength(1);
    expect(wide.overlaps[0]?.ids).toEqual(['a', 'b']);
    expectAbout(wide.overlaps[0]?.area_m2, 500);
    expect(wide.overlaps[0]?.sliver).toBeNull();
    const narrow = check(a, polygonAt(GUIYANG, 'b', rectangle(99, 0, 200, 100)));
    expectAbout(narrow.overlaps[0]?.area_m2, 100);
    expect(narrow.overlaps[0]?.sliver).toBe('narrow');
    const tiny = check(a, polygonAt(GUIYANG, 'b', rectangle(99.995, 0, 200, 100))); // 0.5 m²
    expect(tiny.overlaps).toEqual([]);
    expect(tiny.clean).toBe(true);
  });

  it('reports the part of a grid outside its community', () => {
    const report = check(a, polygonAt(GUIYANG, 'b', rectangle(100, 0, 210, 100)));
    expect(report.outside).toHaveLength(1);
    expect(report.outside[0]?.ids).toEqual(['b']);
    expectAbout(report.outside[0]?.area_m2, 1000);
  });

  it('flags sliver grids (narrower than 2 m, or under 20 m²) and sliver gaps', () => {
    const strip = polygonAt(GUIYANG, 'strip', rectangle(100, 0, 101.5, 50)); // 75 m², 1.5 m wide
    const speck = polygonAt(GUIYANG, 'speck', rectangle(101.5, 0, 105, 4)); // 14 m²
    const report = check(a, strip, speck, polygonAt(GUIYANG, 'b', rectangle(105, 0, 200, 100)));
    expect(report.slivers.map((s) => [s.ids[0], s.sliver])).toEqual([
      ['strip', 'narrow'],
      ['speck', 'small'],
    ]);
    const gap = check(a, polygonAt(GUIYANG, 'b', rectangle(100.5, 0, 200, 100)));
    expect(gap.gaps).toHaveLength(1);
    expectAbout(gap.gaps[0]?.area_m2, 50);
    expect(gap.gaps[0]?.sliver).toBe('narrow');
  });

  it('reports the whole community as a gap when it has no grids', () => {
    const report = check();
    expectAbout(report.gaps[0]?.area_m2, 20_000);
    expect(report.gaps[0]?.ids).toEqual([]);
  });

  it('agrees with exact clipping on a real demo community', async () => {
    const city = JSON.parse(readFileSync(await ensureDemoCity(), 'utf8')) as DemoCity;
    const code = '520115001001';
    const parent = city.regions.features.find((r) => r.properties.code === code) as unknown as GridFeature<unknown>;
    const children = city.grids.features
      .filter((g) => g.properties.communityCode === code)
      .map((g) => ({ ...g, id: g.properties.code }) as GridFeature<unknown>);
    expect(children.length).toBeGreaterThan(3);
    const report = findGapsAndOverlaps(parent, children);
    // The oracle: turf straight, parent minus the union of every grid, every pair intersected;
    // parts of 1 m² and more count.
    const partsOver1 = (g: GridGeometry | null | undefined) =>
      (g ? (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) : [])
        .map((rings) => areaOf({ type: 'Polygon', coordinates: rings }))
        .filter((m2) => m2 >= 1)
        .reduce((s, m2) => s + m2, 0);
    const covered = unionOf(children.map((c) => c.geometry)) as GridGeometry;
    const uncovered = difference(
      featureCollection([
        { type: 'Feature', properties: {}, geometry: parent.geometry },
        { type: 'Feature', properties: {}, geometry: covered },
      ]),
    )?.geometry;
    const sum = (xs: { area_m2: number }[]) => xs.reduce((s, x) => s + x.area_m2, 0);
    expect(sum(report.gaps)).toBeCloseTo(partsOver1(uncovered), 6);
    let overlap_m2 = 0;
    for (let i = 0; i < children.length; i++) {
      for (let j = i + 1; j < children.length; j++) {
        const both = intersect(
          featureCollection([
            { type: 'Feature', properties: {}, geometry: children[i]!.geometry },
            { type: 'Feature', properties: {}, geometry: children[j]!.geometry },
          ]),
        )?.geometry;
        overlap_m2 += partsOver1(both);
      }
    }
    expect(sum(report.overlaps)).toBeCloseTo(overlap_m2, 6);
  });
});

describe('relate, the fast pre-test', () => {
  it('agrees with exact clipping on pieces that share edges and on random overlapping pairs (seeded)', () => {
    const random = mulberry32(99);
    for (let n = 0; n < 40; n++) {
      const origin: Position = [-170 + 340 * random(), -60 + 120 * random()];
      const r = 10 ** (1 + 2 * random());
      const star = (cx: number, cy: number, id: string) => {
        const ring: [number, number][] = [];
        const k = 5 + Math.floor(15 * random());
        for (let i = 0; i < k; i++) {
          const angle = (2 * Math.PI * (i + 0.8 * random())) / k;
          const radius = r * (0.3 + 0.7 * random());
          ring.push([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
        }
        return polygonAt(origin, id, ring);
      };
      const p = star(0, 0, 'p');
      const q = star(r * 2 * (random() - 0.5), r * 2 * (random() - 0.5), 'q');
      const frame = frameAround([...positionsOf(p.geometry), ...positionsOf(q.geometry)]);
      const inFrame = (g: GridGeometry) => ringsInFrame(g, frame);
      const exact_m2 = intersectionArea(p.geometry, q.geometry);
      const fast = relate(inFrame(p.geometry), inFrame(q.geometry));
      // The pre-test may only err on the safe side: it never misses an overlap.
      if (exact_m2 > 1e-6) expect(fast.interiorsMeet).toBe(true);

      // Pieces of a split share their edges exactly: no overlap, each inside the whole.
      const at = metric(origin);
      const cut = splitByLine(p, {
        type: 'LineString',
        coordinates: [at(-2 * r, -r * random()), at(2 * r, r * random())],
      });
      if (!cut.ok) continue;
      const [first, second] = cut.pieces.map((x) => inFrame(x.geometry));
      expect(relate(first!, second!).interiorsMeet).toBe(false);
      expect(relate(first!, inFrame(p.geometry)).aOutsideB).toBe(false);
      expect(relate(inFrame(p.geometry), first!).aOutsideB).toBe(true);
      expect(relate(first!, first!).interiorsMeet).toBe(true);
    }
  });
});
