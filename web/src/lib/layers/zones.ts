import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { ZoneCollection, ZoneProps } from '../types';
import { COLOURS } from './colours';
import type { InterleaveProps } from './interleave';

export const ZONE_LAYER_ID = 'zones';

export type ZoneLayerOptions = {
  visible?: boolean;
  /** A MapLibre layer to draw under, e.g. the boundaries, so they stay readable. */
  beforeId?: string;
};

/** Responsibility zones (责任区域): amber outline and a faint fill. Pickable. */
export function zoneLayers(zones: ZoneCollection, { visible = true, beforeId }: ZoneLayerOptions = {}): Layer[] {
  return [
    new GeoJsonLayer<ZoneProps, InterleaveProps>({
      id: ZONE_LAYER_ID,
      data: zones.features,
      visible,
      beforeId,
      pickable: true,
      autoHighlight: true,
      highlightColor: [217, 119, 6, 70],
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      getFillColor: COLOURS.zoneFill,
      getLineColor: COLOURS.zoneLine,
    }),
  ];
}
