/** Field recognition, region and grid codes, and reading features into a layer's records. */
import { describe, expect, it } from 'vitest';
import { normalizeGridCode, normalizeRegionCode, parentCodeOf, parseLevel } from '../../server/src/import/codes';
import { mappingProblems, recognizeFields } from '../../server/src/import/fields';
import { readRecords } from '../../server/src/import/records';
import { EXPORT_COLUMNS } from '../../server/src/export/export.service';
import type { SourceFeature } from '../../server/src/import/types';

const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 1],
    ],
  ],
};
const point = { type: 'Point' as const, coordinates: [106.6, 26.6] };
const feature = (
  number: number,
  properties: Record<string, unknown>,
  geometry: SourceFeature['geometry'] = square,
): SourceFeature => ({
  number,
  geometry,
  properties,
});

describe('recognizeFields', () => {
  it("recognises DataV's outline fields", () => {
    const report = recognizeFields('regions', [
      'adcode',
      'name',
      'center',
      'centroid',
      'childrenNum',
      'level',
      'parent',
    ]);
    expect(report.mapping).toMatchObject({ code: 'adcode', name: 'name', level: 'level', parent: 'parent' });
    expect(report.unused).toEqual(['center', 'centroid', 'childrenNum']);
  });

  it('recognises the Chinese headers of a grid spreadsheet, however they are spaced or cased', () => {
    const report = recognizeFields('grids', [
      'OBJECTID',
      '网格编码',
      '网格名称',
      '所属社区',
      '户数',
      '常住人口',
      '网格员',
      '联系电话',
      'Shape_Area',
    ]);
    expect(report.mapping).toEqual({
      code: '网格编码',
      name: '网格名称',
      community: '所属社区',
      households: '户数',
      population: '常住人口',
      workerName: '网格员',
      workerPhone: '联系电话',
    });
    expect(report.unused).toEqual(['OBJECTID', 'Shape_Area']);
    expect(recognizeFields('grids', ['Grid_Code', 'NAME']).mapping).toEqual({ code: 'Grid_Code', name: 'NAME' });
  });

  it('recognises every attribute an export writes, so an export imports back', () => {
    const targets: Record<string, Record<string, string>> = {
      regions: { code: 'code', name: 'name', level: 'level', parent: 'parent' },
      grids: {
        code: 'code',
        name: 'name',
        community: 'community',
        kind: 'kind',
        households: 'households',
        population: 'population',
        workerName: 'worker',
        workerPhone: 'phone',
      },
      zones: { name: 'name', unit: 'unit', grid: 'grid', community: 'community' },
      stations: {
        name: 'name',
        kind: 'kind',
        address: 'address',
        amenities: 'amenities',
        openingHours: 'hours',
        operator: 'operator',
        phone: 'phone',
        status: 'status',
        community: 'community',
      },
      demand: { kind: 'kind', weight: 'weight' },
    };
    for (const [layer, expected] of Object.entries(targets)) {
      const columns = EXPORT_COLUMNS[layer as keyof typeof EXPORT_COLUMNS].map((c) => c.name);
      expect(recognizeFields(layer as 'grids', columns).mapping, layer).toEqual(expected);
    }
  });

  it('takes a given mapping over any guess, and says which were given', () => {
    const report = recognizeFields('grids', ['编码', '备用编码', '户数'], { code: '备用编码' });
    expect(report.mapping.code).toBe('备用编码');
    expect(report.used).toContainEqual({ target: 'code', source: '备用编码', how: 'given' });
    expect(report.used).toContainEqual({ target: 'households', source: '户数', how: 'recognised' });
    expect(report.unused).toEqual(['编码']);
  });

  it('names the mistakes in a mapping', () => {
    expect(mappingProblems('grids', ['户数'], { households: '户口', colour: 'x', lng: '经度' })).toEqual([
      '--field households=户口: the file has no field "户口"; its fields are 户数',
      '--field colour=…: grids have no attribute colour; they have code, name, community, kind, households, population, workerName, workerPhone',
    ]);
  });
});

