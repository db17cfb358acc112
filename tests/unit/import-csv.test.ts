/** The CSV reader: a WKT column, lng/lat columns, GBK spreadsheets, bad rows kept with their line. */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseCsvBytes } from '../../server/src/import/parse-csv';
import { ImportInputError } from '../../server/src/import/types';

const wkt = readFileSync(new URL('../fixtures/import/wkt.csv', import.meta.url));

describe('parseCsvBytes', () => {
  it('reads a WKT column, keeping a row whose WKT does not parse with its line number', () => {
    const parsed = parseCsvBytes(wkt);
    expect(parsed.fields).toEqual(['名称', '编码', '户数']);
    expect(parsed.notes).toContain('geometry from column WKT (WKT)');
    expect(parsed.features.map((f) => f.properties['名称'])).toEqual(['第1网格', '第2网格', '第3网格', '第4网格']);
    expect(parsed.features[0]!.geometry).toEqual({
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
    expect(parsed.features[1]!.geometry?.type).toBe('MultiPolygon');
    expect(parsed.features[2]!.problem).toMatch(/^line 4: the WKT does not parse/);
    // An empty cell is null, not "".
    expect(parsed.features[3]!.properties['户数']).toBeNull();
    expect(parsed.features[3]!.problem).toBeUndefined();
  });

  it('reads 经度/纬度 columns from a GBK spreadsheet (as Excel saves it on Chinese Windows)', () => {
    const text =
      '名称,经度,纬度,类型\r\n六砂社区党群服务中心,106.677,26.620,党群服务中心\r\n坏行,106.68,北纬26度,骑手驿站\r\n';
    const parsed = parseCsvBytes(iconv.encode(text, 'gbk'));
    expect(parsed.notes).toEqual(['GBK text', 'points from columns 经度 (longitude) and 纬度 (latitude)']);
    expect(parsed.fields).toEqual(['名称', '类型']);
    expect(parsed.features[0]).toMatchObject({
      number: 1,
      geometry: { type: 'Point', coordinates: [106.677, 26.62] },
      properties: { 名称: '六砂社区党群服务中心', 类型: '党群服务中心' },
    });
    expect(parsed.features[1]!.problem).toBe('line 3: 经度 "106.68" and 纬度 "北纬26度" are not both numbers');
  });

  it('takes the columns it is told (--field lng=… lat=…), and refuses names that are not there', () => {
    const text = 'name,东经,北纬\na,106.6,26.6\n';
    expect(() => parseCsvBytes(Buffer.from(text))).toThrow(/no geometry columns/);
    const parsed = parseCsvBytes(Buffer.from(text), { lngField: '东经', latField: '北纬' });
    expect(parsed.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [106.6, 26.6] });
    expect(() => parseCsvBytes(Buffer.from(text), { wktField: 'shape' })).toThrow(ImportInputError);
  });

  it('drops a UTF-8 BOM from the first header', () => {
    const parsed = parseCsvBytes(Buffer.from('\uFEFFname,lng,lat\na,1,2\n'));
    expect(parsed.fields).toEqual(['name']);
    expect(parsed.notes[0]).toBe('UTF-8 text');
  });
});
