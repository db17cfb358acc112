/**
 * Tiny hand-made road networks for the routing tests, drawn in metres east / north of a base point
 * in Guiyang and converted with scales measured by GeographicLib (independent of the engine's own
 * local metric).
 */
import geographiclib from 'geographiclib-geodesic';
import type { MultiPolygon, Position } from 'geojson';
import type { RoadInput } from '../../server/src/routing/types';

const wgs84 = geographiclib.Geodesic.WGS84;
export const BASE = { lng: 106.6, lat: 26.6 } as const;
const STEP = 0.01;
/** Metres per degree at BASE, from geodesics of 0.01° (the tests span a few km at most). */
const KX = wgs84.Inverse(BASE.lat, BASE.lng - STEP / 2, BASE.lat, BASE.lng + STEP / 2).s12! / STEP;
const KY = wgs84.Inverse(BASE.lat - STEP / 2, BASE.lng, BASE.lat + STEP / 2, BASE.lng).s12! / STEP;

/** `[lng, lat]` of the point `x_m` east and `y_m` north of BASE. */
export const at = (x_m: number, y_m: number): [number, number] => [BASE.lng + x_m / KX, BASE.lat + y_m / KY];

/** Metres east / north of BASE. */
export const metres = (p: Position): [number, number] => [(p[0]! - BASE.lng) * KX, (p[1]! - BASE.lat) * KY];

let nextId = 1;
/** A road through `points` (metres). */
export function road(roadClass: string, points: [number, number][], oneway = false): RoadInput {
  return { id: nextId++, class: roadClass, oneway, coordinates: points.map(([x, y]) => at(x, y)) };
}

/** A closed ring of roads through `corners` (metres), one road per side. */
export function ringRoad(roadClass: string, corners: [number, number][]): RoadInput[] {
  return corners.map((corner, i) => road(roadClass, [corner, corners[(i + 1) % corners.length]!]));
}

/** A `columns × rows` grid of streets `spacing_m` apart, one road per block side. */
export function gridRoads(columns: number, rows: number, spacing_m: number, roadClass = 'residential'): RoadInput[] {
  const roads: RoadInput[] = [];
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i <= columns; i++) {
      const x = i * spacing_m;
      const y = j * spacing_m;
      if (i < columns)
        roads.push(
          road(roadClass, [
            [x, y],
            [x + spacing_m, y],
          ]),
        );
      if (j < rows)
        roads.push(
          road(roadClass, [
            [x, y],
            [x, y + spacing_m],
          ]),
        );
    }
  }
  return roads;
}

function ringContains(ring: Position[], [x, y]: [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether `[lng, lat]` lies inside the MultiPolygon (inside an exterior ring and no hole). */
export function multiPolygonContains(geometry: MultiPolygon, point: [number, number]): boolean {
  return geometry.coordinates.some(
    ([outer, ...holes]) => ringContains(outer!, point) && !holes.some((hole) => ringContains(hole, point)),
  );
}

/** Metres from `point` to the nearest ring edge of the MultiPolygon (in BASE metres). */
export function distanceToBoundaryM(geometry: MultiPolygon, point: Position): number {
  const [px, py] = metres(point);
  let best = Infinity;
  for (const polygon of geometry.coordinates) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const [ax, ay] = metres(ring[i - 1]!);
        const [bx, by] = metres(ring[i]!);
        const dx = bx - ax;
        const dy = by - ay;
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
        best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
      }
    }
  }
  return best;
}

/** Signed shoelace area (m², positive = counter-clockwise) of a ring, in BASE metres. */
export function ringSignedAreaM2(ring: Position[]): number {
  let twice = 0;
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = metres(ring[i - 1]!);
    const [bx, by] = metres(ring[i]!);
    twice += ax * by - bx * ay;
  }
  return twice / 2;
}

/**
 * A river along y = 0, 30 m wide between the dead ends of two spurs at (0, ±15); the only bridge
 * is 1 km east. South bank street y = −100, north bank street y = 100.
 */
export const riverRoads = (): RoadInput[] => [
  road('residential', [
    [-1000, -100],
    [0, -100],
  ]),
  road('residential', [
    [0, -100],
    [1000, -100],
  ]),
  road('residential', [
    [0, -100],
    [0, -15],
  ]),
  road('primary', [
    [1000, -100],
    [1000, 100],
  ]), // the bridge
  road('residential', [
    [1000, 100],
    [0, 100],
  ]),
  road('residential', [
    [0, 100],
    [-1000, 100],
  ]),
  road('residential', [
    [0, 100],
    [0, 15],
  ]),
];
