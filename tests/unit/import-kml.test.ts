/** The KML reader: folders kept per feature, ExtendedData as properties, open rings closed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKmlText, parseKmz } from '../../server/src/import/parse-kml';
import { recognizeFields } from '../../server/src/import/fields';
import { readRecords } from '../../server/src/import/records';
import { zip } from '../../server/src/export/zip';
import { ImportInputError } from '../../server/src/import/types';

const text = readFileSync(new URL('../fixtures/import/folders.kml', import.meta.url), 'utf8');

describe('parseKmlText', () => {
  it('reads every placemark with the folders it sits in', () => {
    const parsed = parseKmlText(text);
    expect(parsed.features.map((f) => [f.properties.name, f.folders])).toEqual([
      ['六砂社区第1网格', ['宾阳街道', '六砂社区']],
      ['六砂社区第2网格', ['宾阳街道', '六砂社区']],
      ['碧雅社区第1网格', ['宾阳街道', '碧雅社区']],
      ['未归档', []],
    ]);
    expect(parsed.notes[0]).toBe('folders: 宾阳街道; 宾阳街道 / 六砂社区; 宾阳街道 / 碧雅社区');
  });

  it('takes ExtendedData as properties and leaves style out', () => {
    const [first] = parseKmlText(text).features;
    expect(first!.properties).toMatchObject({ name: '六砂社区第1网格', 网格编码: '520115001001001', 户数: '730' });
    expect(first!.properties).not.toHaveProperty('styleUrl');
  });

  it('gives an open ring back closed, keeps holes, and reads a MultiGeometry of polygons', () => {
    const [first, second, third] = parseKmlText(text).features;
    expect(first!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [106.6, 26.6],
          [106.601, 26.6],
          [106.601, 26.601],
          [106.6, 26.601],
          [106.6, 26.6],
        ],
      ],
    });
    expect(second!.geometry?.type).toBe('Polygon');
    expect((second!.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
    expect(third!.geometry?.type).toBe('GeometryCollection');
  });

  it('reads a KMZ (a zip whose doc.kml is the document)', () => {
    const kmz = zip([{ name: 'doc.kml', data: Buffer.from(text, 'utf8') }]);
    expect(parseKmz(kmz).features).toHaveLength(4);
  });

  it('refuses XML that is not KML', () => {
    expect(() => parseKmlText('<html><body/></html>')).toThrow(ImportInputError);
    expect(() => parseKmlText('<kml><Document><Placemark></Document>')).toThrow(/not valid KML/);
  });

  it("takes a grid's innermost folder as its community, unless a field names one", () => {
    const parsed = parseKmlText(text);
    const { mapping } = recognizeFields('grids', parsed.fields);
    const read = readRecords('grids', parsed.features, mapping);
    expect(read.records.map((r) => [r.name, r.communityRef, r.households])).toEqual([
      ['六砂社区第1网格', '六砂社区', 730],
      ['六砂社区第2网格', '六砂社区', 410],
      ['碧雅社区第1网格', '碧雅社区', 0],
    ]);
    // The point at the top level is no grid.
    expect(read.problems.map((p) => [p.number, p.rule])).toEqual([[4, 'geometry_type']]);
  });
});
