/**
 * A piscina worker: runs routing tasks on the shared graph (./shared-graph.ts). It keeps one view
 * of the graph, with its per-profile costs and search scratch, until a task names a new version.
 * Loaded through ./routing-worker.mjs, which gives the thread tsx's TypeScript loader.
 */
import { move } from 'piscina';
import { type SharedRoadGraph, graphFromShared } from './shared-graph';
import { type RoutingTask, runRoutingTask } from './tasks';
import type { RoadGraph } from './types';

let current: { key: string; graph: RoadGraph } | null = null;

export default function run({ graph, task }: { graph: SharedRoadGraph; task: RoutingTask }) {
  if (current?.key !== graph.key) current = { key: graph.key, graph: graphFromShared(graph) };
  const result = runRoutingTask(current.graph, task);
  // A travel-time matrix goes back by transfer, not copy.
  return result instanceof Float64Array ? move(result) : result;
}
