/**
 * The road import's pure parts (server/src/roads-import): tag mapping, oneway rules, noding,
 * coordinate checks, components, and the three parsers on tiny inputs.
 */
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeComponents, dropIslands } from '../../server/src/roads-import/components';
import {
  NodeStore,
  nodeRoads,
  onewayFromTags,
  type ParsedRoads,
  roadClass,
  roadName,
  type RoadSegment,
  RoadsInputError,
  wayFromTags,
} from '../../server/src/roads-import/normalize';
import { parseGeojson } from '../../server/src/roads-import/parse-geojson';
import { parseOsmPbf } from '../../server/src/roads-import/parse-osm-pbf';
import { parseOsmXml } from '../../server/src/roads-import/parse-osm-xml';
import { encodeOsmPbf, readOsmXml } from '../fixtures/roads-import/make-pbf';

const SMALL_OSM = fileURLToPath(new URL('../fixtures/roads-import/small.osm', import.meta.url));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Nodes by id and ways as `[tags, nodeIds]`, the way a parser would hand them over. */
function roads(nodes: Record<number, [number, number]>, ways: [Record<string, string>, number[]][]): ParsedRoads {
  const store = new NodeStore();
  for (const [id, [lng, lat]] of Object.entries(nodes)) store.set(Number(id), lng, lat);
  const parsed = ways.map(([tags, ids]) => wayFromTags(tags, ids)).filter((w) => w !== null);
  return { nodes: store, ways: deepFreeze(parsed), skippedFeatures: 0 };
}

const segment = (coordinates: [number, number][], cls: RoadSegment['class'] = 'residential'): RoadSegment => ({
  class: cls,
  name: null,
  oneway: false,
  coordinates,
});

describe('tag mapping', () => {
  it('keeps road classes, maps aliases and drops what is not a road', () => {
    for (const tag of [
      'motorway',
      'trunk_link',
      'primary',
      'residential',
      'living_street',
      'footway',
      'steps',
      'track',
    ]) {
      expect(roadClass(tag)).toBe(tag);
    }
    expect(roadClass('road')).toBe('unclassified');
    expect(roadClass('bridleway')).toBe('path');
    for (const tag of ['proposed', 'construction', 'platform', 'raceway', 'bus_stop', 'elevator', 'corridor', 'x']) {
      expect(roadClass(tag)).toBeNull();
    }
  });

  it('prefers name:zh over name, keeps name alone, and treats blanks as no name', () => {
    expect(roadName({ name: 'Zhonghua Road', 'name:zh': '中华路' })).toBe('中华路');
    expect(roadName({ name: 'Zhonghua Road' })).toBe('Zhonghua Road');
    expect(roadName({ 'name:zh': '中华路' })).toBe('中华路');
    expect(roadName({ name: ' ', 'name:zh': '' })).toBeNull();
    expect(roadName({})).toBeNull();
  });

  it('reads oneway like OSM: yes/true/1, -1 reversed, no; roundabouts and motorways imply it', () => {
    expect(['yes', 'true', '1'].map((oneway) => onewayFromTags({ oneway }))).toEqual(['forward', 'forward', 'forward']);
    expect(onewayFromTags({ oneway: '-1' })).toBe('reverse');
    expect(onewayFromTags({ oneway: 'no' })).toBe('no');
    expect(onewayFromTags({ highway: 'residential' })).toBe('no');
    expect(onewayFromTags({ highway: 'residential', junction: 'roundabout' })).toBe('forward');
    expect(onewayFromTags({ highway: 'primary', junction: 'roundabout', oneway: 'no' })).toBe('no');
    expect(onewayFromTags({ highway: 'motorway' })).toBe('forward');
    expect(onewayFromTags({ highway: 'motorway', oneway: 'no' })).toBe('no');
    expect(onewayFromTags({ highway: 'primary', oneway: 'reversible' })).toBe('no');
  });

  it('skips ways without highway=* and highway areas', () => {
    expect(wayFromTags({ building: 'yes' }, [1, 2])).toBeNull();
    expect(wayFromTags({ highway: 'pedestrian', area: 'yes' }, [1, 2, 3, 1])).toBeNull();
  });
});

