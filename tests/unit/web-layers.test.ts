import { describe, expect, it } from 'vitest';
import type { Layer } from '@deck.gl/core';
import type {
  CoverageResponse,
  GridCollection,
  NearestStationProps,
  RegionCollection,
  StationCollection,
  StationProps,
  ZoneCollection,
} from '../../server/src/contracts';
import type { Feature, Point } from 'geojson';
import { gridLayers } from '../../web/src/lib/layers/grids';
import { zoneLayers } from '../../web/src/lib/layers/zones';
import {
  stationFillColour,
  stationKindOfLayer,
  stationLayerId,
  stationLayers,
  stationLineColour,
  stationsByKind,
} from '../../web/src/lib/layers/stations';
import { coverageLayers } from '../../web/src/lib/layers/coverage';
import { herePointLayers, nearestStationLayers } from '../../web/src/lib/layers/nearest-stations';
import { COMMUNITY_LABEL_MIN_ZOOM, labelLayers, regionLabelPoints } from '../../web/src/lib/layers/labels';
import { selectionLayers } from '../../web/src/lib/layers/selection';
import { COLOURS, STATION_KIND_COLOURS, cssColour } from '../../web/src/lib/layers/colours';
import { STATION_KINDS } from '../../web/src/lib/constants';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

const ring = (x: number, y: number, size = 0.01) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];

/** Calls a deck.gl accessor prop (constant or function) on one object. */
const access = (layer: Layer, prop: string, object: unknown): unknown => {
  const value = (layer.props as unknown as Record<string, unknown>)[prop];
  return typeof value === 'function' ? (value as (o: unknown, i: unknown) => unknown)(object, { index: 0 }) : value;
};

const grids: GridCollection = deepFreeze({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring(106.6, 26.6)] },
      properties: {
        id: 'g1',
        communityId: 3,
        communityName: '碧海社区',
        code: '520115001001001',
        name: '碧海第一网格',
        kind: 'basic',
        households: 320,
        population: 900,
        workerName: null,
        workerPhone: null,
        version: 1,
        updatedAt: '2025-03-02T10:15:00Z',
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring(106.61, 26.6)] },
      properties: {
        id: 'g2',
        communityId: 3,
        communityName: '碧海社区',
        code: '520115001001002',
        name: '第一中学专属网格',
        kind: 'dedicated',
        households: 0,
        population: 2400,
        workerName: '王芳',
        workerPhone: '13800000000',
        version: 1,
        updatedAt: '2025-03-02T10:15:00Z',
      },
    },
  ],
});

const zones: ZoneCollection = deepFreeze({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring(106.6, 26.6, 0.005)] },
      properties: {
        id: 'z1',
        communityId: 3,
        gridId: 'g1',
        gridCode: '520115001001001',
        name: '1号楼',
        unit: '区税务局',
        version: 1,
      },
    },
  ],
});

const station = (
  id: string,
  kind: StationProps['kind'],
  status: StationProps['status'],
  lng: number,
): Feature<Point, StationProps> => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, 26.6] },
  properties: {
    id,
    kind,
    name: `驿站 ${id}`,
    address: '长岭南路 1 号',
    amenities: ['water', 'charging'],
    openingHours: 'Mo-Su 08:00-22:00',
    openNow: true,
    openState: { open: true, nextChange: '2026-02-13T14:00:00.000Z' },
    operator: '社区党委',
    phone: '0851-1234567',
    status,
    communityId: 3,
    version: 1,
  },
});

const stations: StationCollection = deepFreeze({
  type: 'FeatureCollection',
  features: [
    station('s1', 'rider_station', 'active', 106.6),
    station('s2', 'rider_station', 'suspended', 106.61),
    station('s3', 'party_service_centre', 'planned', 106.62),
    station('s4', 'convenience_station', 'active', 106.63),
  ],
});

describe('gridLayers', () => {
  const [layer] = gridLayers(grids);
  it('is one pickable GeoJsonLayer with a stable id over the features', () => {
    expect(gridLayers(grids)).toHaveLength(1);
    expect(layer?.id).toBe('grids');
    expect(layer?.props.pickable).toBe(true);
    expect(layer?.props.data).toBe(grids.features);
    expect(layer?.props.visible).toBe(true);
  });
  it('colours dedicated grids apart from basic ones', () => {
    expect(access(layer!, 'getFillColor', grids.features[0])).toEqual(COLOURS.gridFill);
    expect(access(layer!, 'getFillColor', grids.features[1])).toEqual(COLOURS.gridDedicatedFill);
    expect(access(layer!, 'getLineColor', grids.features[1])).toEqual(COLOURS.gridDedicatedLine);
  });
  it('can be hidden without changing its id', () => {
    const [hidden] = gridLayers(grids, { visible: false });
    expect(hidden?.id).toBe('grids');
    expect(hidden?.props.visible).toBe(false);
  });
});

describe('zoneLayers', () => {
  it('is one pickable layer with id "zones"', () => {
    const [layer] = zoneLayers(zones, { visible: false });
    expect(layer?.id).toBe('zones');
    expect(layer?.props.pickable).toBe(true);
    expect(layer?.props.visible).toBe(false);
    expect(layer?.props.data).toBe(zones.features);
    expect(access(layer!, 'getLineColor', zones.features[0])).toEqual(COLOURS.zoneLine);
  });
});

