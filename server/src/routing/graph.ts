/**
 * Road graph construction: CSR adjacency on typed arrays, so a 100k-edge city costs a few MB and
 * no per-edge objects, plus a Flatbush index of edge boxes for snapping.
 */
import Flatbush from 'flatbush';
import { segmentLengthM } from './local-metric';
import { respectsOneway, speedMetersPerSecond } from './profiles';
import type { Profile, ProfileCosts, RoadGraph, RoadInput } from './types';

/** Endpoints closer than this (degrees, ≈ 1 cm) are one node. The DB nodes roads at shared endpoints. */
const NODE_PRECISION = 1e7;

/**
 * Open-addressing hash from rounded `[lng, lat]` integer pairs to node ids: about 5× faster than a
 * Map keyed by strings at 200k endpoints.
 */
class NodeTable {
  private keysX: Int32Array;
  private keysY: Int32Array;
  private ids: Int32Array;
  private mask: number;
  count = 0;
  lng: Float64Array;
  lat: Float64Array;

  constructor(capacityHint: number) {
    let size = 16;
    while (size < capacityHint * 2) size *= 2;
    this.keysX = new Int32Array(size);
    this.keysY = new Int32Array(size);
    this.ids = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.lng = new Float64Array(capacityHint);
    this.lat = new Float64Array(capacityHint);
  }

  idOf(lng: number, lat: number): number {
    const x = Math.round(lng * NODE_PRECISION) | 0;
    const y = Math.round(lat * NODE_PRECISION) | 0;
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77)) & this.mask;
    for (;;) {
      const id = this.ids[slot]!;
      if (id === -1) {
        const fresh = this.count++;
        this.ids[slot] = fresh;
        this.keysX[slot] = x;
        this.keysY[slot] = y;
        this.lng[fresh] = lng;
        this.lat[fresh] = lat;
        return fresh;
      }
      if (this.keysX[slot] === x && this.keysY[slot] === y) return id;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Builds the graph. Each road becomes one edge between its two endpoints; interior vertices are
 * geometry only (the DB has already split roads where they meet). Roads with fewer than two
 * coordinates are skipped.
 */
export function buildGraph(roads: readonly RoadInput[]): RoadGraph {
  const started = performance.now();
  const usable = roads.filter((road) => road.coordinates.length >= 2);
  const edgeCount = usable.length;
  let vertexCount = 0;
  for (const road of usable) vertexCount += road.coordinates.length;

  const nodes = new NodeTable(edgeCount * 2 + 1);
  const edgeId = new Float64Array(edgeCount);
  const edgeFrom = new Int32Array(edgeCount);
  const edgeTo = new Int32Array(edgeCount);
  const edgeLength = new Float64Array(edgeCount);
  const edgeClass = new Uint16Array(edgeCount);
  const edgeOneway = new Uint8Array(edgeCount);
  const vertexLngLat = new Float64Array(vertexCount * 2);
  const edgeVertexStart = new Int32Array(edgeCount + 1);
  const vertexDistance = new Float64Array(vertexCount);
  const classNames: string[] = [];
  const classIndex = new Map<string, number>();
  const edgeIndex = new Flatbush(Math.max(1, edgeCount));

  let vertex = 0;
  for (let e = 0; e < edgeCount; e++) {
    const road = usable[e]!;
    const coordinates = road.coordinates;
    edgeId[e] = road.id;
    edgeOneway[e] = road.oneway ? 1 : 0;
    let cls = classIndex.get(road.class);
    if (cls === undefined) {
      cls = classNames.length;
      classNames.push(road.class);
      classIndex.set(road.class, cls);
    }
    edgeClass[e] = cls;
    edgeVertexStart[e] = vertex;

    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let distance = 0;
    let previousLng = 0;
    let previousLat = 0;
    for (let i = 0; i < coordinates.length; i++) {
      const point = coordinates[i]!;
      const lng = point[0];
      const lat = point[1];
      if (i > 0) distance += segmentLengthM(previousLng, previousLat, lng, lat);
      vertexLngLat[vertex * 2] = lng;
      vertexLngLat[vertex * 2 + 1] = lat;
      vertexDistance[vertex] = distance;
      vertex++;
      previousLng = lng;
      previousLat = lat;
      if (lng < minX) minX = lng;
      if (lng > maxX) maxX = lng;
      if (lat < minY) minY = lat;
      if (lat > maxY) maxY = lat;
    }
    edgeLength[e] = distance;
    const first = coordinates[0]!;
    const last = coordinates[coordinates.length - 1]!;
    edgeFrom[e] = nodes.idOf(first[0], first[1]);
    edgeTo[e] = nodes.idOf(last[0], last[1]);
    edgeIndex.add(minX, minY, maxX, maxY);
  }
  edgeVertexStart[edgeCount] = vertex;
  if (edgeCount === 0) edgeIndex.add(0, 0, 0, 0); // Flatbush needs one item; never matched (no edge 0).
  edgeIndex.finish();

  // CSR adjacency: every edge appears at both of its nodes; direction rules live in the cost arrays.
  const nodeCount = nodes.count;
  const adjacencyStart = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    adjacencyStart[edgeFrom[e]! + 1]!++;
    adjacencyStart[edgeTo[e]! + 1]!++;
  }
  for (let u = 0; u < nodeCount; u++) adjacencyStart[u + 1]! += adjacencyStart[u]!;
  const fill = adjacencyStart.slice(0, nodeCount);
  const adjacencyEdge = new Int32Array(edgeCount * 2);
  const adjacencyNode = new Int32Array(edgeCount * 2);
  const adjacencyBackward = new Uint8Array(edgeCount * 2);
  for (let e = 0; e < edgeCount; e++) {
    const from = edgeFrom[e]!;
    const to = edgeTo[e]!;
    let slot = fill[from]!++;
    adjacencyEdge[slot] = e;
    adjacencyNode[slot] = to;
    slot = fill[to]!++;
    adjacencyEdge[slot] = e;
    adjacencyNode[slot] = from;
    adjacencyBackward[slot] = 1;
  }

  return {
    nodeCount,
    edgeCount,
    nodeLng: nodes.lng.slice(0, nodeCount),
    nodeLat: nodes.lat.slice(0, nodeCount),
    edgeId,
    edgeFrom,
    edgeTo,
    edgeLength_m: edgeLength,
    edgeClass,
    edgeOneway,
    classNames,
    vertexLngLat,
    edgeVertexStart,
    vertexDistance_m: vertexDistance,
    adjacencyStart,
    adjacencyEdge,
    adjacencyNode,
    adjacencyBackward,
    edgeIndex,
    costs: {},
    buildTime_ms: performance.now() - started,
  };
}