describe('noding', () => {
  it('reverses oneway=-1 ways so segments run in the direction of travel', () => {
    const { segments } = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0], 3: [2, 0] }, [[{ highway: 'primary', oneway: '-1' }, [1, 2, 3]]]),
    );
    expect(segments).toEqual([
      {
        class: 'primary',
        name: null,
        oneway: true,
        coordinates: [
          [2, 0],
          [1, 0],
          [0, 0],
        ],
      },
    ]);
  });

  it('marks roundabouts one way without reversing them', () => {
    const { segments } = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0], 3: [1, 1] }, [[{ highway: 'tertiary', junction: 'roundabout' }, [1, 2, 3, 1]]]),
    );
    expect(segments).toHaveLength(1);
    expect(segments[0]!.oneway).toBe(true);
    expect(segments[0]!.coordinates[1]).toEqual([1, 0]);
  });

  it('splits a T-junction into 3 segments at the shared node', () => {
    //  1 ── 2 ── 3
    //       │
    //       4
    const { segments } = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0], 3: [2, 0], 4: [1, -1] }, [
        [{ highway: 'residential' }, [1, 2, 3]],
        [{ highway: 'service' }, [2, 4]],
      ]),
    );
    expect(segments.map((s) => s.coordinates)).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [2, 0],
      ],
      [
        [1, 0],
        [1, -1],
      ],
    ]);
  });

  it('splits an X crossing that shares its middle node into 4 segments, keeping shape vertices', () => {
    const { segments } = nodeRoads(
      roads({ 1: [-2, 0], 2: [-1, 0], 3: [0, 0], 4: [1, 0], 5: [0, -1], 6: [0, 1] }, [
        [{ highway: 'primary' }, [1, 2, 3, 4]],
        [{ highway: 'secondary' }, [5, 3, 6]],
      ]),
    );
    expect(segments).toHaveLength(4);
    expect(segments[0]!.coordinates).toEqual([
      [-2, 0],
      [-1, 0],
      [0, 0],
    ]);
    expect(segments.every((s) => s.coordinates.some(([x, y]) => x === 0 && y === 0))).toBe(true);
  });

  it('does not split where two ways only cross without a shared node (a bridge)', () => {
    const { segments } = nodeRoads(
      roads({ 1: [-1, 0], 2: [1, 0], 3: [0, -1], 4: [0, 1] }, [
        [{ highway: 'primary' }, [1, 2]],
        [{ highway: 'primary' }, [3, 4]],
      ]),
    );
    expect(segments).toHaveLength(2);
  });

  it('is idempotent: already noded segments come back unchanged', () => {
    const first = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0], 3: [2, 0], 4: [1, -1] }, [
        [{ highway: 'residential', name: 'A' }, [1, 2, 3]],
        [{ highway: 'service', oneway: 'yes' }, [2, 4]],
      ]),
    ).segments;
    const again = nodeRoads(
      parseGeojson({
        type: 'FeatureCollection',
        features: first.map((s) => ({
          type: 'Feature',
          properties: { class: s.class, name: s.name, oneway: s.oneway },
          geometry: { type: 'LineString', coordinates: s.coordinates },
        })),
      }),
    ).segments;
    expect(again).toEqual(first);
  });

  it('drops degenerate segments and drops repeated points', () => {
    const { segments, report } = nodeRoads(
      roads({ 1: [0, 0], 2: [0, 0], 3: [1, 0], 4: [1, 0] }, [
        [{ highway: 'residential' }, [1, 2]],
        [{ highway: 'residential' }, [2, 3, 4]],
      ]),
    );
    expect(report.degenerateSegments).toBe(1);
    expect(segments.map((s) => s.coordinates)).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
    ]);
  });

  it('reports and skips bad coordinates and missing nodes, splitting the way there', () => {
    const { segments, report } = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0], 3: [200, 0], 4: [2, 0], 5: [3, 0], 6: [4, -95], 7: [Number.NaN, 1] }, [
        [{ highway: 'residential' }, [1, 2, 3, 4, 5, 6]],
        [{ highway: 'residential' }, [5, 99, 7]],
      ]),
    );
    expect(report).toMatchObject({ badCoordinates: 3, missingNodes: 1 });
    expect(segments.map((s) => s.coordinates)).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
      [
        [2, 0],
        [3, 0],
      ],
    ]);
  });

  it('reports ways dropped by tag', () => {
    const { segments, report } = nodeRoads(
      roads({ 1: [0, 0], 2: [1, 0] }, [
        [{ highway: 'construction' }, [1, 2]],
        [{ highway: 'proposed' }, [1, 2]],
        [{ highway: 'construction' }, [1, 2]],
      ]),
    );
    expect(segments).toEqual([]);
    expect(report.droppedByTag).toEqual({ construction: 2, proposed: 1 });
  });

  it('converts GCJ-02 to WGS 84 (a few hundred metres in Guiyang), to 7 decimals', () => {
    const parsed = roads({ 1: [106.63, 26.59], 2: [106.631, 26.59] }, [[{ highway: 'primary' }, [1, 2]]]);
    const [wgs] = nodeRoads(parsed).segments;
    const [gcj] = nodeRoads(parsed, { crs: 'gcj02' }).segments;
    expect(wgs!.coordinates[0]).toEqual([106.63, 26.59]);
    const [lng, lat] = gcj!.coordinates[0]!;
    expect(Math.abs(lng - 106.63) + Math.abs(lat - 26.59)).toBeGreaterThan(0.001);
    expect(Math.abs(lng - 106.63) + Math.abs(lat - 26.59)).toBeLessThan(0.01);
    expect(Math.round(lng * 1e7) / 1e7).toBe(lng);
  });
});

