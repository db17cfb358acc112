import type { Map as MapLibreMap } from 'maplibre-gl';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { TerraDraw } from 'terra-draw';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

declare global {
  interface Window {
    /** Test hook: the MapLibre map. */
    __map?: MapLibreMap;
    /** Test hook: the single deck.gl overlay; `__deck.pickObject({ x, y, radius })` works on it. */
    __deck?: MapLibreOverlay;
    /** Test hook: true once the style and the first data load are drawn. */
    __mapReady?: boolean;
    /** Test hook: ids of the deck.gl layers that have received data. */
    __layersReady?: Set<string>;
    /** Test hook: the planner map's terra-draw instance (/plan). */
    __draw?: TerraDraw;
    /**
     * Test and bench hook: the planner workspace's state (/plan), typed here by the parts tests read
     * and benches write (the state module itself uses Svelte runes, which plain tsc can't check).
     */
    __plan?: {
      pending: { kind: string; geometry?: Polygon | MultiPolygon } | null;
      nearby: unknown[];
      grids: unknown[];
      draft: { features: Feature<Polygon | MultiPolygon, { sequence: number }>[] } | null;
    };
  }
}

export {};
