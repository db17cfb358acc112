import { describe, expect, it } from 'vitest';
import type { Layer } from '@deck.gl/core';
import type { IsochroneCollection } from '../../server/src/contracts';
import {
  ISOCHRONES_LAYER_ID,
  isochroneBands,
  isochroneDrawOrder,
  isochroneLayers,
} from '../../web/src/lib/layers/isochrones';
import { ISOCHRONE_DARK, ISOCHRONE_LIGHT, isochroneBandColour } from '../../web/src/lib/layers/colours';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

const square = (x: number, y: number, size: number) => [
  [
    [x - size, y - size],
    [x + size, y - size],
    [x + size, y + size],
    [x - size, y + size],
    [x - size, y - size],
  ],
];

const band = (minutes: number, size: number): IsochroneCollection['features'][number] => ({
  type: 'Feature',
  geometry: { type: 'MultiPolygon', coordinates: [square(106.62, 26.62, size)] },
  properties: { minutes, mode: 'walk', area_m2: Math.round((size * 222_000) ** 2) },
});

// As the API sends it: smallest first, nested.
const collection: IsochroneCollection = deepFreeze({
  type: 'FeatureCollection',
  features: [band(5, 0.003), band(10, 0.006), band(15, 0.009)],
  origin: { lng: 106.62, lat: 26.62 },
  snapped: { lng: 106.6201, lat: 26.6199, distance_m: 14 },
});

const access = (layer: Layer, prop: string, object: unknown): unknown => {
  const value = (layer.props as unknown as Record<string, unknown>)[prop];
  return typeof value === 'function' ? (value as (o: unknown, i: unknown) => unknown)(object, { index: 0 }) : value;
};