describe('components', () => {
  // A 3-segment chain, a 2-segment chain and a lone segment.
  const segments = deepFreeze([
    segment([
      [0, 0],
      [1, 0],
    ]),
    segment([
      [1, 0],
      [2, 0],
    ]),
    segment([
      [2, 0],
      [2, 1],
      [3, 1],
    ]),
    segment([
      [10, 0],
      [11, 0],
    ]),
    segment([
      [11, 0],
      [12, 0],
    ]),
    segment([
      [20, 0],
      [21, 0],
    ]),
  ]);

  it('counts components by shared endpoints, with the largest share and the small sizes', () => {
    expect(describeComponents(segments)).toEqual({ count: 3, largest: 3, largestShare: 0.5, smallSizes: [2, 1] });
    expect(describeComponents([])).toEqual({ count: 0, largest: 0, largestShare: 1, smallSizes: [] });
  });

  it('drops islands under the threshold and always keeps the largest component', () => {
    const two = dropIslands(segments, 2);
    expect(two).toMatchObject({ droppedComponents: 1, droppedSegments: 1 });
    expect(two.kept).toEqual(segments.slice(0, 5));
    const huge = dropIslands(segments, 100);
    expect(huge).toMatchObject({ droppedComponents: 2, droppedSegments: 3 });
    expect(huge.kept).toEqual(segments.slice(0, 3));
  });
});

describe('GeoJSON parser', () => {
  it('reads LineStrings and MultiLineStrings with our or OSM properties, and skips other geometry', () => {
    const parsed = parseGeojson({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { class: 'primary', name: 'A', oneway: true },
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [1, 0],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { highway: 'residential', name: 'B', 'name:zh': '乙', oneway: '-1' },
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [1, 0],
                [2, 0],
              ],
              [
                [5, 5],
                [6, 6],
              ],
            ],
          },
        },
        { type: 'Feature', properties: { highway: 'bus_stop' }, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
    });
    expect(parsed.skippedFeatures).toBe(1);
    expect(parsed.ways).toEqual([
      { classTag: 'primary', name: 'A', oneway: 'forward', nodeIds: [0, 1] },
      { classTag: 'residential', name: '乙', oneway: 'reverse', nodeIds: [1, 2] },
      { classTag: 'residential', name: '乙', oneway: 'reverse', nodeIds: [3, 4] },
    ]);
  });

  it('rejects JSON that is not GeoJSON', () => {
    expect(() => parseGeojson({ hello: 'world' })).toThrow(RoadsInputError);
  });
});

describe('OSM parsers on small.osm', () => {
  it('reads the highway ways from XML and nodes them', async () => {
    const parsed = await parseOsmXml(SMALL_OSM);
    expect(parsed.ways.map((w) => [w.classTag, w.name, w.oneway])).toEqual([
      ['residential', '中华路', 'no'],
      ['footway', null, 'no'],
      ['tertiary', 'Baiyun Road', 'reverse'],
      ['construction', null, 'no'],
      ['service', 'Back Lane', 'no'],
    ]);
    const { segments, report } = nodeRoads(parsed);
    expect(report).toEqual({
      waysRead: 5,
      droppedByTag: { construction: 1 },
      badCoordinates: 0,
      missingNodes: 0,
      degenerateSegments: 0,
    });
    // Way 101 is cut at node 2, where the footway starts.
    expect(segments.map((s) => s.class)).toEqual(['residential', 'residential', 'footway', 'tertiary', 'service']);
    expect(segments[3]).toEqual({
      class: 'tertiary',
      name: 'Baiyun Road',
      oneway: true,
      coordinates: [
        [106.633, 26.5915],
        [106.6325, 26.591],
        [106.632, 26.59],
      ],
    });
    expect(describeComponents(segments).count).toBe(1);
  });

  it('reads the same ways and coordinates from PBF, fed in awkward chunks', async () => {
    const pbf = encodeOsmPbf(readOsmXml(SMALL_OSM));
    const [fromXml, fromPbf] = await Promise.all([
      parseOsmXml(SMALL_OSM),
      parseOsmPbf(Readable.from([pbf.subarray(0, 3), pbf.subarray(3, 50), pbf.subarray(50)])),
    ]);
    expect(fromPbf.ways).toEqual(fromXml.ways);
    expect(fromPbf.nodes.size).toBe(fromXml.nodes.size);
    for (let id = 1; id <= 10; id++) {
      const [lng, lat] = fromPbf.nodes.get(id)!;
      expect(lng).toBeCloseTo(fromXml.nodes.get(id)![0], 9);
      expect(lat).toBeCloseTo(fromXml.nodes.get(id)![1], 9);
    }
    expect(nodeRoads(fromPbf).segments).toEqual(nodeRoads(fromXml).segments);
  });

  it('rejects malformed XML and non-PBF bytes with an input error', async () => {
    await expect(parseOsmXml(Readable.from(['<osm><node id="1"></osm>']))).rejects.toThrow(RoadsInputError);
    await expect(parseOsmPbf(Readable.from([Buffer.from('<?xml version="1.0"?><osm/>')]))).rejects.toThrow(
      /not a valid OSM PBF file/,
    );
  });
});
