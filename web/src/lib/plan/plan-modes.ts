/**
 * The planner map's modes (see map/modes/mode.ts): browse (pick grids), draw (a new grid), edit
 * (reshape the selected grid; a vertex it shares with a neighbour moves in both) and split (draw
 * the cutting line). Each owns its clicks, keys and terra-draw's state while it is current.
 */
import type * as maplibregl from 'maplibre-gl';
import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { editHistory, insertSharedVertex, moveSharedVertex, removeSharedVertex } from '../editing';
import type { MapMode } from '../map/modes/mode';
import type { GridFeature } from '../types';
import { DRAW_MODES, loadForEditing, type DrawTools } from './draw-tools';

/** What the modes need from the page: the state they read and the actions they start. */
export type ModeContext = {
  draw: DrawTools;
  /** The grid under a map click, if any (deck.gl picking). */
  pickGrid(point: { x: number; y: number }): string | null;
  grids(): readonly GridFeature[];
  /** Whether a vertex or edge shared with a neighbour moves in both (grids yes; zones are saved one at a time). */
  shareVertices(): boolean;
  selected(): readonly string[];
  select(id: string | null, add: boolean): void;
  /** A drawn polygon, to name and save. */
  drawn(polygon: Polygon): void;
  /**
   * The grids as reshaped so far (the edited grid first), or null when back to as saved; `current`
   * is always the shapes now shown (an unsaved draft takes those).
   */
  reshaped(grids: GridFeature[] | null, note?: string, current?: GridFeature[]): void;
  /** A drawn cutting line. */
  cut(line: LineString): void;
  save(): void;
  cancel(): void;
  undo(): void;
  redo(): void;
};

const isUndo = (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z';
const isRedo = (e: KeyboardEvent) =>
  (e.ctrlKey || e.metaKey) && ((e.shiftKey && e.key.toLowerCase() === 'z') || e.key.toLowerCase() === 'y');

/** Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) go to the workspace's undo stack. */
function historyKeys(context: ModeContext, event: KeyboardEvent): boolean {
  if (isUndo(event)) {
    context.undo();
    return true;
  }
  if (isRedo(event)) {
    context.redo();
    return true;
  }
  return false;
}

export function browseMode(context: ModeContext): MapMode {
  return {
    id: 'browse',
    enter() {
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.idle);
    },
    onClick(event: maplibregl.MapMouseEvent) {
      const id = context.pickGrid(event.point);
      const add = event.originalEvent.shiftKey || event.originalEvent.ctrlKey || event.originalEvent.metaKey;
      context.select(id, add && id !== null);
    },
    onKeyDown(event) {
      if (event.key === 'Escape') {
        context.select(null, false);
        return true;
      }
      return historyKeys(context, event);
    },
  };
}

const drawing = (draw: DrawTools) => draw.getModeState() === 'drawing';

export function drawMode(context: ModeContext): MapMode {
  const onFinish = (id: string | number) => {
    const feature = context.draw.getSnapshotFeature(id);
    if (feature?.geometry.type !== 'Polygon') return;
    context.draw.clear();
    context.draw.setMode(DRAW_MODES.idle);
    context.drawn(feature.geometry);
  };
  return {
    id: 'draw',
    enter() {
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.draw);
      context.draw.on('finish', onFinish);
    },
    exit() {
      context.draw.off('finish', onFinish);
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.idle);
    },
    onKeyDown(event) {
      // While drawing, undo (or Backspace) takes back the last point.
      if ((isUndo(event) || event.key === 'Backspace') && drawing(context.draw)) {
        context.draw.undo();
        return true;
      }
      if (isRedo(event) && drawing(context.draw)) {
        context.draw.redo();
        return true;
      }
      if (event.key === 'Escape' && !drawing(context.draw)) {
        context.cancel();
        return true;
      }
      return false;
    },
  };
}

export function splitMode(context: ModeContext): MapMode {
  const onFinish = (id: string | number) => {
    const feature = context.draw.getSnapshotFeature(id);
    context.draw.clear();
    if (feature?.geometry.type === 'LineString') context.cut(feature.geometry);
  };
  return {
    id: 'split',
    enter() {
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.split);
      context.draw.on('finish', onFinish);
    },
    exit() {
      context.draw.off('finish', onFinish);
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.idle);
    },
    onKeyDown(event) {
      if ((isUndo(event) || event.key === 'Backspace') && drawing(context.draw)) {
        context.draw.undo();
        return true;
      }
      if (event.key === 'Escape' && !drawing(context.draw)) {
        context.cancel();
        return true;
      }
      return false;
    },
  };
}

const polygonsOf = (geometry: Polygon | MultiPolygon): Position[][][] =>
  geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;

/** The one vertex that differs between two versions of a ring set, if exactly that happened. */
function movedVertex(before: Position[][], after: Position[][]): { from: Position; to: Position } | null {
  for (let r = 0; r < before.length; r++) {
    const a = before[r]!;
    const b = after[r];
    if (!b || a.length !== b.length) return null;
    for (let i = 0; i < a.length; i++) {
      if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return { from: a[i]!, to: b[i]! };
    }
  }
  return null;
}

