/**
 * The offline basemap: a MapLibre style built in code from API data, with no remote URL at all
 * (no glyphs, no sprite, no tiles). Because there are no glyphs, it has no symbol layers; labels
 * are drawn by deck.gl's TextLayer (see layers/labels.ts).
 */
import type { BasemapCollection, RegionCollection, RoadClass } from '../types';
import type { LayerSpecification, SourceSpecification, StyleSpecification } from './style-types';

export type BoundaryData = {
  district: RegionCollection;
  subdistrict: RegionCollection;
  community: RegionCollection;
};

export const BASEMAP_COLOURS = {
  land: '#f4f2ec',
  water: '#a9d3f2',
  waterOutline: '#86bde6',
  roadCasing: '#d6d0c4',
  district: '#1f2937',
  subdistrict: '#4b5563',
  community: '#9ca3af',
} as const;

/** Colour and width (px at zoom 10 and 17) by road class, biggest first. */
export const ROAD_STYLE: Record<RoadClass, { colour: string; width10: number; width17: number }> = {
  motorway: { colour: '#e38b3c', width10: 2.2, width17: 16 },
  trunk: { colour: '#eea25b', width10: 2, width17: 14 },
  primary: { colour: '#f5c36f', width10: 1.6, width17: 12 },
  secondary: { colour: '#f9dc94', width10: 1.2, width17: 10 },
  tertiary: { colour: '#ffffff', width10: 0.9, width17: 8 },
  residential: { colour: '#ffffff', width10: 0.4, width17: 6 },
  service: { colour: '#ffffff', width10: 0.2, width17: 3.5 },
  footway: { colour: '#c9bba5', width10: 0.2, width17: 1.6 },
};

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

const roadClassMatch = (pick: (cls: RoadClass) => number | string, fallback: number | string) => {
  const expression: unknown[] = ['match', ['get', 'class']];
  for (const [cls] of Object.entries(ROAD_STYLE) as [RoadClass, unknown][]) {
    expression.push(cls, pick(cls));
  }
  expression.push(fallback);
  return expression;
};

/** Bigger roads draw over smaller ones within one layer. */
const roadSortKey = () => {
  const classes = Object.keys(ROAD_STYLE) as RoadClass[];
  return roadClassMatch((cls) => classes.length - classes.indexOf(cls), 0);
};

const roadWidth = (extra = 0) => [
  'interpolate',
  ['exponential', 1.5],
  ['zoom'],
  10,
  roadClassMatch((cls) => ROAD_STYLE[cls].width10 + extra * 0.5, 0.5),
  17,
  roadClassMatch((cls) => ROAD_STYLE[cls].width17 + extra, 2),
];

/** Sources for region boundaries, shared by the offline style and an online one. */
export function boundarySources(regions: BoundaryData): Record<string, SourceSpecification> {
  return {
    'regions-district': { type: 'geojson', data: regions.district ?? EMPTY },
    'regions-subdistrict': { type: 'geojson', data: regions.subdistrict ?? EMPTY },
    'regions-community': { type: 'geojson', data: regions.community ?? EMPTY },
  } as Record<string, SourceSpecification>;
}

/** The lowest boundary layer: deck.gl polygons are inserted under it. */
export const BOUNDARY_BOTTOM_LAYER_ID = 'boundary-community';

/** District thick and dark, subdistrict dashed, community thin. */
export function boundaryLayers(): LayerSpecification[] {
  return [
    {
      id: BOUNDARY_BOTTOM_LAYER_ID,
      type: 'line',
      source: 'regions-community',
      minzoom: 10,
      paint: {
        'line-color': BASEMAP_COLOURS.community,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 16, 1.4],
        'line-opacity': 0.9,
      },
    },
    {
      id: 'boundary-subdistrict',
      type: 'line',
      source: 'regions-subdistrict',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': BASEMAP_COLOURS.subdistrict,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 16, 2.2],
        'line-dasharray': [4, 2.5],
      },
    },
    {
      id: 'boundary-district',
      type: 'line',
      source: 'regions-district',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': BASEMAP_COLOURS.district,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2.5, 16, 5],
        'line-opacity': 0.85,
      },
    },
  ] as LayerSpecification[];
}

/** The whole offline style. Data is inlined, so the style holds no URL of any kind. */
export function buildOfflineStyle(basemap: BasemapCollection, regions: BoundaryData): StyleSpecification {
  const isRoad = ['==', ['get', 'layer'], 'road'];
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': BASEMAP_COLOURS.land } },
    {
      id: 'water-lake',
      type: 'fill',
      source: 'basemap',
      filter: ['all', ['==', ['get', 'layer'], 'water'], ['==', ['get', 'kind'], 'lake']],
      paint: { 'fill-color': BASEMAP_COLOURS.water, 'fill-outline-color': BASEMAP_COLOURS.waterOutline },
    },
    {
      id: 'water-river',
      type: 'line',
      source: 'basemap',
      filter: ['all', ['==', ['get', 'layer'], 'water'], ['==', ['get', 'kind'], 'river']],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': BASEMAP_COLOURS.water,
        'line-width': ['interpolate', ['exponential', 1.4], ['zoom'], 10, 2, 17, 24],
      },
    },
    {
      id: 'road-footway',
      type: 'line',
      source: 'basemap',
      minzoom: 13,
      filter: ['all', isRoad, ['==', ['get', 'class'], 'footway']],
      paint: {
        'line-color': ROAD_STYLE.footway.colour,
        'line-width': roadWidth(),
        'line-dasharray': [2, 1.5],
      },
    },
    {
      id: 'road-casing',
      type: 'line',
      source: 'basemap',
      filter: ['all', isRoad, ['!=', ['get', 'class'], 'footway']],
      layout: { 'line-cap': 'round', 'line-join': 'round', 'line-sort-key': roadSortKey() },
      paint: { 'line-color': BASEMAP_COLOURS.roadCasing, 'line-width': roadWidth(2) },
    },
    {
      id: 'road',
      type: 'line',
      source: 'basemap',
      filter: ['all', isRoad, ['!=', ['get', 'class'], 'footway']],
      layout: { 'line-cap': 'round', 'line-join': 'round', 'line-sort-key': roadSortKey() },
      paint: {
        'line-color': roadClassMatch((cls) => ROAD_STYLE[cls].colour, '#ffffff'),
        'line-width': roadWidth(),
      },
    },
    ...boundaryLayers(),
  ] as LayerSpecification[];

  return {
    version: 8,
    name: 'wangge-offline',
    sources: {
      basemap: { type: 'geojson', data: basemap },
      ...boundarySources(regions),
    },
    layers,
  } as StyleSpecification;
}