describe('stationLayers', () => {
  const layers = stationLayers(stations, { visibleKinds: { convenience_station: false } });

  it('makes one layer per kind, in a fixed order', () => {
    expect(layers.map((layer) => layer.id)).toEqual(STATION_KINDS.map((kind) => `stations-${kind}`));
  });

  it('puts each station in its kind’s layer', () => {
    const byId = Object.fromEntries(
      layers.map((layer) => [layer.id, layer.props.data as Feature<Point, StationProps>[]]),
    );
    expect(byId['stations-rider_station']?.map((f) => f.properties.id)).toEqual(['s1', 's2']);
    expect(byId['stations-party_service_centre']?.map((f) => f.properties.id)).toEqual(['s3']);
    expect(byId['stations-outdoor_worker_station']).toEqual([]);
    expect(byId['stations-convenience_station']?.map((f) => f.properties.id)).toEqual(['s4']);
  });

  it('keeps the same data arrays across rebuilds, so deck.gl does not recompute', () => {
    const again = stationLayers(stations);
    expect(again[0]?.props.data).toBe(layers[0]?.props.data);
    expect(stationsByKind(stations)).toBe(stationsByKind(stations));
  });

  it('hides only the kinds switched off', () => {
    expect(layers.map((layer) => layer.props.visible)).toEqual([true, true, true, false]);
  });

  it('draws active stations in their kind colour and others hollow grey', () => {
    const rider = layers[0]!;
    const [active, suspended] = stations.features;
    expect(access(rider, 'getFillColor', active)).toEqual([...STATION_KIND_COLOURS.rider_station, 235]);
    expect(access(rider, 'getFillColor', suspended)).toEqual(COLOURS.stationInactiveFill);
    expect(access(rider, 'getLineColor', suspended)).toEqual(COLOURS.stationInactiveLine);
    expect(access(rider, 'getPosition', active)).toEqual([106.6, 26.6]);
    expect(stationFillColour({ kind: 'convenience_station', status: 'planned' })).toEqual(COLOURS.stationInactiveFill);
    expect(stationLineColour({ status: 'active' })).toEqual(COLOURS.stationActiveLine);
  });

  it('maps layer ids back to kinds', () => {
    for (const kind of STATION_KINDS) expect(stationKindOfLayer(stationLayerId(kind))).toBe(kind);
    expect(stationKindOfLayer('grids')).toBeNull();
    expect(stationKindOfLayer('stations-unknown')).toBeNull();
  });
});

describe('coverageLayers', () => {
  const coverage = deepFreeze({
    circles: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [ring(106.6, 26.6)] },
          properties: { stationId: 's1', name: '驿站 s1', kind: 'rider_station' },
        },
      ],
    },
    reach: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'MultiPolygon', coordinates: [[ring(106.6, 26.6)], [ring(106.62, 26.6)]] },
          properties: { minutes: 15 },
        },
      ],
    },
    gaps: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [ring(106.7, 26.7)] },
          properties: { area_m2: 120_000, population: 350 },
        },
      ],
    },
  } satisfies Pick<CoverageResponse, 'circles' | 'reach' | 'gaps'>);

  const byId = (layers: Layer[], id: string) => layers.find((layer) => layer.id === id);

  it('draws the reached area under the circles (neither pickable), and gaps (pickable) on top', () => {
    const layers = coverageLayers(coverage);
    expect(layers.map((layer) => layer.id)).toEqual(['coverage-reach', 'coverage-circles', 'coverage-gaps']);
    const [reach, circles, gaps] = layers;
    expect(reach?.props.pickable).toBe(false);
    expect(reach?.props.data).toBe(coverage.reach.features);
    expect(access(reach!, 'getFillColor', coverage.reach.features[0])).toEqual(COLOURS.coverageReachFill);
    expect(circles?.props.pickable).toBe(false);
    expect(circles?.props.data).toBe(coverage.circles.features);
    expect(gaps?.props.pickable).toBe(true);
    expect(gaps?.props.data).toBe(coverage.gaps.features);
    expect(access(gaps!, 'getFillColor', coverage.gaps.features[0])).toEqual(COLOURS.gapFill);
  });

  it('draws a network answer (no circles) from its reach alone', () => {
    const network = { ...coverage, circles: { type: 'FeatureCollection' as const, features: [] } };
    const layers = coverageLayers(network);
    expect(byId(layers, 'coverage-circles')?.props.data).toEqual([]);
    expect(byId(layers, 'coverage-reach')?.props.data).toHaveLength(1);
  });

  it('draws no reach for an answer without one', () => {
    const { circles, gaps } = coverage;
    expect(byId(coverageLayers({ circles, gaps }), 'coverage-reach')?.props.data).toEqual([]);
  });

  it('toggles reach, circles and gaps separately', () => {
    const layers = coverageLayers(coverage, { showCircles: false });
    expect(byId(layers, 'coverage-circles')?.props.visible).toBe(false);
    expect(byId(layers, 'coverage-reach')?.props.visible).toBe(true);
    expect(byId(layers, 'coverage-gaps')?.props.visible).toBe(true);
    const hidden = coverageLayers(coverage, { showReach: false });
    expect(byId(hidden, 'coverage-reach')?.props.visible).toBe(false);
    expect(byId(hidden, 'coverage-circles')?.props.visible).toBe(true);
  });
});

