import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Point } from 'geojson';
import { STATION_KINDS } from '../constants';
import type { StationCollection, StationKind, StationProps } from '../types';
import { COLOURS, STATION_KIND_COLOURS, type Rgba } from './colours';

export type StationFeature = Feature<Point, StationProps>;

export const stationLayerId = (kind: StationKind) => `stations-${kind}`;

/** The kind a station layer id stands for, or null for any other layer. */
export function stationKindOfLayer(layerId: string): StationKind | null {
  const kind = layerId.startsWith('stations-') ? layerId.slice('stations-'.length) : '';
  return (STATION_KINDS as readonly string[]).includes(kind) ? (kind as StationKind) : null;
}

export type StationLayerOptions = {
  /** Which kinds are shown; a kind missing from the record is shown. */
  visibleKinds?: Partial<Record<StationKind, boolean>>;
};

const byKindCache = new WeakMap<StationCollection, Record<StationKind, StationFeature[]>>();

/** Splits stations by kind, once per collection, so each layer keeps a stable `data` reference. */
export function stationsByKind(stations: StationCollection): Record<StationKind, StationFeature[]> {
  const cached = byKindCache.get(stations);
  if (cached) return cached;
  const groups = Object.fromEntries(STATION_KINDS.map((kind) => [kind, [] as StationFeature[]])) as Record<
    StationKind,
    StationFeature[]
  >;
  for (const feature of stations.features) groups[feature.properties.kind]?.push(feature);
  byKindCache.set(stations, groups);
  return groups;
}

export const isStationActive = (props: Pick<StationProps, 'status'>) => props.status === 'active';

export function stationFillColour(props: Pick<StationProps, 'kind' | 'status'>): Rgba {
  return isStationActive(props) ? [...STATION_KIND_COLOURS[props.kind], 235] : COLOURS.stationInactiveFill;
}

export function stationLineColour(props: Pick<StationProps, 'status'>): Rgba {
  return isStationActive(props) ? COLOURS.stationActiveLine : COLOURS.stationInactiveLine;
}

/** One circle layer per station kind (one legend toggle each); suspended/planned are hollow grey. */
export function stationLayers(stations: StationCollection, { visibleKinds = {} }: StationLayerOptions = {}): Layer[] {
  const groups = stationsByKind(stations);
  return STATION_KINDS.map(
    (kind) =>
      new ScatterplotLayer<StationFeature>({
        id: stationLayerId(kind),
        data: groups[kind],
        visible: visibleKinds[kind] ?? true,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 90],
        radiusUnits: 'pixels',
        getRadius: 6,
        stroked: true,
        filled: true,
        lineWidthUnits: 'pixels',
        getLineWidth: (feature) => (isStationActive(feature.properties) ? 1.5 : 2),
        getPosition: (feature) => feature.geometry.coordinates as [number, number],
        getFillColor: (feature) => stationFillColour(feature.properties),
        getLineColor: (feature) => stationLineColour(feature.properties),
      }),
  );
}
