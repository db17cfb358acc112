/**
 * terra-draw on the planner's map: one instance with the three tools the workspace uses (draw a
 * polygon, draw a cutting line, reshape the grid being edited), snapping through `snapTo`. Only
 * the grids being edited go into its store; every other grid is drawn by deck.gl, since terra-draw
 * slows down with a few thousand polygons in its store (terra-draw#593).
 */
import type * as maplibregl from 'maplibre-gl';
import type { Polygon, Position } from 'geojson';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawModeUndoRedo,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
  type TerraDrawMouseEvent,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

export const DRAW_MODES = { draw: 'polygon', split: 'linestring', edit: 'select', idle: 'static' } as const;

/** Where a pointer should land, or undefined to leave it where it is. */
export type SnapTo = (pointer: { x: number; y: number; lng: number; lat: number }) => Position | undefined;

/** terra-draw's own colours, matched to the map's: blue for what is being drawn, amber handles. */
const DRAWING = '#1d4ed8';
const HANDLE = '#f59e0b';

export function createDrawTools(map: maplibregl.Map, snapTo: SnapTo) {
  const toCustom = (event: TerraDrawMouseEvent) =>
    snapTo({ x: event.containerX, y: event.containerY, lng: event.lng, lat: event.lat });
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 7 }),
    modes: [
      new TerraDrawPolygonMode({
        snapping: { toCustom },
        // Escape drops the polygon being drawn; Enter (or a click on the first point) closes it.
        keyEvents: { cancel: 'Escape', finish: 'Enter' },
        styles: {
          fillColor: DRAWING,
          fillOpacity: 0.15,
          outlineColor: DRAWING,
          outlineWidth: 2,
          closingPointColor: HANDLE,
          closingPointWidth: 6,
          snappingPointColor: HANDLE,
          snappingPointWidth: 6,
        },
      }),
      new TerraDrawLineStringMode({
        snapping: { toCustom },
        keyEvents: { cancel: 'Escape', finish: 'Enter' },
        styles: { lineStringColor: '#dc2626', lineStringWidth: 3, closingPointColor: HANDLE, closingPointWidth: 6 },
      }),
      new TerraDrawSelectMode({
        // Selection is the workspace's, not terra-draw's: the edited grid stays selected.
        allowManualDeselection: false,
        keyEvents: { deselect: null, delete: null, rotate: null, scale: null },
        flags: {
          polygon: {
            feature: {
              draggable: true,
              coordinates: {
                draggable: true,
                midpoints: true,
                // Right-click on a vertex deletes it.
                deletable: true,
                snappable: { toCustom },
              },
            },
          },
        },
        styles: {
          selectedPolygonColor: DRAWING,
          selectedPolygonFillOpacity: 0.12,
          selectedPolygonOutlineColor: DRAWING,
          selectedPolygonOutlineWidth: 2,
          selectionPointColor: HANDLE,
          selectionPointWidth: 5,
          midPointColor: '#ffffff',
          midPointOutlineColor: DRAWING,
          midPointWidth: 3,
        },
      }),
    ],
    // Mode-level undo: while a polygon or line is being drawn, undo takes back its last point.
    undoRedo: { modeLevel: new TerraDrawModeUndoRedo() },
    // The parts of an edited grid are keyed `<grid id>#<part>`, not terra-draw's default UUIDs.
    idStrategy: {
      isValidId: (id) => typeof id === 'string' && id.length > 0,
      getId: () => crypto.randomUUID(),
    },
  });
  draw.start();
  draw.setMode(DRAW_MODES.idle);
  return draw;
}

export type DrawTools = ReturnType<typeof createDrawTools>;

/** Loads polygons into the store as editable features, each tagged with its grid and part. */
export function loadForEditing(draw: DrawTools, parts: { id: string; gridId: string; polygon: Polygon }[]) {
  draw.clear();
  const features: GeoJSONStoreFeatures[] = parts.map((part) => ({
    type: 'Feature',
    id: part.id,
    geometry: part.polygon,
    properties: { mode: DRAW_MODES.draw, gridId: part.gridId },
  }));
  const results = draw.addFeatures(features);
  return results.filter((r) => !r.valid).map((r) => r.reason ?? 'invalid');
}
