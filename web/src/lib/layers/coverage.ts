import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { CoverageResponse } from '../types';
import { COLOURS } from './colours';
import type { InterleaveProps } from './interleave';

export const COVERAGE_CIRCLES_LAYER_ID = 'coverage-circles';
export const COVERAGE_GAPS_LAYER_ID = 'coverage-gaps';
export const COVERAGE_REACH_LAYER_ID = 'coverage-reach';

const EMPTY: CoverageResponse['reach']['features'] = [];

export type CoverageLayerOptions = {
  showCircles?: boolean;
  showGaps?: boolean;
  showReach?: boolean;
  /** A MapLibre layer to draw under, e.g. the boundaries. */
  beforeId?: string;
};

/**
 * The reached area (the union of the circles or isochrones) in translucent green, service circles
 * as faint outlines over it (radius method only: for network they are empty), gaps in
 * semi-opaque red on top (gaps are pickable).
 */
export function coverageLayers(
  coverage: Pick<CoverageResponse, 'circles' | 'gaps'> & Partial<Pick<CoverageResponse, 'reach'>>,
  { showCircles = true, showGaps = true, showReach = true, beforeId }: CoverageLayerOptions = {},
): Layer[] {
  return [
    new GeoJsonLayer<CoverageResponse['reach']['features'][number]['properties'], InterleaveProps>({
      id: COVERAGE_REACH_LAYER_ID,
      // An older server answers without `reach`; draw nothing rather than fail.
      data: coverage.reach?.features ?? EMPTY,
      visible: showReach,
      beforeId,
      pickable: false,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getFillColor: COLOURS.coverageReachFill,
      getLineColor: COLOURS.coverageReachLine,
    }),
    new GeoJsonLayer<CoverageResponse['circles']['features'][number]['properties'], InterleaveProps>({
      id: COVERAGE_CIRCLES_LAYER_ID,
      data: coverage.circles.features,
      visible: showCircles,
      beforeId,
      pickable: false,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      getFillColor: COLOURS.coverageFill,
      getLineColor: COLOURS.coverageLine,
    }),
    new GeoJsonLayer<CoverageResponse['gaps']['features'][number]['properties'], InterleaveProps>({
      id: COVERAGE_GAPS_LAYER_ID,
      data: coverage.gaps.features,
      visible: showGaps,
      beforeId,
      pickable: true,
      autoHighlight: true,
      highlightColor: [127, 29, 29, 120],
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getFillColor: COLOURS.gapFill,
      getLineColor: COLOURS.gapLine,
    }),
  ];
}
