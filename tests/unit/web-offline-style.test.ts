import { describe, expect, it } from 'vitest';
import type { BasemapCollection, RegionCollection, RegionProps } from '../../server/src/contracts';
import { boundaryLayers, buildOfflineStyle } from '../../web/src/lib/map/offline-style';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

const square = (x: number, y: number, size = 0.01) => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];

const region = (
  props: Partial<RegionProps> & Pick<RegionProps, 'id' | 'level' | 'name'>,
): RegionCollection['features'][number] => ({
  type: 'Feature',
  geometry: { type: 'MultiPolygon', coordinates: [square(106.6, 26.6)] },
  properties: { parentId: null, code: '520115', area_m2: 1e6, population: 1000, ...props },
});

const basemap: BasemapCollection = deepFreeze({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [106.6, 26.6],
          [106.61, 26.61],
        ],
      },
      properties: { layer: 'road', class: 'primary', name: '长岭南路' },
    },
    {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: square(106.62, 26.62) },
      properties: { layer: 'water', kind: 'lake', name: '观山湖' },
    },
    {
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [106.6, 26.62],
          [106.63, 26.6],
        ],
      },
      properties: { layer: 'water', kind: 'river', name: null },
    },
  ],
});

const regions = deepFreeze({
  district: { type: 'FeatureCollection', features: [region({ id: 1, level: 'district', name: '观山湖区' })] },
  subdistrict: {
    type: 'FeatureCollection',
    features: [region({ id: 2, parentId: 1, level: 'subdistrict', name: '金华园街道', code: '520115001' })],
  },
  community: {
    type: 'FeatureCollection',
    features: [region({ id: 3, parentId: 2, level: 'community', name: '碧海社区', code: '520115001001' })],
  },
} satisfies Record<string, RegionCollection>);

describe('buildOfflineStyle', () => {
  const style = buildOfflineStyle(basemap, regions);
  const json = JSON.stringify(style);

  it('contains no remote URL of any kind', () => {
    expect(json).not.toMatch(/https?:/i);
    expect(json).not.toMatch(/mapbox:|pmtiles:|\{z\}/i);
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
  });

  it('inlines every source as GeoJSON data, never a URL', () => {
    for (const [id, source] of Object.entries(style.sources)) {
      expect(source.type, id).toBe('geojson');
      expect(typeof (source as { data: unknown }).data, id).toBe('object');
      expect(source, id).not.toHaveProperty('url');
      expect(source, id).not.toHaveProperty('tiles');
    }
    expect(Object.keys(style.sources).sort()).toEqual([
      'basemap',
      'regions-community',
      'regions-district',
      'regions-subdistrict',
    ]);
  });

  it('has no symbol layers, since there are no glyphs', () => {
    expect(style.layers.filter((layer) => layer.type === 'symbol')).toEqual([]);
  });

  it('draws land, water, roads and the three boundary levels', () => {
    const ids = style.layers.map((layer) => layer.id);
    expect(ids[0]).toBe('background');
    expect(ids).toEqual(
      expect.arrayContaining([
        'water-lake',
        'water-river',
        'road',
        'road-casing',
        'boundary-district',
        'boundary-subdistrict',
        'boundary-community',
      ]),
    );
    // Boundaries above roads, district on top.
    expect(ids.indexOf('boundary-district')).toBeGreaterThan(ids.indexOf('road'));
    expect(ids.at(-1)).toBe('boundary-district');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('dashes the subdistrict boundary only', () => {
    const byId = Object.fromEntries(boundaryLayers().map((layer) => [layer.id, layer]));
    expect(byId['boundary-subdistrict']).toHaveProperty(['paint', 'line-dasharray']);
    expect(byId['boundary-district']).not.toHaveProperty(['paint', 'line-dasharray']);
    expect(byId['boundary-community']).not.toHaveProperty(['paint', 'line-dasharray']);
  });

  it('is valid JSON that round-trips', () => {
    expect(JSON.parse(json)).toEqual(style);
  });
});