/** The profile's cost arrays, computed on first use and cached on the graph. */
export function profileCosts(graph: RoadGraph, profile: Profile): ProfileCosts {
  const cached = graph.costs[profile];
  if (cached) return cached;
  const classSpeed = graph.classNames.map((name) => speedMetersPerSecond(profile, name) ?? 0);
  const oneway = respectsOneway(profile);
  const speed = new Float64Array(graph.edgeCount);
  const forward = new Float64Array(graph.edgeCount);
  const backward = new Float64Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++) {
    const mps = classSpeed[graph.edgeClass[e]!]!;
    speed[e] = mps;
    const seconds = mps > 0 ? graph.edgeLength_m[e]! / mps : Infinity;
    forward[e] = seconds;
    backward[e] = oneway && graph.edgeOneway[e] ? Infinity : seconds;
  }
  const adjacency = new Float64Array(graph.edgeCount * 2);
  for (let slot = 0; slot < adjacency.length; slot++) {
    const e = graph.adjacencyEdge[slot]!;
    adjacency[slot] = graph.adjacencyBackward[slot] ? backward[e]! : forward[e]!;
  }
  const costs: ProfileCosts = {
    profile,
    speed_mps: speed,
    forward_s: forward,
    backward_s: backward,
    adjacency_s: adjacency,
  };
  graph.costs[profile] = costs;
  return costs;
}

/** Whether `profile` can use edge `e` in at least one direction. */
export const edgeUsable = (costs: ProfileCosts, e: number): boolean => costs.speed_mps[e]! > 0;

/**
 * The `[lng, lat]` point `distance_m` metres along edge `e` (clamped to the edge), interpolated
 * linearly between the two vertices around it, which is exact in the metric the lengths use.
 */
export function pointAlongEdge(graph: RoadGraph, e: number, distance_m: number): [number, number] {
  const end = graph.edgeVertexStart[e + 1]! - 1;
  const v = vertexBefore(graph, e, distance_m);
  if (v >= end) return [graph.vertexLngLat[end * 2]!, graph.vertexLngLat[end * 2 + 1]!];
  const d0 = graph.vertexDistance_m[v]!;
  const d1 = graph.vertexDistance_m[v + 1]!;
  const t = d1 > d0 ? Math.min(1, Math.max(0, (distance_m - d0) / (d1 - d0))) : 0;
  const lng = graph.vertexLngLat[v * 2]!;
  const lat = graph.vertexLngLat[v * 2 + 1]!;
  return [lng + (graph.vertexLngLat[v * 2 + 2]! - lng) * t, lat + (graph.vertexLngLat[v * 2 + 3]! - lat) * t];
}

/** The last vertex of edge `e` at or before `distance_m` along it (binary search on cumulative lengths). */
export function vertexBefore(graph: RoadGraph, e: number, distance_m: number): number {
  let lo = graph.edgeVertexStart[e]!;
  let hi = graph.edgeVertexStart[e + 1]! - 1;
  if (distance_m <= 0) return lo;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (graph.vertexDistance_m[mid]! <= distance_m) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
