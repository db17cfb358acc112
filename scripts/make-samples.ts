/**
 * `npm run samples`: writes the sample import files in data/samples/ from the demo city: the
 * district, one subdistrict (宾阳街道) with its communities, their grids, zones and stations, in
 * the shapes a county's files arrive in:
 *  - gcj02/*.geojson: GCJ-02 coordinates (as from 高德 or DataV), Chinese field names; the regions
 *    carry DataV's adcode/name/level/parent, the zones are a bare array of features;
 *  - shapefile/*.zip: zipped Shapefiles in WGS84 with a GBK .dbf and a .cpg saying so, Chinese
 *    field names (at most 5 characters: a .dbf field name is 10 bytes);
 *  - stations.csv: the stations as a spreadsheet (经度/纬度 in GCJ-02, UTF-8 with a BOM).
 * The output is the same every time (no dates from the clock), so the files are committed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, Geometry } from 'geojson';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import * as prettier from 'prettier';
import { ensureDemoCity } from '../data/src/ensure';
import type { DemoCity } from '../server/src/services/demo-city.types';
import { fromWgs84, mapPositions, roundPositions } from '../server/src/import/crs';
import { type DbfField, zipShapefile } from '../server/src/export/write-shapefile';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'samples');
const SUBDISTRICT = '520115001';
const FIXED_DATE = new Date(2026, 0, 1);

const KIND_WORDS: Record<string, string> = {
  rider_station: '骑手驿站',
  outdoor_worker_station: '户外劳动者服务站',
  party_service_centre: '党群服务中心',
  convenience_station: '便民服务站',
};
const STATUS_WORDS: Record<string, string> = { active: '运营', suspended: '暂停', planned: '规划' };
const AMENITY_WORDS: Record<string, string> = {
  water: '饮水',
  charging: '手机充电',
  ebike_charging: '电动车充电',
  microwave: '微波炉',
  toilet: '卫生间',
  cooling: '纳凉',
  heating: '取暖',
  rest: '休息',
  reading: '阅读',
  first_aid: '急救药箱',
  tyre_inflation: '打气',
  meals: '热饭',
  wifi: 'WiFi',
};
const LEVEL_WORDS: Record<string, string> = { district: 'district', subdistrict: 'street', community: 'community' };

const toGcj = (g: Geometry) => roundPositions(mapPositions(g, fromWgs84('gcj02')), 8);
const toWgs = (g: Geometry) => roundPositions(g, 8);
const collection = (features: Feature[]) => ({ type: 'FeatureCollection', features });

/** JSON as the repository's Prettier formats it (`npm run format` checks these files too). */
async function writeJson(path: string, value: unknown) {
  const options = (await prettier.resolveConfig(path)) ?? {};
  await writeFile(path, await prettier.format(JSON.stringify(value), { ...options, parser: 'json' }));
}

