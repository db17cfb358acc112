/** The GeoJSON reader: the three shapes files come in, and a bad feature in the middle. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGeojsonText } from '../../server/src/import/parse-geojson';
import { ImportInputError } from '../../server/src/import/types';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');
const square = {
  type: 'Polygon',
  coordinates: [
    [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
    ],
  ],
};

describe('parseGeojsonText', () => {
  it('reads a bare array of features, dropping elevations', () => {
    const parsed = parseGeojsonText(fixture('bare-array.geojson'));
    expect(parsed.features.map((f) => f.properties['名称'])).toEqual(['甲站', '乙站']);
    expect(parsed.features[1]!.geometry).toEqual({ type: 'Point', coordinates: [106.61, 26.61] });
    expect(parsed.fields).toEqual(['名称', '类型']);
    expect(parsed.notes).toContain('a bare array of 2 features');
  });

  it('reads one Feature, and one bare geometry, as one feature each', () => {
    const one = parseGeojsonText(JSON.stringify({ type: 'Feature', properties: { name: 'a' }, geometry: square }));
    expect(one.features).toHaveLength(1);
    expect(one.features[0]!.properties).toEqual({ name: 'a' });
    const bare = parseGeojsonText(JSON.stringify(square));
    expect(bare.features[0]!.geometry).toEqual(square);
  });

  it('keeps every feature of a file with bad ones in the middle, each bad one with its problem', () => {
    const parsed = parseGeojsonText(fixture('bad-middle.geojson'));
    expect(parsed.features.map((f) => f.number)).toEqual([1, 2, 3, 4]);
    expect(parsed.features.map((f) => f.problem === undefined)).toEqual([true, false, false, true]);
    expect(parsed.features[1]!.problem).toMatch(/coordinate is not a number/);
    // 106.6 as a latitude: swapped axes, said so.
    expect(parsed.features[2]!.problem).toMatch(
      /\(26\.6, 106\.602\) is not a longitude and latitude: are longitude and latitude swapped/,
    );
    expect(parsed.features[2]!.properties).toEqual({ name: '第3网格', code: '520115001001003' });
    // The good ones read as they are.
    expect(parsed.features[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [106.6, 26.6],
          [106.601, 26.6],
          [106.601, 26.601],
          [106.6, 26.6],
        ],
      ],
    });
  });

  it('closes rings left open and says how many', () => {
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
        ],
      ],
    };
    const parsed = parseGeojsonText(
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: open }] }),
    );
    expect(parsed.features[0]!.geometry).toEqual(square);
    expect(parsed.notes).toContain('closed 1 ring left open');
  });

  it('takes projected metres for what they are, with a hint', () => {
    const projected = { type: 'Point', coordinates: [36_500_123.4, 2_945_678.1] };
    const parsed = parseGeojsonText(JSON.stringify([{ type: 'Feature', properties: {}, geometry: projected }]));
    expect(parsed.features[0]!.problem).toMatch(/metres in a projected system; reproject/);
  });

  it('hints GCJ-02 for DataV outlines and for its own GCJ-02 exports', () => {
    const datav = parseGeojsonText(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { adcode: 520115, name: '观山湖区', center: [106.6, 26.6] },
            geometry: square,
          },
        ],
      }),
    );
    expect(datav.crsHint?.crs).toBe('gcj02');
    const exported = parseGeojsonText(
      JSON.stringify({ type: 'FeatureCollection', coordinate_system: 'BD-09', features: [] }),
    );
    expect(exported.crsHint?.crs).toBe('bd09');
    expect(parseGeojsonText(JSON.stringify({ type: 'FeatureCollection', features: [] })).crsHint).toBeUndefined();
  });

  it('refuses what is not GeoJSON, or declares a projected system, saying so', () => {
    expect(() => parseGeojsonText('{ nope')).toThrow(ImportInputError);
    expect(() => parseGeojsonText('{"foo": 1}')).toThrow(/not GeoJSON/);
    expect(() =>
      parseGeojsonText(
        JSON.stringify({
          type: 'FeatureCollection',
          crs: { type: 'name', properties: { name: 'EPSG:3857' } },
          features: [],
        }),
      ),
    ).toThrow(/EPSG:3857; reproject/);
  });
});