/** A vertex present in one version of a ring set and not the other (one inserted or deleted). */
function differingVertex(shorter: Position[][], longer: Position[][]): Position | null {
  for (let r = 0; r < longer.length; r++) {
    const a = shorter[r] ?? [];
    const b = longer[r]!;
    if (a.length === b.length) continue;
    for (let i = 0; i < b.length; i++) {
      if (!a[i] || a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return b[i]!;
    }
  }
  return null;
}

/**
 * Reshape the selected grid with terra-draw's select mode. Each finished drag, midpoint insert or
 * vertex delete is one local step (Ctrl+Z takes it back before anything is saved); a vertex or
 * edge the grid shares with a neighbour changes in the neighbour too, so the pair stays tiled.
 * Enter or Save sends the grid, and the neighbours it moved, as one change.
 */
export function editMode(context: ModeContext): MapMode {
  let editedId: string | null = null;
  /** The working copies: the edited grid first, then neighbours changed by shared moves. */
  let working: GridFeature[] = [];
  let steps = editHistory<GridFeature[]>(200);
  let parts: Map<string, Position[][]> = new Map();

  const partId = (index: number) => `${editedId}#${index}`;

  function load(grids: GridFeature[]) {
    const edited = grids[0]!;
    const polygons = polygonsOf(edited.geometry);
    parts = new Map(polygons.map((rings, index) => [partId(index), rings]));
    loadForEditing(
      context.draw,
      polygons.map((rings, index) => ({
        id: partId(index),
        gridId: edited.properties.id,
        polygon: { type: 'Polygon', coordinates: rings },
      })),
    );
    context.draw.setMode(DRAW_MODES.edit);
    context.draw.selectFeature(partId(0));
  }

  function editedGeometry(): MultiPolygon {
    return { type: 'MultiPolygon', coordinates: [...parts.values()] };
  }

  function commitStep(neighbours: GridFeature[]) {
    const edited = { ...working[0]!, geometry: editedGeometry() };
    const others = new Map(working.slice(1).map((g) => [g.properties.id, g]));
    for (const n of neighbours) others.set(n.properties.id, n);
    working = [edited, ...others.values()];
    steps.push(working);
    context.reshaped(working, undefined, working);
  }

  const onFinish = (id: string | number, finish: { action: string }) => {
    const key = String(id);
    const before = parts.get(key);
    const feature = context.draw.getSnapshotFeature(id);
    if (!before || feature?.geometry.type !== 'Polygon') return;
    const after = feature.geometry.coordinates;
    // The editing actions key features by a top-level id.
    const neighbours = mergeNeighbours(context.grids(), working).map((g) => ({ ...g, id: g.properties.id }));
    let changed: GridFeature[] = [];
    if (!context.shareVertices()) {
      // Nothing follows: the zone alone changes.
    } else if (finish.action === 'dragCoordinate') {
      const moved = movedVertex(before, after);
      if (moved) {
        const result = moveSharedVertex(neighbours, moved.from, moved.to);
        if (result.ok) changed = result.changed as GridFeature[];
        else if (result.reason === 'self_intersection') {
          // The neighbour can't follow: put the vertex back rather than open a gap.
          context.draw.updateFeatureGeometry(id, { type: 'Polygon', coordinates: before });
          context.reshaped(working.length ? working : null, result.message, working);
          return;
        }
      }
    } else if (finish.action === 'insertMidpoint') {
      const inserted = differingVertex(before, after);
      if (inserted) changed = insertSharedVertex(neighbours, inserted) as GridFeature[];
    } else if (finish.action === 'deleteCoordinate') {
      const deleted = differingVertex(after, before);
      if (deleted) changed = removeSharedVertex(neighbours, deleted) as GridFeature[];
    }
    parts.set(key, after);
    commitStep(changed);
  };

  function restore(state: GridFeature[] | undefined) {
    if (!state) return;
    working = state;
    const polygons = polygonsOf(state[0]!.geometry);
    polygons.forEach((rings, index) => {
      parts.set(partId(index), rings);
      context.draw.updateFeatureGeometry(partId(index), { type: 'Polygon', coordinates: rings });
    });
    context.reshaped(steps.undoDepth === 0 ? null : working, undefined, working);
  }

  return {
    id: 'edit',
    enter() {
      const grid = context.grids().find((g) => g.properties.id === context.selected()[0]);
      if (!grid) return;
      editedId = grid.properties.id;
      working = [grid];
      steps = editHistory<GridFeature[]>(200);
      steps.reset(working);
      load(working);
      context.draw.on('finish', onFinish);
    },
    exit() {
      context.draw.off('finish', onFinish);
      context.draw.clear();
      context.draw.setMode(DRAW_MODES.idle);
      editedId = null;
      working = [];
    },
    onKeyDown(event) {
      if (isUndo(event)) {
        if (steps.canUndo) restore(steps.undo());
        else context.undo();
        return true;
      }
      if (isRedo(event)) {
        if (steps.canRedo) restore(steps.redo());
        else context.redo();
        return true;
      }
      if (event.key === 'Enter') {
        context.save();
        return true;
      }
      if (event.key === 'Escape') {
        context.cancel();
        return true;
      }
      return false;
    },
  };
}

/** The community's grids with the working copies in place of the saved ones (the edited grid left out). */
function mergeNeighbours(saved: readonly GridFeature[], working: GridFeature[]): GridFeature[] {
  const byId = new Map(working.slice(1).map((g) => [g.properties.id, g]));
  const editedId = working[0]!.properties.id;
  return saved.filter((g) => g.properties.id !== editedId).map((g) => byId.get(g.properties.id) ?? g);
}
