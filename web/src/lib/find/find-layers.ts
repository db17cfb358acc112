/**
 * The rider map's own MapLibre sources and layers: the route to the chosen station, the stations,
 * and the rider. Plain GeoJSON layers (no deck.gl): a handful of features, and the page loads
 * faster without deck.gl's bundle.
 */
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import type { LngLat } from '../types';
import type { LayerSpecification } from '../map/style-types';
import type { FindFeature } from './find-types';

export const ROUTE_SOURCE_ID = 'find-route';
export const STATIONS_SOURCE_ID = 'find-stations';
export const RIDER_SOURCE_ID = 'find-rider';
export const ROUTE_LAYER_ID = 'find-route';
export const STRAIGHT_LAYER_ID = 'find-straight';
export const STATIONS_LAYER_ID = 'find-stations';
export const RIDER_LAYER_ID = 'find-rider';

export const FIND_COLOURS = {
  route: '#1d4ed8',
  routeCasing: '#ffffff',
  open: '#15803d',
  closed: '#6b7280',
  selected: '#b91c1c',
  rider: '#2563eb',
} as const;

type LineProps = { kind: 'route' | 'straight'; stationId: string };
type StationPointProps = { id: string; open: boolean; selected: boolean; rank: number };

export type FindMapData = {
  route: FeatureCollection<LineString, LineProps>;
  stations: FeatureCollection<Point, StationPointProps>;
  rider: FeatureCollection<Point>;
};

/**
 * What the map draws: the selected station's route along the streets when the answer has one,
 * else a dashed straight line (offline, or ranked by straight line), so the map never suggests
 * a route it doesn't know.
 */
export function findMapData(
  origin: LngLat | null,
  features: readonly FindFeature[],
  selectedId: string | null,
): FindMapData {
  const selected = features.find((f) => f.properties.id === selectedId);
  const lines: Feature<LineString, LineProps>[] = [];
  if (selected && origin) {
    const route = selected.properties.route;
    lines.push({
      type: 'Feature',
      properties: { kind: route ? 'route' : 'straight', stationId: selected.properties.id },
      geometry: route ?? { type: 'LineString', coordinates: [[origin.lng, origin.lat], selected.geometry.coordinates] },
    });
  }
  return {
    route: { type: 'FeatureCollection', features: lines },
    stations: {
      type: 'FeatureCollection',
      features: features.map((f, rank) => ({
        type: 'Feature',
        id: rank,
        geometry: f.geometry,
        properties: {
          id: f.properties.id,
          open: f.properties.openState.open,
          selected: f.properties.id === selectedId,
          rank,
        },
      })),
    },
    rider: {
      type: 'FeatureCollection',
      features: origin
        ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [origin.lng, origin.lat] } }]
        : [],
    },
  };
}

/** [west, south, east, north] around the rider and every station, or null with nothing to show. */
export function findBounds(
  origin: LngLat | null,
  features: readonly FindFeature[],
): [number, number, number, number] | null {
  const points = features.map((f) => f.geometry.coordinates);
  for (const f of features) points.push(...(f.properties.route?.coordinates ?? []));
  if (origin) points.push([origin.lng, origin.lat]);
  if (points.length === 0) return null;
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lng, lat] of points as [number, number][]) {
    west = Math.min(west, lng);
    south = Math.min(south, lat);
    east = Math.max(east, lng);
    north = Math.max(north, lat);
  }
  return [west, south, east, north];
}

export function findLayers(): LayerSpecification[] {
  return [
    {
      id: `${ROUTE_LAYER_ID}-casing`,
      type: 'line',
      source: ROUTE_SOURCE_ID,
      filter: ['==', ['get', 'kind'], 'route'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': FIND_COLOURS.routeCasing, 'line-width': 9 },
    },
    {
      id: ROUTE_LAYER_ID,
      type: 'line',
      source: ROUTE_SOURCE_ID,
      filter: ['==', ['get', 'kind'], 'route'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': FIND_COLOURS.route, 'line-width': 5 },
    },
    {
      id: STRAIGHT_LAYER_ID,
      type: 'line',
      source: ROUTE_SOURCE_ID,
      filter: ['==', ['get', 'kind'], 'straight'],
      paint: { 'line-color': FIND_COLOURS.route, 'line-width': 3, 'line-dasharray': [2, 2] },
    },
    {
      id: STATIONS_LAYER_ID,
      type: 'circle',
      source: STATIONS_SOURCE_ID,
      layout: { 'circle-sort-key': ['case', ['get', 'selected'], 1, 0] },
      paint: {
        'circle-radius': ['case', ['get', 'selected'], 12, 9],
        'circle-color': [
          'case',
          ['get', 'selected'],
          FIND_COLOURS.selected,
          ['get', 'open'],
          FIND_COLOURS.open,
          FIND_COLOURS.closed,
        ],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 3,
      },
    },
    {
      id: `${RIDER_LAYER_ID}-halo`,
      type: 'circle',
      source: RIDER_SOURCE_ID,
      paint: { 'circle-radius': 18, 'circle-color': FIND_COLOURS.rider, 'circle-opacity': 0.18 },
    },
    {
      id: RIDER_LAYER_ID,
      type: 'circle',
      source: RIDER_SOURCE_ID,
      paint: {
        'circle-radius': 8,
        'circle-color': FIND_COLOURS.rider,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 3,
      },
    },
  ] as LayerSpecification[];
}
