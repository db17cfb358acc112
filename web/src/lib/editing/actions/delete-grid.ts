/**
 * Delete a grid. Its area becomes a gap in the community (不留空白 is broken until a neighbour takes it),
 * so the gap is returned for the UI to draw and report, minus any part other grids still cover.
 */
import type { Feature } from 'geojson';
import {
  area_m2,
  bboxesMeet,
  bboxOf,
  unionAll,
  type FeatureId,
  type GridFeature,
  type GridGeometry,
} from '../geometry/polygons';
import { refuse, type ActionResult } from '../result';
import { subtract } from './clip';

export type GapProperties = { kind: 'gap'; area_m2: number; formerId: FeatureId };

export type DeleteGridDone<P> = {
  remaining: GridFeature<P>[];
  deleted: GridFeature<P>;
  /** The uncovered area the deletion leaves, null when other grids cover all of it. */
  gap: Feature<GridGeometry, GapProperties> | null;
};

export function deleteGrid<P>(
  grids: readonly GridFeature<P>[],
  id: FeatureId,
): ActionResult<DeleteGridDone<P>, 'not_found'> {
  const deleted = grids.find((g) => g.id === id);
  if (!deleted) return refuse('not_found', `No grid with id ${String(id)}.`);
  const remaining = grids.filter((g) => g !== deleted);
  const box = bboxOf(deleted.geometry);
  const cover = unionAll(remaining.filter((g) => bboxesMeet(box, bboxOf(g.geometry))).map((g) => g.geometry));
  const gapGeometry = cover ? subtract(deleted.geometry, cover) : deleted.geometry;
  const gap_m2 = area_m2(gapGeometry);
  return {
    ok: true,
    remaining,
    deleted,
    gap: gapGeometry
      ? { type: 'Feature', properties: { kind: 'gap', area_m2: gap_m2, formerId: id }, geometry: gapGeometry }
      : null,
  };
}