describe('codes', () => {
  it('reads region codes of 6, 9 and 12 digits, and the 12-digit forms of the upper levels', () => {
    expect(normalizeRegionCode('520115')).toEqual({ code: '520115', level: 'district' });
    expect(normalizeRegionCode(520115)).toEqual({ code: '520115', level: 'district' });
    expect(normalizeRegionCode('520115001')).toEqual({ code: '520115001', level: 'subdistrict' });
    expect(normalizeRegionCode('520115001000')).toEqual({ code: '520115001', level: 'subdistrict' });
    expect(normalizeRegionCode('520115000000')).toEqual({ code: '520115', level: 'district' });
    expect(normalizeRegionCode('520115001002')).toEqual({ code: '520115001002', level: 'community' });
    expect(normalizeRegionCode('52011500')).toMatchObject({ problem: expect.stringMatching(/8 digits/) });
    expect(normalizeRegionCode('990115')).toMatchObject({ problem: expect.stringMatching(/province/) });
    expect(normalizeRegionCode('52-01')).toMatchObject({ problem: expect.stringMatching(/not digits/) });
  });

  it('derives the parent code, and reads the words files use for levels', () => {
    expect([parentCodeOf('520115001002'), parentCodeOf('520115001'), parentCodeOf('520115')]).toEqual([
      '520115001',
      '520115',
      null,
    ]);
    expect(['区', 'street', '街道', '镇', '村', '社区', 'province'].map(parseLevel)).toEqual([
      'district',
      'subdistrict',
      'subdistrict',
      'subdistrict',
      'community',
      'community',
      null,
    ]);
  });

  it('reads grid codes of 15 digits only', () => {
    expect(normalizeGridCode('520115001001001')).toEqual({ code: '520115001001001' });
    expect(normalizeGridCode('52011500100101')).toMatchObject({ problem: expect.stringMatching(/14 digits.*15/) });
  });
});

describe('readRecords', () => {
  it('reads grids, with defaults counted and bad values named per feature', () => {
    const features = [
      feature(1, { 编码: '520115001001001', 名称: '甲', 户数: '1,079', 人口: 2043.0, 类型: '专属网格' }),
      feature(2, { 编码: '520115001001002', 名称: '乙', 户数: 'many' }),
      feature(3, { 名称: '丙' }, point),
      { number: 4, geometry: null, properties: { 名称: '丁' }, problem: 'a null shape (no geometry)' },
    ];
    const { mapping } = recognizeFields('grids', ['编码', '名称', '户数', '人口', '类型']);
    const read = readRecords('grids', features, mapping);
    expect(read.records).toHaveLength(1);
    expect(read.records[0]).toMatchObject({
      code: '520115001001001',
      households: 1079,
      population: 2043,
      kind: 'dedicated',
    });
    expect(read.problems).toEqual([
      {
        number: 2,
        label: '乙, 520115001001002',
        rule: 'bad_value',
        message: 'households "many" is not a whole number ≥ 0',
      },
      { number: 3, label: '丙', rule: 'geometry_type', message: 'a Point where this layer needs polygons' },
      { number: 4, label: '丁', rule: 'unreadable', message: 'a null shape (no geometry)' },
    ]);
  });

  it("reads stations' kinds, amenities, hours and states from Chinese words", () => {
    const { mapping } = recognizeFields('stations', ['名称', '类型', '服务', '开放时间', '状态']);
    const read = readRecords(
      'stations',
      [
        feature(
          1,
          {
            名称: '甲',
            类型: '小蜜蜂驿站',
            服务: '饮水、手机充电、电动车充电、卫生间、按摩椅',
            开放时间: '全天',
            状态: '正常运营',
          },
          point,
        ),
        feature(2, { 名称: '乙', 类型: '党群服务中心', 开放时间: 'Mo-Fr 08:30-17:30', 状态: '筹建中' }, point),
        feature(3, { 名称: '丙', 开放时间: '早八点到晚八点' }, point),
      ],
      mapping,
    );
    expect(read.records.map((r) => [r.kind, r.amenities, r.openingHours, r.status])).toEqual([
      ['rider_station', ['water', 'charging', 'ebike_charging', 'toilet'], '24/7', 'active'],
      ['party_service_centre', [], 'Mo-Fr 08:30-17:30', 'planned'],
    ]);
    expect(read.problems[0]).toMatchObject({ number: 3, rule: 'bad_value' });
    expect(read.problems[0]!.message).toMatch(/not OpenStreetMap opening_hours syntax/);
    expect(read.notes).toContain('amenities not recognised and left out: 按摩椅 (1)');
  });

  it('reads regions: level from the code, a DataV parent object, and a level that disagrees with the code', () => {
    const { mapping } = recognizeFields('regions', ['adcode', 'name', 'parent', 'level']);
    const read = readRecords(
      'regions',
      [
        feature(1, { adcode: 520115001, name: '宾阳街道', parent: { adcode: 520115 } }),
        feature(2, { adcode: '520115001001', name: '六砂社区', level: 'street' }),
      ],
      mapping,
    );
    expect(read.records[0]).toMatchObject({ code: '520115001', level: 'subdistrict', parentCode: '520115' });
    expect(read.problems[0]!.message).toBe('code 520115001001 names a community, but the feature is a subdistrict');
  });
});
