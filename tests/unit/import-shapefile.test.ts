/**
 * The Shapefile reader (shpjs under our encoding and projection choices) and the writer the
 * exports and samples use. Text is encoded for the files with iconv-lite and read back with
 * TextDecoder, two independent codecs; one zip comes from @mapbox/shp-write (jszip), a writer that
 * shares no code with ours.
 */
import { readFileSync } from 'node:fs';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import iconv from 'iconv-lite';
import shpwrite from '@mapbox/shp-write';
import { describe, expect, it } from 'vitest';
import { type DbfField, writeDbf, writeShapes, zipShapefile } from '../../server/src/export/write-shapefile';
import { zip } from '../../server/src/export/zip';
import { toWgs84 } from '../../server/src/import/crs';
import {
  decideEncoding,
  encodingFromCpg,
  parseShapefileParts,
  parseShapefileZip,
} from '../../server/src/import/parse-shapefile';
import { parseGeojsonText } from '../../server/src/import/parse-geojson';
import { unzip } from '../../server/src/import/unzip';
import { geodesicDistanceM } from '../support/geodesy';

const gbk = (text: string) => iconv.encode(text, 'gbk');

/** A ring as a set-like key: start at the smallest vertex, run counter-clockwise, so orientation and start don't matter. */
function canonicalRing(ring: Position[]): string {
  const open = ring.slice(0, -1);
  const area = open.reduce((s, p, i) => {
    const q = open[(i + 1) % open.length]!;
    return s + p[0]! * q[1]! - q[0]! * p[1]!;
  }, 0);
  const ccw = area < 0 ? [...open].reverse() : open;
  const start = ccw.reduce(
    (best, p, i) => (p[0]! < ccw[best]![0]! || (p[0] === ccw[best]![0] && p[1]! < ccw[best]![1]!) ? i : best),
    0,
  );
  return JSON.stringify([...ccw.slice(start), ...ccw.slice(0, start)]);
}
const canonical = (g: Geometry | null) => {
  const polygons = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
  return polygons.map((p) => p.map(canonicalRing).sort()).sort();
};

const withHole: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [106.6, 26.6],
      [106.61, 26.6],
      [106.61, 26.61],
      [106.6, 26.61],
      [106.6, 26.6],
    ],
    [
      [106.602, 26.602],
      [106.602, 26.604],
      [106.604, 26.604],
      [106.604, 26.602],
      [106.602, 26.602],
    ],
  ],
};
const twoParts: MultiPolygon = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [106.62, 26.6],
        [106.63, 26.6],
        [106.63, 26.61],
        [106.62, 26.6],
      ],
    ],
    [
      [
        [106.64, 26.6],
        [106.65, 26.6],
        [106.65, 26.61],
        [106.64, 26.6],
      ],
    ],
  ],
};
const FIELDS: DbfField[] = [
  { name: '网格编码', type: 'text' },
  { name: '网格名称', type: 'text' },
  { name: '户数', type: 'int' },
  { name: '面积', type: 'float' },
];
const ROWS = [
  { 网格编码: '520115001001001', 网格名称: '六砂社区第1网格', 户数: 730, 面积: 135288.89 },
  { 网格编码: '520115001001002', 网格名称: '碧雅社区·第2网格（专属）', 户数: null, 面积: 0.5 },
];
const gbkShapefile = (cpg: string | undefined, ldid = 0) => {
  const { shp } = writeShapes([withHole, twoParts]);
  const { dbf } = writeDbf(FIELDS, ROWS, { encode: gbk, ldid });
  return { name: 'grids', shp, dbf, ...(cpg === undefined ? {} : { cpg }) };
};

