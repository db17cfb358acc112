import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Point } from 'geojson';
import type { LngLat, NearestStationProps } from '../types';
import { COLOURS } from './colours';

export const NEAREST_LINKS_LAYER_ID = 'nearest-links';
export const NEAREST_RINGS_LAYER_ID = 'nearest-stations';
export const HERE_POINT_LAYER_ID = 'here-point';

export type NearestStationFeature = Feature<Point, NearestStationProps>;

const position = (feature: NearestStationFeature) => feature.geometry.coordinates as [number, number];

/** Straight lines from the clicked point to each station, plus a ring around each station. */
export function nearestStationLayers(features: readonly NearestStationFeature[], origin: LngLat): Layer[] {
  const data = [...features];
  return [
    new LineLayer<NearestStationFeature>({
      id: NEAREST_LINKS_LAYER_ID,
      data,
      widthUnits: 'pixels',
      getWidth: 2,
      getColor: COLOURS.nearestLink,
      getSourcePosition: () => [origin.lng, origin.lat],
      getTargetPosition: position,
      updateTriggers: { getSourcePosition: [origin.lng, origin.lat] },
    }),
    new ScatterplotLayer<NearestStationFeature>({
      id: NEAREST_RINGS_LAYER_ID,
      data,
      // Not pickable: a click on a ring should pick the station underneath.
      pickable: false,
      radiusUnits: 'pixels',
      getRadius: 11,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5,
      getLineColor: COLOURS.nearestRing,
      getPosition: position,
    }),
  ];
}

/** The marker for the point the user clicked. */
export function herePointLayers(point: LngLat): Layer[] {
  return [
    new ScatterplotLayer<LngLat>({
      id: HERE_POINT_LAYER_ID,
      data: [point],
      pickable: false,
      radiusUnits: 'pixels',
      getRadius: 7,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      getFillColor: COLOURS.herePoint,
      getLineColor: COLOURS.herePointLine,
      getPosition: (d) => [d.lng, d.lat],
    }),
  ];
}
