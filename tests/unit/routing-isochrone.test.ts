import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildGraph, isochrones, reachedSegments, search, snapPoint, withAccessWalk } from '../../server/src/routing';
import type { IsochroneBand, Profile, RoadGraph } from '../../server/src/routing/types';
import { geodesicAreaM2, geodesicDistanceM } from '../support/geodesy';
import {
  at,
  distanceToBoundaryM,
  gridRoads,
  multiPolygonContains,
  ringRoad,
  riverRoads,
  ringSignedAreaM2,
  road,
} from '../support/routes';

const WALK_MPM = 80; // 4.8 km/h
const snapAt = (graph: RoadGraph, x: number, y: number, profile: Profile = 'walk') =>
  snapPoint(graph, ...at(x, y), profile)!;
const inside = (band: IsochroneBand, x: number, y: number) => multiPolygonContains(band.geometry, at(x, y));

function expectRfc7946(geometry: MultiPolygon) {
  for (const [outer, ...holes] of geometry.coordinates) {
    expect(ringSignedAreaM2(outer!)).toBeGreaterThan(0);
    for (const hole of holes) expect(ringSignedAreaM2(hole)).toBeLessThan(0);
  }
}

describe('reachedSegments', () => {
  it('cuts a partly reached edge at the exact distance along its polyline', () => {
    // 400 m with bends: 100 east, 100 north, 200 east. 3 min at 80 m/min = 240 m → (140, 100).
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [100, 0],
        [100, 100],
        [300, 100],
      ]),
    ]);
    const result = search(graph, 'walk', [snapAt(graph, 0, 0)], 180);
    const [segment, ...rest] = reachedSegments(graph, result, 'walk', 180);
    expect(rest).toHaveLength(0);
    const line = segment!.geometry.coordinates;
    expect(line).toHaveLength(4);
    let along = 0;
    for (let i = 1; i < line.length; i++) along += geodesicDistanceM(line[i - 1]!, line[i]!);
    expect(Math.abs(along - 3 * WALK_MPM)).toBeLessThan(0.5);
    expect(geodesicDistanceM(line[3]!, at(140, 100))).toBeLessThan(0.5);
    expect(segment!.properties).toMatchObject({ edge: 0, from_s: 0 });
    expect(segment!.properties.to_s).toBeCloseTo(180, 6);
  });

  it('covers the origin edge both ways from the snap point, and whole edges reached from both ends', () => {
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [1000, 0],
      ]),
      road('residential', [
        [1000, 0],
        [1000, 100],
      ]),
      road('residential', [
        [0, 0],
        [0, 100],
      ]),
      road('residential', [
        [0, 100],
        [1000, 100],
      ]),
    ]);
    // From (500, 0), 8 min = 640 m: 500 m to each corner, both 100 m side streets whole, then 40 m
    // into the far street from each of its ends (its middle 920 m stays unreached).
    const result = search(graph, 'walk', [snapAt(graph, 500, 0)], 480);
    const pieces = reachedSegments(graph, result, 'walk', 480);
    const covered = (edge: number) =>
      pieces
        .filter((p) => p.properties.edge === edge)
        .reduce((sum, p) => {
          let length = 0;
          const c = p.geometry.coordinates;
          for (let i = 1; i < c.length; i++) length += geodesicDistanceM(c[i - 1]!, c[i]!);
          return sum + length;
        }, 0);
    expect(covered(0)).toBeCloseTo(1000, 1); // the origin's own edge, both ways
    expect(covered(1)).toBeCloseTo(100, 1);
    expect(covered(2)).toBeCloseTo(100, 1);
    expect(covered(3)).toBeCloseTo(40 + 40, 1); // 40 m in from each end
    for (const piece of pieces)
      expect(Math.max(piece.properties.from_s, piece.properties.to_s)).toBeLessThanOrEqual(480 + 1e-6);
  });
});