describe('encodings', () => {
  it('reads the labels Chinese tools write in a .cpg', () => {
    expect(['GBK', 'CP936', '936', 'ANSI 936', 'gb2312'].map(encodingFromCpg)).toEqual([
      'gbk',
      'gbk',
      'gbk',
      'gbk',
      'gbk',
    ]);
    expect(['UTF-8', 'utf8', '65001'].map(encodingFromCpg)).toEqual(['utf-8', 'utf-8', 'utf-8']);
    expect(encodingFromCpg('GB18030')).toBe('gb18030');
    expect(encodingFromCpg('no such thing')).toBeNull();
  });

  it.each([
    ['a .cpg saying GBK', 'GBK', 0, /\.cpg says GBK/],
    ["ArcGIS's .cpg 936", '936', 0, /\.cpg says 936/],
    ['no .cpg, the language driver byte 0x4D', undefined, 0x4d, /language driver/],
    ['no .cpg and no driver byte: not UTF-8, so GBK', undefined, 0, /not UTF-8/],
  ])('reads a GBK .dbf with %s', (_label, cpg, ldid, source) => {
    const parsed = parseShapefileParts(gbkShapefile(cpg, ldid));
    expect(parsed.fields).toEqual(['网格编码', '网格名称', '户数', '面积']);
    expect(parsed.features.map((f) => f.properties)).toEqual([
      { 网格编码: '520115001001001', 网格名称: '六砂社区第1网格', 户数: 730, 面积: 135288.89 },
      // An empty number is null, not NaN.
      { 网格编码: '520115001001002', 网格名称: '碧雅社区·第2网格（专属）', 户数: null, 面积: 0.5 },
    ]);
    expect(parsed.notes.join('\n')).toMatch(source);
    expect(parsed.notes).toContain('no .prj: coordinates taken as longitude/latitude');
  });

  it('decides UTF-8 for text that is valid UTF-8 and has no .cpg', () => {
    const { dbf } = writeDbf([{ name: 'name', type: 'text' }], [{ name: '六砂社区' }]);
    expect(decideEncoding(dbf, undefined).encoding).toBe('utf-8');
  });
});

