import { GeoJsonLayer, LineLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { IsochroneCollection, IsochroneProps } from '../types';
import { ISOCHRONE_DARK, isochroneBandColour, type Rgb, type Rgba } from './colours';
import type { InterleaveProps } from './interleave';

export const ISOCHRONES_LAYER_ID = 'isochrones';
export const ISOCHRONE_SNAP_LAYER_ID = 'isochrone-snap';
/** Below this the clicked point is on the street already, and a link would be a dot. */
export const SNAP_LINK_MIN_M = 5;

export type IsochroneFeature = IsochroneCollection['features'][number];

/**
 * One row per band, fewest minutes first: what the legend lists and what the layer colours by.
 * `swatch` is how the band looks on a white map: its own fill over every larger band's, since the
 * bands are nested and all drawn.
 */
export type IsochroneBand = IsochroneProps & { fill: Rgba; line: Rgba; swatch: Rgb };

const bandsCache = new WeakMap<IsochroneCollection, IsochroneBand[]>();

/** The bands of a collection, fewest minutes first, each with its graded fill and outline. */
export function isochroneBands(collection: IsochroneCollection): IsochroneBand[] {
  const cached = bandsCache.get(collection);
  if (cached) return cached;
  const sorted = collection.features.map((feature) => feature.properties).sort((a, b) => a.minutes - b.minutes);
  const bands = sorted.map((props, rank) => {
    const fill = isochroneBandColour(rank, sorted.length);
    // The outline is the fill's colour, darkened and nearly opaque, so nested edges stay readable.
    const line: Rgba = [Math.round(fill[0] * 0.7), Math.round(fill[1] * 0.7), Math.round(fill[2] * 0.7), 210];
    return { ...props, fill, line, swatch: [255, 255, 255] as Rgb };
  });
  // Composite from the largest band inwards: "source over" for each translucent fill.
  let under: Rgb = [255, 255, 255];
  for (let rank = bands.length - 1; rank >= 0; rank -= 1) {
    const band = bands[rank]!;
    const alpha = band.fill[3] / 255;
    under = under.map((channel, index) => Math.round(band.fill[index]! * alpha + channel * (1 - alpha))) as Rgb;
    band.swatch = under;
  }
  bandsCache.set(collection, bands);
  return bands;
}

const drawOrderCache = new WeakMap<IsochroneCollection, IsochroneFeature[]>();

/**
 * The features largest band first, so the fastest band is drawn last and sits on top. Cached per
 * collection: a new `data` array would make deck.gl re-tessellate every polygon on each redraw.
 */
export function isochroneDrawOrder(collection: IsochroneCollection): IsochroneFeature[] {
  const cached = drawOrderCache.get(collection);
  if (cached) return cached;
  const ordered = [...collection.features].sort((a, b) => b.properties.minutes - a.properties.minutes);
  drawOrderCache.set(collection, ordered);
  return ordered;
}

export type IsochroneLayerOptions = {
  visible?: boolean;
  /** A MapLibre layer to draw under, e.g. the boundaries. */
  beforeId?: string;
};

/**
 * Street-network isochrones as graded fills, dark (fastest) to light (slowest), with thin outlines;
 * plus a line from the clicked point to where it joined the street network, which explains why a
 * point far from a street sits outside its own bands.
 */
export function isochroneLayers(
  collection: IsochroneCollection,
  { visible = true, beforeId }: IsochroneLayerOptions = {},
): Layer[] {
  const byMinutes = new Map(isochroneBands(collection).map((band) => [band.minutes, band]));
  const transparent: Rgba = [0, 0, 0, 0];
  return [
    new GeoJsonLayer<IsochroneProps, InterleaveProps>({
      id: ISOCHRONES_LAYER_ID,
      data: isochroneDrawOrder(collection),
      visible,
      beforeId,
      // Not pickable: a click inside the area should still ask "who is responsible here".
      pickable: false,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      getFillColor: (feature) => byMinutes.get(feature.properties.minutes)?.fill ?? transparent,
      getLineColor: (feature) => byMinutes.get(feature.properties.minutes)?.line ?? transparent,
    }),
    new LineLayer<IsochroneCollection>({
      id: ISOCHRONE_SNAP_LAYER_ID,
      data: collection.snapped.distance_m >= SNAP_LINK_MIN_M ? [collection] : [],
      visible,
      pickable: false,
      widthUnits: 'pixels',
      getWidth: 2,
      getColor: ISOCHRONE_DARK,
      getSourcePosition: (answer) => [answer.origin.lng, answer.origin.lat],
      getTargetPosition: (answer) => [answer.snapped.lng, answer.snapped.lat],
    }),
  ];
}
