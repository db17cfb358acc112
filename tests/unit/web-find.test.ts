import { describe, expect, it } from 'vitest';
import type { Amenity, NearestStationProps, StationCollection } from '../../server/src/contracts';
import { findBounds, findMapData } from '../../web/src/lib/find/find-layers';
import type { FindFeature } from '../../web/src/lib/find/find-types';
import { mergeRanked } from '../../web/src/lib/find/merge-results';
import { amenityQueries, meetsNeeds } from '../../web/src/lib/find/needs';
import { offlineNearest } from '../../web/src/lib/find/offline-nearest';
import { changeTime, fetchedAtText, openingText } from '../../web/src/lib/find/opening-text';
import { searchPlaces, type Place } from '../../web/src/lib/find/place-search';
import { basemapBbox, coversWithMargin } from '../../web/src/lib/find/basemap-area';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const props = (id: string, extra: Partial<NearestStationProps> = {}): NearestStationProps => ({
  id,
  kind: 'rider_station',
  name: `站${id}`,
  address: '',
  amenities: [],
  openingHours: '24/7',
  openNow: true,
  openState: { open: true, nextChange: null },
  operator: '',
  phone: '',
  status: 'active',
  communityId: null,
  version: 1,
  distance_m: 0,
  straight_m: 0,
  ...extra,
});
const feature = (id: string, lng: number, lat: number, extra: Partial<NearestStationProps> = {}): FindFeature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, lat] },
  properties: props(id, extra),
});

describe('amenityQueries', () => {
  it('asks once with no needs, and once per choice of an "either" need', () => {
    expect(amenityQueries([])).toEqual([[]]);
    expect(amenityQueries(['charging'])).toEqual([['ebike_charging']]);
    expect(amenityQueries(['meal'])).toEqual([['meals'], ['microwave']]);
    expect(amenityQueries(['meal', 'charging', 'toilet'])).toEqual([
      ['ebike_charging', 'meals', 'toilet'],
      ['ebike_charging', 'microwave', 'toilet'],
    ]);
  });
  it('answers exactly the stations meetsNeeds accepts', () => {
    const needs = ['meal', 'water'] as const;
    const all: Amenity[][] = [['meals'], ['microwave', 'water'], ['meals', 'water'], ['water'], []];
    for (const amenities of all) {
      const byQueries = amenityQueries(needs).some((list) => list.every((a) => amenities.includes(a)));
      expect(byQueries).toBe(meetsNeeds(amenities, needs));
    }
  });
});

describe('mergeRanked', () => {
  it('keeps each station once and the best by e-bike time', () => {
    const a = deepFreeze([feature('a', 0, 0, { duration_s: 300 }), feature('b', 0, 0, { duration_s: 500 })]);
    const b = deepFreeze([feature('c', 0, 0, { duration_s: 100 }), feature('a', 0, 0, { duration_s: 300 })]);
    expect(mergeRanked([a, b], 'ebike', 2).map((f) => f.properties.id)).toEqual(['c', 'a']);
  });
  it('ranks straight answers by metres', () => {
    const a = deepFreeze([feature('a', 0, 0, { distance_m: 900 }), feature('b', 0, 0, { distance_m: 100 })]);
    expect(mergeRanked([a], 'straight', 5).map((f) => f.properties.id)).toEqual(['b', 'a']);
  });
});

describe('offlineNearest', () => {
  // Three stations due east of the origin at 0.001°, 0.002° and 0.003° of longitude (~100 m each).
  const origin = { lng: 106.6, lat: 26.6 };
  const stations: StationCollection = deepFreeze({
    type: 'FeatureCollection',
    features: [
      feature('far', 106.603, 26.6, { amenities: ['ebike_charging'] }),
      feature('near-closed', 106.601, 26.6, {
        amenities: ['ebike_charging'],
        openState: { open: false, nextChange: null },
      }),
      feature('mid', 106.602, 26.6, { amenities: ['water'] }),
      feature('planned', 106.6001, 26.6, { status: 'planned' }),
    ],
  });

  it('ranks by straight metres, open ones only when asked, active only', () => {
    const all = offlineNearest(stations, { origin, needs: [], openOnly: false, limit: 5 });
    expect(all.map((f) => f.properties.id)).toEqual(['near-closed', 'mid', 'far']);
    // 0.001° of longitude at 26.6° N on a 6,371 km sphere: 111,195 m × cos(26.6°) / 1000.
    expect(all[0]!.properties.distance_m).toBeCloseTo((111_194.9 * Math.cos((26.6 * Math.PI) / 180)) / 1000, 0);
    expect(all[0]!.properties.straight_m).toBe(all[0]!.properties.distance_m);
    const open = offlineNearest(stations, { origin, needs: [], openOnly: true, limit: 5 });
    expect(open.map((f) => f.properties.id)).toEqual(['mid', 'far']);
  });
  it('applies the needs and the limit', () => {
    const charging = offlineNearest(stations, { origin, needs: ['charging'], openOnly: false, limit: 1 });
    expect(charging.map((f) => f.properties.id)).toEqual(['near-closed']);
  });
});

