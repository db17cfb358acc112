/**
 * Snapping for the planner's drawing tools: a pointer within `tolerance_px` of a vertex or an edge
 * of a neighbouring grid (or of the community boundary) lands exactly on it, so a new grid meets
 * its neighbours without a sliver of gap or overlap. Vertices win over edges: a corner is what a
 * planner aims for. Measured in screen pixels, as the tolerance is a matter of the hand, not of
 * metres. terra-draw calls this through its `toCustom` snapping option.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type ScreenPoint = { x: number; y: number };
export type Project = (lng: number, lat: number) => ScreenPoint;

/** Rings (outer and holes) of the shapes a pointer may snap to. */
export function snapRings(shapes: readonly (Polygon | MultiPolygon)[]): Position[][] {
  const rings: Position[][] = [];
  for (const shape of shapes) {
    const polygons = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates;
    for (const polygon of polygons) for (const ring of polygon) rings.push(ring);
  }
  return rings;
}

export type SnapHit = { position: Position; kind: 'vertex' | 'edge'; distance_px: number };

/**
 * The snapped position for a pointer at `pointer` (screen), or null when nothing is within the
 * tolerance. An edge snap is the foot of the perpendicular, interpolated in lng/lat (exact enough
 * over the few metres a pixel spans).
 */
export function snapToRings(
  pointer: ScreenPoint,
  rings: readonly Position[][],
  project: Project,
  tolerance_px: number,
): SnapHit | null {
  let vertex: SnapHit | null = null;
  let edge: SnapHit | null = null;
  for (const ring of rings) {
    let previous: { position: Position; screen: ScreenPoint } | null = null;
    for (const position of ring) {
      const screen = project(position[0]!, position[1]!);
      const d = Math.hypot(screen.x - pointer.x, screen.y - pointer.y);
      if (d <= tolerance_px && (!vertex || d < vertex.distance_px)) {
        vertex = { position: [position[0]!, position[1]!], kind: 'vertex', distance_px: d };
      }
      if (previous) {
        const foot = footOnSegment(pointer, previous.screen, screen);
        const de = Math.hypot(foot.x - pointer.x, foot.y - pointer.y);
        if (de <= tolerance_px && (!edge || de < edge.distance_px)) {
          const a = previous.position;
          edge = {
            position: [a[0]! + (position[0]! - a[0]!) * foot.t, a[1]! + (position[1]! - a[1]!) * foot.t],
            kind: 'edge',
            distance_px: de,
          };
        }
      }
      previous = { position, screen };
    }
  }
  return vertex ?? edge;
}

function footOnSegment(p: ScreenPoint, a: ScreenPoint, b: ScreenPoint): ScreenPoint & { t: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return { x: a.x + dx * t, y: a.y + dy * t, t };
}

export type Box = [west: number, south: number, east: number, north: number];
export type IndexedRing = { ring: Position[]; box: Box };

/** Each ring with its bounding box, so a pointer's neighbourhood is found without projecting every vertex. */
export function indexRings(rings: readonly Position[][]): IndexedRing[] {
  return rings.map((ring) => {
    const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [lng = 0, lat = 0] of ring) {
      if (lng < box[0]) box[0] = lng;
      if (lat < box[1]) box[1] = lat;
      if (lng > box[2]) box[2] = lng;
      if (lat > box[3]) box[3] = lat;
    }
    return { ring, box };
  });
}

/** The rings whose box meets `box` (the pointer and its tolerance, in lng/lat). */
export function ringsNear(indexed: readonly IndexedRing[], box: Box): Position[][] {
  const out: Position[][] = [];
  for (const { ring, box: b } of indexed) {
    if (b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]) out.push(ring);
  }
  return out;
}