async function main() {
  const city = JSON.parse(await readFile(await ensureDemoCity(), 'utf8')) as DemoCity;
  const regions = city.regions.features.filter(
    (f) =>
      f.properties.code === SUBDISTRICT.slice(0, 6) ||
      f.properties.code === SUBDISTRICT ||
      f.properties.parentCode === SUBDISTRICT,
  );
  const communities = new Set(regions.filter((f) => f.properties.level === 'community').map((f) => f.properties.code));
  const grids = city.grids.features.filter((f) => communities.has(f.properties.communityCode));
  const zones = city.zones.features.filter((f) => communities.has(f.properties.communityCode));
  const stations = city.stations.features.filter(
    (f) => f.properties.communityCode && communities.has(f.properties.communityCode),
  );

  const regionProps = (f: (typeof regions)[number]) => ({
    adcode: f.properties.code,
    name: f.properties.name,
    level: LEVEL_WORDS[f.properties.level],
    parent: f.properties.parentCode ? { adcode: f.properties.parentCode } : null,
  });
  const gridProps = (f: (typeof grids)[number]) => ({
    网格编码: f.properties.code,
    网格名称: f.properties.name,
    所属社区: f.properties.communityCode,
    网格类型: f.properties.kind === 'dedicated' ? '专属网格' : '基础网格',
    户数: f.properties.households,
    人口: f.properties.population,
    网格员: f.properties.workerName,
    电话: f.properties.workerPhone,
  });
  const zoneProps = (f: (typeof zones)[number]) => ({
    名称: f.properties.name,
    包保单位: f.properties.unit,
    所属网格: f.properties.gridCode,
  });
  const stationProps = (f: (typeof stations)[number]) => ({
    名称: f.properties.name,
    类型: KIND_WORDS[f.properties.kind],
    地址: f.properties.address,
    服务: f.properties.amenities.map((a) => AMENITY_WORDS[a]).join('、'),
    开放时间: f.properties.openingHours,
    运营单位: f.properties.operator,
    联系电话: f.properties.phone,
    状态: STATUS_WORDS[f.properties.status],
  });

  await mkdir(join(OUT, 'gcj02'), { recursive: true });
  await mkdir(join(OUT, 'shapefile'), { recursive: true });
  const feature = (geometry: Geometry, properties: Record<string, unknown>): Feature => ({
    type: 'Feature',
    geometry,
    properties,
  });
  await writeJson(
    join(OUT, 'gcj02', 'regions.geojson'),
    collection(regions.map((f) => feature(toGcj(f.geometry), regionProps(f)))),
  );
  await writeJson(
    join(OUT, 'gcj02', 'grids.geojson'),
    collection(grids.map((f) => feature(toGcj(f.geometry), gridProps(f)))),
  );
  // A bare array of features, as some tools write.
  await writeJson(
    join(OUT, 'gcj02', 'zones.geojson'),
    zones.map((f) => feature(toGcj(f.geometry), zoneProps(f))),
  );
  await writeJson(
    join(OUT, 'gcj02', 'stations.geojson'),
    collection(stations.map((f) => feature(toGcj(f.geometry), stationProps(f)))),
  );

  const gbk = { encode: (text: string) => iconv.encode(text, 'gbk'), cpg: 'GBK', ldid: 0x4d, date: FIXED_DATE };
  const text = (...names: string[]): DbfField[] => names.map((name) => ({ name, type: 'text' }));
  const shapefiles: [string, DbfField[], { geometry: Geometry; properties: Record<string, unknown> }[]][] = [
    [
      'regions',
      [...text('区划代码', '名称', '级别')],
      regions.map((f) => ({
        geometry: toWgs(f.geometry),
        properties: {
          区划代码: f.properties.code,
          名称: f.properties.name,
          级别: { district: '区县', subdistrict: '街道', community: '社区' }[f.properties.level],
        },
      })),
    ],
    [
      'grids',
      [
        ...text('网格编码', '网格名称', '所属社区', '网格类型'),
        { name: '户数', type: 'int' },
        { name: '人口', type: 'int' },
        ...text('网格员', '电话'),
      ],
      grids.map((f) => ({ geometry: toWgs(f.geometry), properties: gridProps(f) })),
    ],
    [
      'zones',
      text('名称', '包保单位', '所属网格'),
      zones.map((f) => ({ geometry: toWgs(f.geometry), properties: zoneProps(f) })),
    ],
    [
      'stations',
      text('名称', '类型', '地址', '服务', '开放时间', '运营单位', '联系电话', '状态'),
      stations.map((f) => ({ geometry: toWgs(f.geometry), properties: stationProps(f) })),
    ],
  ];
  for (const [name, fields, records] of shapefiles) {
    const { zip, truncated } = zipShapefile(name, fields, records, gbk);
    if (truncated) throw new Error(`${name}: ${truncated} values too long for the .dbf`);
    await writeFile(join(OUT, 'shapefile', `${name}.zip`), zip);
  }

  const rows = stations.map((f) => {
    const [lng, lat] =
      toGcj(f.geometry).type === 'Point' ? (toGcj(f.geometry) as { coordinates: number[] }).coordinates : [];
    const p = stationProps(f);
    return {
      名称: p.名称,
      类型: p.类型,
      地址: p.地址,
      经度: lng,
      纬度: lat,
      服务: p.服务,
      开放时间: p.开放时间,
      联系电话: p.联系电话,
      状态: p.状态,
    };
  });
  await writeFile(join(OUT, 'stations.csv'), `\uFEFF${Papa.unparse(rows, { newline: '\r\n' })}\r\n`);
  console.log(
    `samples: ${regions.length} regions, ${grids.length} grids, ${zones.length} zones, ${stations.length} stations → ${OUT}`,
  );
}

await main();
