/**
 * The road graph in shared memory, so worker threads search the very arrays the main thread built
 * instead of rebuilding the graph per task. Every typed array of a `RoadGraph` (and the Flatbush
 * index's buffer) is copied once per graph version into a SharedArrayBuffer; posting such an array
 * to a worker passes a handle to the same memory, not a copy. The arrays are never written after
 * the build (searches keep their scratch per thread), so sharing needs no locks.
 */
import Flatbush from 'flatbush';
import type { RoadGraph } from './types';

/** The typed-array fields of a `RoadGraph`. */
const ARRAY_FIELDS = [
  'nodeLng',
  'nodeLat',
  'edgeId',
  'edgeFrom',
  'edgeTo',
  'edgeLength_m',
  'edgeClass',
  'edgeOneway',
  'vertexLngLat',
  'edgeVertexStart',
  'vertexDistance_m',
  'adjacencyStart',
  'adjacencyEdge',
  'adjacencyNode',
  'adjacencyBackward',
] as const satisfies readonly (keyof RoadGraph)[];

type ArrayField = (typeof ARRAY_FIELDS)[number];

/** What a worker task carries: plain data and shared arrays, cheap to post (no copies). */
export type SharedRoadGraph = {
  /** Distinguishes graph versions, so a worker rebuilds its view (and caches) only when it changes. */
  key: string;
  nodeCount: number;
  edgeCount: number;
  classNames: string[];
  buildTime_ms: number;
  arrays: Pick<RoadGraph, ArrayField>;
  /** The Flatbush index's buffer (`Flatbush.from` reads it in place). */
  edgeIndexData: SharedArrayBuffer;
};

function toShared<T extends Int32Array | Float64Array | Uint16Array | Uint8Array>(array: T): T {
  const buffer = new SharedArrayBuffer(Math.max(array.byteLength, 8));
  const shared = new (array.constructor as new (b: SharedArrayBuffer, o: number, n: number) => T)(
    buffer,
    0,
    array.length,
  );
  shared.set(array);
  return shared;
}

let nextKey = 0;

/**
 * A copy of `graph` whose arrays live in shared memory, plus its postable form. The copy is a
 * complete `RoadGraph`: the main thread snaps on it and hands `shared` to workers.
 */
export function shareGraph(graph: RoadGraph): { graph: RoadGraph; shared: SharedRoadGraph } {
  const arrays = {} as Record<ArrayField, RoadGraph[ArrayField]>;
  for (const field of ARRAY_FIELDS) arrays[field] = toShared(graph[field]);
  const source = graph.edgeIndex.data;
  const edgeIndexData = new SharedArrayBuffer(source.byteLength);
  new Uint8Array(edgeIndexData).set(new Uint8Array(source));
  const shared: SharedRoadGraph = {
    key: `${process.pid}:${++nextKey}`,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    classNames: [...graph.classNames],
    buildTime_ms: graph.buildTime_ms,
    arrays: arrays as SharedRoadGraph['arrays'],
    edgeIndexData,
  };
  return { graph: graphFromShared(shared), shared };
}

/** A `RoadGraph` view over shared arrays (no copy); profile costs are computed lazily per thread. */
export function graphFromShared(shared: SharedRoadGraph): RoadGraph {
  return {
    nodeCount: shared.nodeCount,
    edgeCount: shared.edgeCount,
    classNames: shared.classNames,
    ...shared.arrays,
    edgeIndex: Flatbush.from(shared.edgeIndexData),
    costs: {},
    buildTime_ms: shared.buildTime_ms,
  };
}
