/**
 * Connected components of noded road segments. Segments meet where their endpoints have the same
 * coordinates, as the router sees them; an island the router can never reach is usually a
 * clipping artefact or a private yard, and snapping a click onto it gives "no route".
 */
import type { RoadSegment } from './normalize';

export type ComponentsReport = {
  count: number;
  /** Segments in the largest component. */
  largest: number;
  /** The largest component's share of all segments, 0–1 (1 for an empty network). */
  largestShare: number;
  /** The sizes of the other components, largest first. */
  smallSizes: number[];
};

const pointKey = (point: readonly [number, number]) => `${point[0]},${point[1]}`;

/** Labels each segment with its component (union-find over endpoint keys, path halving). */
export function componentLabels(segments: readonly RoadSegment[]): Int32Array {
  const ids = new Map<string, number>();
  const parent: number[] = [];
  const idOf = (point: readonly [number, number]) => {
    const key = pointKey(point);
    let id = ids.get(key);
    if (id === undefined) {
      id = parent.length;
      ids.set(key, id);
      parent.push(id);
    }
    return id;
  };
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const starts = new Int32Array(segments.length);
  segments.forEach((segment, i) => {
    const a = find(idOf(segment.coordinates[0]!));
    const b = find(idOf(segment.coordinates[segment.coordinates.length - 1]!));
    if (a !== b) parent[a] = b;
    starts[i] = a;
  });
  return starts.map((start) => find(start));
}

function sizesOf(labels: Int32Array): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const label of labels) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  return sizes;
}

export function describeComponents(segments: readonly RoadSegment[]): ComponentsReport {
  const sizes = [...sizesOf(componentLabels(segments)).values()].sort((a, b) => b - a);
  const largest = sizes[0] ?? 0;
  return {
    count: sizes.length,
    largest,
    largestShare: segments.length ? largest / segments.length : 1,
    smallSizes: sizes.slice(1),
  };
}

/**
 * Drops every component with fewer than `minSegments` segments. The largest component is always
 * kept, so a small extract is never emptied by a threshold meant for a city.
 */
export function dropIslands(
  segments: readonly RoadSegment[],
  minSegments: number,
): { kept: RoadSegment[]; droppedComponents: number; droppedSegments: number } {
  const labels = componentLabels(segments);
  const sizes = sizesOf(labels);
  let largestLabel = -1;
  let largestSize = 0;
  for (const [label, size] of sizes) {
    if (size > largestSize) [largestLabel, largestSize] = [label, size];
  }
  const keep = (label: number) => label === largestLabel || sizes.get(label)! >= minSegments;
  const kept = segments.filter((_, i) => keep(labels[i]!));
  let droppedComponents = 0;
  for (const label of sizes.keys()) if (!keep(label)) droppedComponents++;
  return { kept, droppedComponents, droppedSegments: segments.length - kept.length };
}