describe('nearestStationLayers', () => {
  const nearest: Feature<Point, NearestStationProps>[] = deepFreeze([
    {
      ...station('s1', 'rider_station', 'active', 106.6),
      properties: { ...station('s1', 'rider_station', 'active', 106.6).properties, distance_m: 120, straight_m: 120 },
    },
    {
      ...station('s4', 'convenience_station', 'active', 106.63),
      properties: {
        ...station('s4', 'convenience_station', 'active', 106.63).properties,
        distance_m: 2400,
        straight_m: 2400,
      },
    },
  ]);
  const origin = { lng: 106.605, lat: 26.605 };

  it('links the clicked point to every station', () => {
    const [links, rings] = nearestStationLayers(nearest, origin);
    expect(links?.id).toBe('nearest-links');
    expect(links?.props.data).toHaveLength(2);
    expect(access(links!, 'getSourcePosition', nearest[0])).toEqual([106.605, 26.605]);
    expect(access(links!, 'getTargetPosition', nearest[1])).toEqual([106.63, 26.6]);
    expect(rings?.id).toBe('nearest-stations');
    expect(rings?.props.pickable).toBe(false);
  });

  it('marks the clicked point', () => {
    const [marker] = herePointLayers(origin);
    expect(marker?.id).toBe('here-point');
    expect(access(marker!, 'getPosition', origin)).toEqual([106.605, 26.605]);
  });
});

describe('labels', () => {
  // An L-shaped community whose centre of mass lies outside it, plus a small island.
  const lShape = [
    [106.6, 26.6],
    [106.64, 26.6],
    [106.64, 26.605],
    [106.605, 26.605],
    [106.605, 26.64],
    [106.6, 26.64],
    [106.6, 26.6],
  ];
  const communities: RegionCollection = deepFreeze({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates: [[ring(106.7, 26.7, 0.001)], [lShape]] },
        properties: {
          id: 7,
          parentId: 2,
          level: 'community',
          code: '520115001007',
          name: '碧海社区',
          area_m2: 1,
          population: 1,
        },
      },
    ],
  });

  it('puts each label inside the largest polygon of its region', () => {
    const [point] = regionLabelPoints(communities);
    expect(point?.id).toBe(7);
    expect(point?.text).toBe('碧海社区');
    const [lng, lat] = point!.position;
    expect(lng).toBeGreaterThanOrEqual(106.6);
    expect(lng).toBeLessThanOrEqual(106.64);
    const insideFoot = lat <= 26.605;
    const insideStem = lng <= 106.605;
    expect(insideFoot || insideStem).toBe(true);
  });

  it('shows community names only when zoomed in, with CJK-capable text settings', () => {
    const points = regionLabelPoints(communities);
    const [communityOut, subdistrict] = labelLayers(points, points, { zoom: COMMUNITY_LABEL_MIN_ZOOM - 1 });
    expect(communityOut?.id).toBe('labels-community');
    expect(communityOut?.props.visible).toBe(false);
    expect(subdistrict?.id).toBe('labels-subdistrict');
    expect(subdistrict?.props.visible).toBe(true);
    const props = subdistrict?.props as unknown as Record<string, unknown>;
    expect(props.characterSet).toBe('auto');
    expect(String(props.fontFamily)).toContain('Noto Sans CJK SC');
    expect(String(props.fontFamily)).toContain('Microsoft YaHei');
    expect(access(subdistrict!, 'getText', points[0])).toBe('碧海社区');
    const [communityIn] = labelLayers(points, points, { zoom: COMMUNITY_LABEL_MIN_ZOOM });
    expect(communityIn?.props.visible).toBe(true);
    const [hidden, hiddenToo] = labelLayers(points, points, { zoom: 16, visible: false });
    expect([hidden?.props.visible, hiddenToo?.props.visible]).toEqual([false, false]);
  });
});

describe('selectionLayers', () => {
  it('is empty without a selection', () => {
    expect(selectionLayers(null)).toEqual([]);
  });
  it('rings a point and outlines a polygon, under different ids', () => {
    expect(selectionLayers(stations.features[0]!).map((layer) => layer.id)).toEqual(['selection-point']);
    expect(selectionLayers(grids.features[0]!).map((layer) => layer.id)).toEqual(['selection-shape']);
  });
});

describe('cssColour', () => {
  it('converts deck colours for legend swatches', () => {
    expect(cssColour([220, 38, 38])).toBe('rgba(220, 38, 38, 1)');
    expect(cssColour([0, 0, 0, 51])).toBe('rgba(0, 0, 0, 0.2)');
    expect(cssColour([1, 2, 3, 255], 0.5)).toBe('rgba(1, 2, 3, 0.5)');
  });
});
