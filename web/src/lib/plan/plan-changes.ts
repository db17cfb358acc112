/**
 * Undo and redo in the planner workspace are server writes: every step is saved, so going back is
 * saving the community as it was (a new version, in the history like any other; nothing is lost).
 * This module keeps that pure: a community's state is its grids' geometry and attributes without
 * versions, and `changesToReach` lists the writes (one `POST /api/grids/changes`) that turn the
 * grids as saved now into a target state.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { GridChangeRequest, GridFeature, GridProps } from '../types';

/** The attributes a planner edits; everything else on a grid is the server's. */
export const EDITABLE_GRID_FIELDS = [
  'code',
  'name',
  'kind',
  'households',
  'population',
  'workerName',
  'workerPhone',
] as const;
export type EditableGridField = (typeof EDITABLE_GRID_FIELDS)[number];
export type EditableGridProps = Pick<GridProps, EditableGridField>;

export type GridState = { geometry: Polygon | MultiPolygon; properties: EditableGridProps };
/** A community's grids by id, as an undo step remembers them. */
export type CommunityState = ReadonlyMap<string, GridState>;

export function editableProps(properties: GridProps): EditableGridProps {
  const out = {} as Record<EditableGridField, unknown>;
  for (const field of EDITABLE_GRID_FIELDS) out[field] = properties[field];
  return out as EditableGridProps;
}

export function stateOf(grids: readonly GridFeature[]): CommunityState {
  return new Map(
    grids.map((g) => [g.properties.id, { geometry: g.geometry, properties: editableProps(g.properties) }]),
  );
}

/** Polygons as lists of rings, whichever type the geometry is. */
const polygonsOf = (geometry: Polygon | MultiPolygon): Position[][][] =>
  geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;

/**
 * The same shape, to the server's 7 decimals (about 1 cm): the server rounds what it returns, so
 * an exact comparison would see a change in every grid after a round trip.
 */
export function sameGeometry(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): boolean {
  const pa = polygonsOf(a);
  const pb = polygonsOf(b);
  if (pa.length !== pb.length) return false;
  for (let p = 0; p < pa.length; p++) {
    const ra = pa[p]!;
    const rb = pb[p]!;
    if (ra.length !== rb.length) return false;
    for (let r = 0; r < ra.length; r++) {
      const ca = ra[r]!;
      const cb = rb[r]!;
      if (ca.length !== cb.length) return false;
      for (let i = 0; i < ca.length; i++) {
        if (Math.abs(ca[i]![0]! - cb[i]![0]!) > 5e-8 || Math.abs(ca[i]![1]! - cb[i]![1]!) > 5e-8) return false;
      }
    }
  }
  return true;
}

function changedProps(from: EditableGridProps, to: EditableGridProps): Partial<EditableGridProps> | null {
  const out: Partial<Record<EditableGridField, unknown>> = {};
  let any = false;
  for (const field of EDITABLE_GRID_FIELDS) {
    if (from[field] !== to[field]) {
      out[field] = to[field];
      any = true;
    }
  }
  return any ? (out as Partial<EditableGridProps>) : null;
}

/** Properties the server accepts for a grid brought back: null worker fields are left to default. */
function fullProps(properties: EditableGridProps) {
  return { ...properties };
}

/**
 * The writes that take the community from `saved` (the grids as the server holds them now, with
 * their versions) to `target`. `deletedVersions` gives, for grids deleted earlier in the session,
 * the version that was deleted (a revive names it). A grid in `target` that is neither saved nor
 * known as deleted can't be brought back under its id: the result then says so.
 */
export function changesToReach(
  saved: readonly GridFeature[],
  target: CommunityState,
  deletedVersions: ReadonlyMap<string, number>,
): { ok: true; changes: GridChangeRequest[] } | { ok: false; missing: string[] } {
  const changes: GridChangeRequest[] = [];
  const savedIds = new Set<string>();
  for (const grid of saved) {
    const id = grid.properties.id;
    savedIds.add(id);
    const wanted = target.get(id);
    if (!wanted) {
      changes.push({ op: 'delete', id, version: grid.properties.version });
      continue;
    }
    const geometryChanged = !sameGeometry(grid.geometry, wanted.geometry);
    const properties = changedProps(editableProps(grid.properties), wanted.properties);
    if (!geometryChanged && !properties) continue;
    changes.push({
      op: 'update',
      id,
      version: grid.properties.version,
      ...(geometryChanged ? { geometry: wanted.geometry } : {}),
      ...(properties ? { properties } : {}),
    });
  }
  const missing: string[] = [];
  for (const [id, wanted] of target) {
    if (savedIds.has(id)) continue;
    const version = deletedVersions.get(id);
    if (version === undefined) {
      missing.push(id);
      continue;
    }
    changes.push({ op: 'revive', id, version, geometry: wanted.geometry, properties: fullProps(wanted.properties) });
  }
  if (missing.length) return { ok: false, missing };
  return { ok: true, changes };
}
