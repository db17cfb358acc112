import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import { COLOURS } from './colours';

/** Two ids, because deck.gl matches layers by id and the layer class differs by geometry. */
export const SELECTION_POINT_LAYER_ID = 'selection-point';
export const SELECTION_SHAPE_LAYER_ID = 'selection-shape';

/** A yellow outline (polygons) or ring (points) around the selected feature. */
export function selectionLayers(feature: Feature<Geometry> | null): Layer[] {
  if (!feature) return [];
  if (feature.geometry.type === 'Point') {
    const coordinates = feature.geometry.coordinates as [number, number];
    return [
      new ScatterplotLayer<[number, number]>({
        id: SELECTION_POINT_LAYER_ID,
        data: [coordinates],
        pickable: false,
        radiusUnits: 'pixels',
        getRadius: 13,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        getLineColor: COLOURS.selection,
        getPosition: (d) => d,
      }),
    ];
  }
  return [
    new GeoJsonLayer({
      id: SELECTION_SHAPE_LAYER_ID,
      data: [feature],
      pickable: false,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3.5,
      getLineColor: COLOURS.selection,
    }),
  ];
}
