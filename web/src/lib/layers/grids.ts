import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { GridCollection, GridProps } from '../types';
import { COLOURS } from './colours';
import type { InterleaveProps } from './interleave';

export const GRID_LAYER_ID = 'grids';

export type GridLayerOptions = {
  visible?: boolean;
  /** A MapLibre layer to draw under, e.g. the boundaries, so they stay readable. */
  beforeId?: string;
};

/** Grid polygons with an outline; dedicated grids (专属网格) in violet. Pickable. */
export function gridLayers(grids: GridCollection, { visible = true, beforeId }: GridLayerOptions = {}): Layer[] {
  return [
    new GeoJsonLayer<GridProps, InterleaveProps>({
      id: GRID_LAYER_ID,
      data: grids.features,
      visible,
      beforeId,
      pickable: true,
      autoHighlight: true,
      highlightColor: [37, 99, 235, 60],
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.2,
      getFillColor: (feature) =>
        feature.properties.kind === 'dedicated' ? COLOURS.gridDedicatedFill : COLOURS.gridFill,
      getLineColor: (feature) =>
        feature.properties.kind === 'dedicated' ? COLOURS.gridDedicatedLine : COLOURS.gridLine,
    }),
  ];
}