describe('geometry', () => {
  it('writes outer rings clockwise and holes counter-clockwise, and reads both shapes back', () => {
    const { shp } = writeShapes([withHole, twoParts]);
    // Record 1's first part starts at byte 100 + 8 (record header) + 44 + 4 × 2 parts.
    const view = new DataView(shp.buffer, shp.byteOffset);
    const first = 100 + 8 + 44 + 8;
    const vertex = (k: number) => [view.getFloat64(first + 16 * k, true), view.getFloat64(first + 16 * k + 8, true)];
    const ring = [0, 1, 2, 3, 4].map(vertex);
    const twiceArea = ring.slice(0, -1).reduce((s, p, i) => s + p[0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * p[1]!, 0);
    expect(twiceArea).toBeLessThan(0); // clockwise
    const parsed = parseShapefileParts({ name: 'x', shp });
    expect(canonical(parsed.features[0]!.geometry)).toEqual(canonical(withHole));
    expect(canonical(parsed.features[1]!.geometry)).toEqual(canonical(twoParts));
  });

  it('keeps a null shape in the middle as a feature with a problem', () => {
    const { shp } = writeShapes([withHole, null, twoParts]);
    const parsed = parseShapefileParts({ name: 'x', shp });
    expect(parsed.features.map((f) => f.problem ?? 'ok')).toEqual(['ok', 'a null shape (no geometry)', 'ok']);
  });

  it('unprojects projected coordinates with the .prj (Web Mercator, worked out by hand)', () => {
    const R = 6_378_137;
    const x = (R * 106.63 * Math.PI) / 180;
    const y = R * Math.log(Math.tan(Math.PI / 4 + (26.62 * Math.PI) / 360));
    const { shp } = writeShapes([{ type: 'Point', coordinates: [x, y] }]);
    const prj =
      'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]';
    const parsed = parseShapefileParts({ name: 'x', shp, prj });
    const [lng, lat] = (parsed.features[0]!.geometry as { coordinates: number[] }).coordinates;
    expect(lng).toBeCloseTo(106.63, 9);
    expect(lat).toBeCloseTo(26.62, 9);
    expect(parsed.notes.join('\n')).toMatch(/projected \(WGS_1984_Web_Mercator_Auxiliary_Sphere\)/);
  });
});

describe('zipped Shapefiles', () => {
  it('reads a zip written by @mapbox/shp-write (jszip, deflate)', async () => {
    const collection = {
      type: 'FeatureCollection' as const,
      features: [
        { type: 'Feature' as const, properties: { name: 'Liusha', hh: 730 }, geometry: withHole },
        {
          type: 'Feature' as const,
          properties: { name: 'Biya', hh: 410 },
          geometry: { type: 'Polygon' as const, coordinates: twoParts.coordinates[0]! },
        },
      ],
    };
    const buffer = (await shpwrite.zip(collection, { outputType: 'nodebuffer', compression: 'DEFLATE' })) as Buffer;
    const parsed = parseShapefileZip(buffer);
    expect(parsed.features.map((f) => f.properties.name)).toEqual(['Liusha', 'Biya']);
    expect(parsed.features.map((f) => f.properties.hh)).toEqual([730, 410]);
    expect(canonical(parsed.features[0]!.geometry)).toEqual(canonical(withHole));
  });

  it('refuses a zip of several Shapefiles unless one is named', () => {
    const one = zipShapefile(
      'grids',
      [{ name: 'n', type: 'text' }],
      [{ geometry: withHole, properties: { n: 'a' } }],
    ).zip;
    const entries = unzip(one);
    const both = zip([...entries, ...entries.map((e) => ({ name: e.name.replace('grids', 'zones'), data: e.data }))]);
    expect(() => parseShapefileZip(both)).toThrow(/2 Shapefiles \(grids, zones\); name one with --shapefile/);
    expect(parseShapefileZip(both, { shapefile: 'zones' }).notes[0]).toBe('layer zones');
  });

  it("writes a UTF-8 .cpg and WGS84's .prj, and reads its own zip back", () => {
    const { zip: file } = zipShapefile(
      'grids',
      [
        { name: 'name', type: 'text' },
        { name: 'households', type: 'int' },
      ],
      [{ geometry: twoParts, properties: { name: '虹湖社区第8网格', households: 455 } }],
    );
    const names = unzip(file).map((e) => e.name);
    expect(names).toEqual(['grids.shp', 'grids.shx', 'grids.dbf', 'grids.prj', 'grids.cpg']);
    expect(
      unzip(file)
        .find((e) => e.name === 'grids.cpg')!
        .data.toString(),
    ).toBe('UTF-8');
    const parsed = parseShapefileZip(file);
    expect(parsed.features[0]!.properties).toEqual({ name: '虹湖社区第8网格', households: 455 });
    expect(parsed.notes).toContain('.prj: geographic (GCS_WGS_1984), read as longitude/latitude');
  });
});

describe('the committed samples', () => {
  const sample = (path: string) => readFileSync(new URL(`../../data/samples/${path}`, import.meta.url));

  it('hold the same grids in the GBK Shapefile (WGS84) as in the GCJ-02 GeoJSON', () => {
    const shp = parseShapefileZip(sample('shapefile/grids.zip'));
    const json = parseGeojsonText(sample('gcj02/grids.geojson').toString('utf8'));
    expect(shp.notes).toContain('attributes: GBK (.cpg says GBK)');
    expect(shp.features.length).toBeGreaterThan(10);
    expect(shp.features.map((f) => f.properties)).toEqual(json.features.map((f) => f.properties));
    const fromGcj = toWgs84('gcj02');
    let worst_m = 0;
    for (const [i, feature] of shp.features.entries()) {
      const a = canonical(feature.geometry)
        .flat()
        .map((r) => JSON.parse(r) as Position[]);
      const b = canonical(json.features[i]!.geometry)
        .flat()
        .map((r) => JSON.parse(r) as Position[]);
      expect(a.map((r) => r.length)).toEqual(b.map((r) => r.length));
      a.forEach((ring, r) =>
        ring.forEach((p, k) => {
          const q = b[r]![k]!;
          worst_m = Math.max(worst_m, geodesicDistanceM(p, fromGcj(q[0]!, q[1]!)));
        }),
      );
    }
    // Both are rounded to 8 decimals (about 1 mm) in their own system.
    expect(worst_m).toBeLessThan(0.01);
  });
});