describe('openingText', () => {
  // 2026-12-02 is a Wednesday; 10:00 Beijing time is 02:00 UTC.
  const now = new Date('2026-12-02T02:00:00Z');
  it('says when an open station closes today, in Beijing time', () => {
    expect(openingText('zh-CN', { open: true, nextChange: '2026-12-02T14:00:00Z' }, now)).toBe('营业中 · 22:00 关门');
    expect(openingText('en', { open: true, nextChange: '2026-12-02T14:00:00Z' }, now)).toBe('Open · closes 22:00');
  });
  it('writes midnight tonight as 24:00, as opening hours do', () => {
    expect(openingText('zh-CN', { open: true, nextChange: '2026-12-02T16:00:00Z' }, now)).toBe('营业中 · 24:00 关门');
  });
  it('names tomorrow, and the weekday further on', () => {
    expect(openingText('zh-CN', { open: false, nextChange: '2026-12-02T22:00:00Z' }, now)).toBe(
      '已关门 · 明天 06:00 开门',
    );
    expect(openingText('zh-CN', { open: false, nextChange: '2026-12-04T00:30:00Z' }, now)).toBe(
      '已关门 · 周五 08:30 开门',
    );
    expect(changeTime('en', new Date('2026-12-04T00:30:00Z'), now)).toBe('Fri 08:30');
  });
  it('uses the Beijing date, not the UTC one, for "today"', () => {
    // 23:30 Beijing on 12-02 is 15:30 UTC; a change at 00:30 Beijing (16:30 UTC) is tomorrow.
    const late = new Date('2026-12-02T15:30:00Z');
    expect(changeTime('zh-CN', new Date('2026-12-02T16:30:00Z'), late)).toBe('明天 00:30');
  });
  it('says so when nothing changes within the week', () => {
    expect(openingText('zh-CN', { open: true, nextChange: null }, now)).toBe('营业中 · 全天开放');
    expect(openingText('zh-CN', { open: false, nextChange: null }, now)).toBe('已关门');
  });
});

describe('fetchedAtText', () => {
  it('gives the Beijing time, with the date when not today', () => {
    const now = new Date('2026-12-02T02:00:00Z');
    expect(fetchedAtText(new Date('2026-12-02T01:05:00Z'), now)).toBe('09:05');
    expect(fetchedAtText(new Date('2026-11-30T13:00:00Z'), now)).toBe('11/30 21:00');
  });
});

describe('searchPlaces', () => {
  const places: Place[] = deepFreeze([
    { kind: 'community', name: '金阳社区', at: { lng: 1, lat: 1 } },
    { kind: 'station', name: '小蜜蜂驿站·金阳公园', at: { lng: 2, lat: 2 } },
    { kind: 'subdistrict', name: '金华园街道', at: { lng: 3, lat: 3 } },
  ]);
  it('matches part of a name, starts first, ignoring separators', () => {
    expect(searchPlaces(places, '金阳').map((p) => p.name)).toEqual(['金阳社区', '小蜜蜂驿站·金阳公园']);
    expect(searchPlaces(places, '驿站金阳').map((p) => p.name)).toEqual(['小蜜蜂驿站·金阳公园']);
    expect(searchPlaces(places, '  ')).toEqual([]);
    expect(searchPlaces(places, '北京')).toEqual([]);
  });
});

describe('findMapData', () => {
  const origin = { lng: 106.6, lat: 26.6 };
  const route = {
    type: 'LineString' as const,
    coordinates: [
      [106.6, 26.6],
      [106.601, 26.601],
      [106.602, 26.6],
    ],
  };
  const features = deepFreeze([
    feature('a', 106.602, 26.6, { route }),
    feature('b', 106.61, 26.61, { openState: { open: false, nextChange: null } }),
  ]);
  it('draws the selected station’s route along the streets', () => {
    const data = findMapData(origin, features, 'a');
    expect(data.route.features).toEqual([
      { type: 'Feature', properties: { kind: 'route', stationId: 'a' }, geometry: route },
    ]);
    expect(data.stations.features.map((f) => [f.properties.id, f.properties.selected, f.properties.open])).toEqual([
      ['a', true, true],
      ['b', false, false],
    ]);
    expect(data.rider.features[0]!.geometry.coordinates).toEqual([106.6, 26.6]);
  });
  it('draws a straight line, marked as such, when there is no route', () => {
    const data = findMapData(origin, features, 'b');
    expect(data.route.features[0]!.properties.kind).toBe('straight');
    expect(data.route.features[0]!.geometry.coordinates).toEqual([
      [106.6, 26.6],
      [106.61, 26.61],
    ]);
  });
  it('bounds the rider, the stations and the routes', () => {
    expect(findBounds(origin, features)).toEqual([106.6, 26.6, 106.61, 26.61]);
    expect(findBounds(null, [])).toBeNull();
  });
});

describe('basemapBbox', () => {
  it('asks for the same area after a small move, and again after a big one', () => {
    const area = basemapBbox({ lng: 106.645, lat: 26.61 });
    expect(coversWithMargin(area, { lng: 106.6452, lat: 26.6101 })).toBe(true);
    expect(coversWithMargin(area, { lng: 106.67, lat: 26.61 })).toBe(false);
    expect(area[2] - area[0]).toBeCloseTo(0.06, 6);
  });
});
