/**
 * The street-network engine's public shapes. Everything here is plain data: the engine is pure,
 * in-process TypeScript with no database access, so it is unit-tested on hand-made graphs.
 */
import type Flatbush from 'flatbush';
import type { Feature, LineString, MultiPolygon } from 'geojson';

export type Profile = 'walk' | 'ebike' | 'car';

/** One road segment as the `road` table holds it (LineString coordinates `[lng, lat]`). */
export type RoadInput = {
  id: number;
  class: string;
  oneway: boolean;
  coordinates: [number, number][];
};

/** Where a point joins the network: on edge `edge`, `fraction` (0–1) along its geometry. */
export type Snap = {
  edge: number;
  fraction: number;
  /** The point on the edge, `[lng, lat]`. */
  point: [number, number];
  /** Straight-line metres from the query point to `point`. */
  distance_m: number;
  /**
   * Seconds already spent when the trip reaches `point` (see `withAccessWalk`): searches and
   * isochrones start the clock there, so a point far from any street reaches less. Default 0.
   */
  delay_s?: number;
};

export type IsochroneBand = Feature<MultiPolygon, { minutes: number; area_m2: number }>;

export type ReachedSegment = Feature<LineString, { edge: number; from_s: number; to_s: number }>;

/**
 * Per-profile travel costs of a graph, computed once and cached on it. `Infinity` = not allowed
 * (class closed to the profile, or against a oneway for cars).
 */
export type ProfileCosts = {
  profile: Profile;
  /** m/s per edge, 0 when the class is closed to the profile. */
  speed_mps: Float64Array;
  /** Seconds to traverse edge e from its first to its last coordinate. */
  forward_s: Float64Array;
  /** Seconds to traverse edge e from its last to its first coordinate. */
  backward_s: Float64Array;
  /** Seconds per adjacency slot (parallel to `RoadGraph.adjacencyEdge`). */
  adjacency_s: Float64Array;
};

/**
 * A road graph in compressed sparse row form. Nodes are the distinct segment endpoints; edges are
 * the input roads (one edge per road, its full polyline kept for exact cuts).
 */
export type RoadGraph = {
  nodeCount: number;
  edgeCount: number;
  nodeLng: Float64Array;
  nodeLat: Float64Array;
  /** The `RoadInput.id` of each edge. */
  edgeId: Float64Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLength_m: Float64Array;
  /** Index into `classNames`. */
  edgeClass: Uint16Array;
  edgeOneway: Uint8Array;
  classNames: string[];
  /** Vertex v of the flattened geometry is at `vertexLngLat[2v]`, `vertexLngLat[2v + 1]`. */
  vertexLngLat: Float64Array;
  /** Edge e owns vertices `edgeVertexStart[e] … edgeVertexStart[e + 1] - 1`. */
  edgeVertexStart: Int32Array;
  /** Metres from the edge's first vertex to each vertex. */
  vertexDistance_m: Float64Array;
  /** Node u's adjacency slots are `adjacencyStart[u] … adjacencyStart[u + 1] - 1`. */
  adjacencyStart: Int32Array;
  adjacencyEdge: Int32Array;
  /** The node at the other end of the slot's edge. */
  adjacencyNode: Int32Array;
  /** 1 when the slot walks its edge backwards (from its last coordinate to its first). */
  adjacencyBackward: Uint8Array;
  /** Flatbush index of edge bounding boxes in degrees; item i = edge i. */
  edgeIndex: Flatbush;
  costs: Partial<Record<Profile, ProfileCosts>>;
  buildTime_ms: number;
};

/** A bounded multi-source shortest-path tree. */
export type SearchResult = {
  profile: Profile;
  limit_s: number;
  origins: Snap[];
  /** Seconds from the nearest origin per node; `Infinity` when beyond `limit_s` or unreachable. */
  arrival_s: Float64Array;
  /** Index into `origins` of the origin that reaches the node first; -1 when unreached. */
  originIndex: Int32Array;
  /** The reached nodes in order of arrival: `reachedNodes[0 … reachedCount - 1]`. */
  reachedNodes: Int32Array;
  reachedCount: number;
};
