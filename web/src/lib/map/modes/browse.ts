/**
 * The public map's mode: a click asks "who is responsible here", or opens the station or coverage
 * gap under it; hovering anything selectable shows the pointer.
 */
import type * as maplibregl from 'maplibre-gl';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import { STATION_KINDS } from '../../constants';
import { COVERAGE_GAPS_LAYER_ID } from '../../layers/coverage';
import { GRID_LAYER_ID } from '../../layers/grids';
import { stationKindOfLayer, stationLayerId } from '../../layers/stations';
import { ZONE_LAYER_ID } from '../../layers/zones';
import { askHere, selectFeature, type Selection } from '../../state/selection.svelte';
import type { LngLat } from '../../types';
import type { MapMode } from './mode';

export type BrowseDeps = {
  /**
   * The deck.gl overlay's picking, or null before it exists: the overlay mounts after the map's
   * `load`, and a getter lets the mode ask for it at the moment of the click.
   */
  overlay: () => Pick<MapLibreOverlay, 'pickObject'> | null;
};

const STATION_LAYER_IDS = STATION_KINDS.map(stationLayerId);

/** What a deck.gl pick means for the selection, or null for layers that aren't selectable. */
function selectionFromPick(layerId: string, object: unknown, at: LngLat): Selection | null {
  if (stationKindOfLayer(layerId)) {
    return {
      type: 'station',
      feature: object as Extract<Selection, { type: 'station' }>['feature'],
      fromNearest: false,
    };
  }
  if (layerId === GRID_LAYER_ID) {
    return { type: 'grid', feature: object as Extract<Selection, { type: 'grid' }>['feature'], at };
  }
  if (layerId === ZONE_LAYER_ID) {
    return { type: 'zone', feature: object as Extract<Selection, { type: 'zone' }>['feature'], at };
  }
  if (layerId === COVERAGE_GAPS_LAYER_ID) {
    return { type: 'gap', feature: object as Extract<Selection, { type: 'gap' }>['feature'], at };
  }
  return null;
}

export function browseMode(deps: BrowseDeps): MapMode {
  /**
   * Stations get a few pixels of slack so they are easy to tap; polygons are picked exactly, or
   * a click near a shared edge at low zoom could select the neighbouring grid.
   */
  function pickAt(event: maplibregl.MapMouseEvent) {
    const overlay = deps.overlay();
    const { x, y } = event.point;
    const info =
      overlay?.pickObject({ x, y, radius: 6, layerIds: STATION_LAYER_IDS }) ?? overlay?.pickObject({ x, y, radius: 0 });
    if (!info?.object || !info.layer) return null;
    return selectionFromPick(info.layer.id, info.object, { lng: event.lngLat.lng, lat: event.lngLat.lat });
  }

  // Picking draws deck's layers once more: at most once a frame, however fast the mouse moves.
  let hoverFrame = 0;

  return {
    id: 'browse',
    exit(map) {
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      hoverFrame = 0;
      map.getCanvas().style.cursor = '';
    },
    /**
     * Stations and coverage gaps open their own panels. Grids and zones tile the district, so a
     * click on one is the "who is responsible here" question: its answer names the grid and zone too.
     */
    onClick(event) {
      const picked = pickAt(event);
      if (picked && (picked.type === 'station' || picked.type === 'gap')) selectFeature(picked);
      else void askHere({ lng: event.lngLat.lng, lat: event.lngLat.lat });
    },
    onMouseMove(event) {
      if (hoverFrame) return;
      const target = event.target;
      hoverFrame = requestAnimationFrame(() => {
        hoverFrame = 0;
        target.getCanvas().style.cursor = pickAt(event) ? 'pointer' : '';
      });
    },
  };
}
