/**
 * The planner workspace's editing logic: pure functions in the style of iD's actions (features in,
 * features out; no DOM, no network, inputs never mutated). Refusals are data (`{ ok: false, reason }`)
 * so the UI can explain them. The map modes (terra-draw) call these; see README.md beside this file.
 */
export { splitByLine, splitByLineDisabled } from './actions/split-by-line';
export type { SplitOptions, SplitRefusal, SplitResult } from './actions/split-by-line';
export { mergeAdjacent, mergeAdjacentDisabled, snapBoundaries } from './actions/merge-adjacent';
export type { MergeOptions, MergeRefusal, MergeResult } from './actions/merge-adjacent';
export { clipToParent, clipToNeighbours, subtract } from './actions/clip';
export type { ClipRefusal, ClipToNeighboursDone, ClipToParentDone, NeighbourOverlap } from './actions/clip';
export { moveSharedVertex, sharedVertices } from './actions/shared-vertices';
export type { MoveDone, MoveRefusal, SharedVertex, VertexRef } from './actions/shared-vertices';
export { insertSharedVertex, removeSharedVertex } from './actions/shared-edges';
export { deleteGrid } from './actions/delete-grid';
export type { DeleteGridDone, GapProperties } from './actions/delete-grid';
export { DEFAULT_THRESHOLDS, findGapsAndOverlaps, sliverOf } from './validations/gaps-and-overlaps';
export type {
  GapIssue,
  OutsideIssue,
  OverlapIssue,
  SliverIssue,
  SliverReason,
  TopologyReport,
  TopologyThresholds,
} from './validations/gaps-and-overlaps';
export { editHistory } from './history';
export type { EditHistory } from './history';
export { localFrame, frameAround } from './geometry/frame';
export type { LocalFrame } from './geometry/frame';
export { area_m2 } from './geometry/polygons';
export type { FeatureId, GridFeature, GridGeometry } from './geometry/polygons';
export type { ActionResult, Refusal } from './result';