describe('isochrones', () => {
  it('reaches across a river only over the bridge, and only 50 m beyond reached streets', () => {
    const graph = buildGraph(riverRoads());
    const origin = snapAt(graph, 0, -15);
    const [five, thirty] = isochrones(graph, 'walk', [origin], [5, 30]);
    expect(inside(five!, 0, -15)).toBe(true);
    expect(inside(five!, 0, 60)).toBe(false); // far spur, 75 m from the near one, 2.4 km by road
    expect(inside(five!, 300, 100)).toBe(false); // far bank street
    expect(inside(five!, 0, 15)).toBe(true); // 30 m from the near spur's end: within the 50 m reach
    const [narrow] = isochrones(graph, 'walk', [origin], [5], { reachWidth_m: 20 });
    expect(inside(narrow!, 0, 15)).toBe(false);
    expect(inside(narrow!, 0, -20)).toBe(true);
    // After 30 min the far bank is reached over the bridge (the far spur end at 29.6 min).
    expect(inside(thirty!, 0, 60)).toBe(true);
    expect(inside(thirty!, 500, 100)).toBe(true);
    // Land no street reaches stays out even after 30 min: the middle of the river away from spurs.
    expect(inside(thirty!, 500, 0)).toBe(false);
  });

  it('keeps a hole for a park inside a ring road', () => {
    const graph = buildGraph(
      ringRoad('residential', [
        [0, 0],
        [1000, 0],
        [1000, 1000],
        [0, 1000],
      ]),
    );
    const [band] = isochrones(graph, 'walk', [snapAt(graph, 500, 0)], [30]);
    const polygons = band!.geometry.coordinates;
    expect(polygons).toHaveLength(1);
    expect(polygons[0]!.length).toBe(2); // exterior + the park
    expect(inside(band!, 500, 500)).toBe(false);
    expect(inside(band!, 500, 1000)).toBe(true);
    expect(inside(band!, 1000, 400)).toBe(true);
    expect(inside(band!, 960, 500)).toBe(true); // 40 m into the park
    expect(inside(band!, 940, 500)).toBe(false); // 60 m into the park
    expectRfc7946(band!.geometry);
    // Ring 4 km long, reach 50 m: outer square 1100² minus inner 900² (corners rounded outside).
    const expected = 1100 ** 2 - 900 ** 2 - (4 - Math.PI) * 50 ** 2;
    expect(Math.abs(band!.properties.area_m2 / expected - 1)).toBeLessThan(0.01);
  });

  it('nests bands: 5 ⊂ 10 ⊂ 15 with strictly increasing areas', () => {
    const roads = gridRoads(12, 12, 120);
    roads.push(
      road('footway', [
        [0, 0],
        [600, 700],
      ]),
    );
    const graph = buildGraph(roads);
    const bands = isochrones(graph, 'walk', [snapAt(graph, 410, 380)], [15, 5, 10]);
    expect(bands.map((b) => b.properties.minutes)).toEqual([5, 10, 15]);
    for (let b = 1; b < bands.length; b++) {
      const small = bands[b - 1]!.geometry;
      const large = bands[b]!.geometry;
      expect(bands[b]!.properties.area_m2).toBeGreaterThan(bands[b - 1]!.properties.area_m2);
      for (const polygon of small.coordinates) {
        for (const ring of polygon) {
          for (const vertex of ring) {
            const p = vertex as [number, number];
            expect(multiPolygonContains(large, p) || distanceToBoundaryM(large, p) < 0.01).toBe(true);
          }
        }
      }
    }
  });

  it('measures a single street walked both ways: 2·reach·length + π·reach²', () => {
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [2000, 0],
      ]),
    ]);
    const [band] = isochrones(graph, 'walk', [snapAt(graph, 1000, 0)], [5]);
    const covered = 2 * 5 * WALK_MPM;
    const expected = 2 * 50 * covered + Math.PI * 50 ** 2;
    expect(Math.abs(band!.properties.area_m2 / expected - 1)).toBeLessThan(0.05);
    expect(Math.abs(band!.properties.area_m2 / expected - 1)).toBeLessThan(0.01); // in fact
    expect(Math.abs(geodesicAreaM2(band!.geometry) / band!.properties.area_m2 - 1)).toBeLessThan(0.002);
    expect(inside(band!, 1000 + covered / 2 + 45, 0)).toBe(true);
    expect(inside(band!, 1000 + covered / 2 + 55, 0)).toBe(false);
    expectRfc7946(band!.geometry);
  });

  it('takes the walk from the point to its street out of the minutes', () => {
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [2000, 0],
      ]),
    ]);
    // 80 m off the street: 1 of the 5 minutes is walked before the street, 320 m is left each way.
    const origin = withAccessWalk(snapPoint(graph, ...at(1000, 80), 'walk')!);
    const [band] = isochrones(graph, 'walk', [origin], [5]);
    const expected = 2 * 50 * (2 * 320) + Math.PI * 50 ** 2;
    expect(Math.abs(band!.properties.area_m2 / expected - 1)).toBeLessThan(0.01);
    expect(inside(band!, 1000 + 320 + 45, 0)).toBe(true);
    expect(inside(band!, 1000 + 320 + 55, 0)).toBe(false);
    expect(inside(band!, 1000 - 320 - 45, 0)).toBe(true);
    // The origin edge's own pieces start at the delay, not at zero.
    const segments = reachedSegments(graph, search(graph, 'walk', [origin], 300), 'walk', 300);
    expect(Math.min(...segments.flatMap((f) => [f.properties.from_s, f.properties.to_s]))).toBeCloseTo(60, 1);
  });

  it('covers an edge reached from both ends whole, through the point where the two arrivals meet', () => {
    // A 400 × 200 m block walked from the middle of its south side: both ways round meet at the
    // middle of the north side (600 m), so the north edge comes in two pieces that must join seamlessly.
    const corners: [number, number][] = [
      [0, 0],
      [400, 0],
      [400, 200],
      [0, 200],
    ];
    const graph = buildGraph(corners.map((corner, i) => road('residential', [corner, corners[(i + 1) % 4]!])));
    const [four, ten] = isochrones(graph, 'walk', [snapAt(graph, 200, 0)], [4, 10]);
    // The 50 m buffer of the block's outline: outer rounded rectangle minus the inner 300 × 100 m.
    const expected = 400 * 200 + 2 * 50 * (400 + 200) + Math.PI * 50 ** 2 - 300 * 100;
    expect(Math.abs(ten!.properties.area_m2 / expected - 1)).toBeLessThan(0.01);
    expect(ten!.geometry.coordinates).toHaveLength(1);
    expect(ten!.geometry.coordinates[0]).toHaveLength(2); // the block's interior beyond 50 m is a hole
    for (const x of [150, 199, 200, 201, 250]) {
      expect(inside(ten!, x, 200 + 45)).toBe(true);
      expect(inside(ten!, x, 200 - 45)).toBe(true);
    }
    expect(inside(ten!, 200, 100)).toBe(false);
    // 4 minutes = 320 m: the south side and 120 m up each end, cut at the exact point.
    expect(inside(four!, 0, 120 + 45)).toBe(true);
    expect(inside(four!, 0, 120 + 55)).toBe(false);
    expect(inside(four!, 400, 120 + 45)).toBe(true);
    expect(inside(four!, 200, 200)).toBe(false);
    expectRfc7946(ten!.geometry);
  });

  it('bounds the raster for an hour by car across an 80 km region, and still measures the streets', () => {
    // Motorways every 10 km over 80 × 80 km, all reached from the centre within the hour (90 km/h).
    const graph = buildGraph(gridRoads(8, 8, 10_000, 'motorway'));
    const [band] = isochrones(graph, 'car', [snapAt(graph, 40_000, 40_000, 'car')], [60]);
    // 18 roads of 80 km, 100 m wide, less the 81 crossings counted twice, plus the 36 rounded ends.
    const expected = 18 * 80_000 * 100 - 81 * 100 * 100 + (36 * Math.PI * 50 ** 2) / 2;
    // The grid is capped (2M cells), so cells are ≈ 57 m instead of 40 m: a 100 m wide street spans
    // under two cells and its area is off by 5.5 % here, against 0.5 % at the usual cell sizes.
    expect(Math.abs(band!.properties.area_m2 / expected - 1)).toBeLessThan(0.08);
    expect(inside(band!, 40_000, 40_000)).toBe(true);
    expect(inside(band!, 35_000, 35_000)).toBe(false); // the middle of a 10 km block
  });

  it('gives empty bands when nothing is reachable', () => {
    const graph = buildGraph([
      road('footway', [
        [0, 0],
        [100, 0],
      ]),
    ]);
    expect(isochrones(graph, 'car', [], [5])).toEqual([
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [] }, properties: { minutes: 5, area_m2: 0 } },
    ]);
  });

  it('writes coordinates with 7 decimals', () => {
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [300, 0],
      ]),
    ]);
    const [band] = isochrones(graph, 'walk', [snapAt(graph, 0, 0)], [2]);
    for (const [x, y] of band!.geometry.coordinates[0]![0]!) {
      expect(Math.round(x! * 1e7) / 1e7).toBe(x);
      expect(Math.round(y! * 1e7) / 1e7).toBe(y);
    }
  });
});