/** Perceived lightness, enough to say "darker" or "lighter". */
const luminance = ([r, g, b]: readonly number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;

describe('isochroneLayers', () => {
  const layers = isochroneLayers(collection);
  const [layer] = layers;

  it('is a GeoJsonLayer with id "isochrones", not pickable, then the snap link', () => {
    expect(layers.map((l) => l.id)).toEqual(['isochrones', 'isochrone-snap']);
    expect(layer?.id).toBe(ISOCHRONES_LAYER_ID);
    expect(layer?.id).toBe('isochrones');
    expect(layer?.props.pickable).toBe(false);
    expect(layer?.props.visible).toBe(true);
  });

  it('draws the largest band first, so the 5-minute band ends up on top', () => {
    const data = layer?.props.data as IsochroneCollection['features'];
    expect(data.map((feature) => feature.properties.minutes)).toEqual([15, 10, 5]);
    // The API's order is left alone (the fixture is frozen, so sorting it in place would throw).
    expect(collection.features.map((feature) => feature.properties.minutes)).toEqual([5, 10, 15]);
  });

  it('keeps the same data array for the same answer, so deck.gl does not re-tessellate', () => {
    expect(isochroneLayers(collection)[0]?.props.data).toBe(layer?.props.data);
    expect(isochroneDrawOrder(collection)).toBe(layer?.props.data);
  });

  it('grades the fills dark (fastest) to light (slowest), with thin outlines', () => {
    const fills = [5, 10, 15].map(
      (minutes) =>
        access(
          layer!,
          'getFillColor',
          collection.features.find((feature) => feature.properties.minutes === minutes),
        ) as number[],
    );
    expect(luminance(fills[0]!)).toBeLessThan(luminance(fills[1]!));
    expect(luminance(fills[1]!)).toBeLessThan(luminance(fills[2]!));
    for (const fill of fills) {
      expect(fill).toHaveLength(4);
      expect(fill[3]).toBeGreaterThan(0);
      expect(fill[3]).toBeLessThan(255); // translucent: the map shows through
    }
    const props = layer?.props as unknown as Record<string, unknown>;
    expect(props.stroked).toBe(true);
    expect(props.lineWidthUnits).toBe('pixels');
    expect(access(layer!, 'getLineWidth', collection.features[0])).toBeLessThanOrEqual(1.5);
  });

  it('links the clicked point to where it joined the streets, unless it was on one', () => {
    const link = layers[1]!;
    expect(link.props.data).toEqual([collection]);
    expect(access(link, 'getSourcePosition', collection)).toEqual([106.62, 26.62]);
    expect(access(link, 'getTargetPosition', collection)).toEqual([106.6201, 26.6199]);
    const onStreet: IsochroneCollection = { ...collection, snapped: { lng: 106.62, lat: 26.62, distance_m: 1 } };
    expect(isochroneLayers(onStreet)[1]?.props.data).toEqual([]);
  });

  it('can be hidden and placed under a MapLibre layer', () => {
    const [hidden, link] = isochroneLayers(collection, { visible: false, beforeId: 'boundaries' });
    expect(hidden?.props.visible).toBe(false);
    expect(link?.props.visible).toBe(false);
    expect((hidden?.props as unknown as { beforeId?: string }).beforeId).toBe('boundaries');
  });

  it('draws nothing for an empty answer', () => {
    const empty: IsochroneCollection = { ...collection, features: [] };
    expect(isochroneLayers(empty)[0]?.props.data).toEqual([]);
  });
});

describe('isochroneBands', () => {
  it('lists the bands fastest first with their areas and the layer colours', () => {
    const bands = isochroneBands(collection);
    expect(bands.map((b) => b.minutes)).toEqual([5, 10, 15]);
    expect(bands.map((b) => b.area_m2)).toEqual(collection.features.map((f) => f.properties.area_m2));
    expect(bands[0]?.fill).toEqual(ISOCHRONE_DARK);
    expect(bands[2]?.fill).toEqual(ISOCHRONE_LIGHT);
  });

  it('gives legend swatches as they look on the map: each fill over every larger band', () => {
    const bands = isochroneBands(collection);
    const [fastest, middle, slowest] = bands.map((b) => luminance(b.swatch));
    expect(fastest).toBeLessThan(middle!);
    expect(middle).toBeLessThan(slowest!);
    // The largest band sits on the white map alone.
    const alpha = ISOCHRONE_LIGHT[3] / 255;
    expect(bands[2]?.swatch).toEqual(ISOCHRONE_LIGHT.slice(0, 3).map((c) => Math.round(c * alpha + 255 * (1 - alpha))));
  });

  it('sorts an answer that arrives out of order', () => {
    const shuffled: IsochroneCollection = { ...collection, features: [band(15, 0.009), band(5, 0.003)] };
    expect(isochroneBands(shuffled).map((b) => b.minutes)).toEqual([5, 15]);
    expect(isochroneDrawOrder(shuffled).map((f) => f.properties.minutes)).toEqual([15, 5]);
  });
});

describe('isochroneBandColour', () => {
  it('is monotone in every channel from dark to light, alpha included', () => {
    const count = 6;
    const colours = Array.from({ length: count }, (_, rank) => isochroneBandColour(rank, count));
    expect(colours[0]).toEqual(ISOCHRONE_DARK);
    expect(colours[count - 1]).toEqual(ISOCHRONE_LIGHT);
    for (let channel = 0; channel < 4; channel += 1) {
      const values = colours.map((colour) => colour[channel]!);
      const rising = ISOCHRONE_LIGHT[channel]! >= ISOCHRONE_DARK[channel]!;
      const sorted = [...values].sort((a, b) => (rising ? a - b : b - a));
      expect(values, `channel ${channel}`).toEqual(sorted);
    }
    for (let rank = 1; rank < count; rank += 1) {
      expect(luminance(colours[rank]!)).toBeGreaterThan(luminance(colours[rank - 1]!));
    }
  });

  it('gives a single band the dark colour and clamps ranks out of range', () => {
    expect(isochroneBandColour(0, 1)).toEqual(ISOCHRONE_DARK);
    expect(isochroneBandColour(9, 3)).toEqual(ISOCHRONE_LIGHT);
    expect(isochroneBandColour(-1, 3)).toEqual(ISOCHRONE_DARK);
  });
});
