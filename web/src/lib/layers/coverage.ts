import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { CoverageResponse } from '../types';
import { COLOURS } from './colours';
import type { InterleaveProps } from './interleave';

export const COVERAGE_CIRCLES_LAYER_ID = 'coverage-circles';
export const COVERAGE_GAPS_LAYER_ID = 'coverage-gaps';

export type CoverageLayerOptions = {
  showCircles?: boolean;
  showGaps?: boolean;
  /** A MapLibre layer to draw under, e.g. the boundaries. */
  beforeId?: string;
};

/** Service circles in translucent green, gaps in semi-opaque red (gaps are pickable). */
export function coverageLayers(
  coverage: Pick<CoverageResponse, 'circles' | 'gaps'>,
  { showCircles = true, showGaps = true, beforeId }: CoverageLayerOptions = {},
): Layer[] {
  return [
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
