/**
 * Which of a file's fields hold which of the layer's attributes. Without a mapping the usual names
 * are recognised: DataV's `adcode` and `name`, the English names the export writes (so an export
 * reads back as it was), and the Chinese headers of 网格 spreadsheets (编码, 名称, 户数, 人口, 网格员,
 * 电话 …). A `--field target=source` mapping wins over any guess. Names are compared without case,
 * spaces, underscores or hyphens.
 */
import type { ImportLayer } from './types';

export const normalizeKey = (key: string) => key.toLowerCase().replace(/[\s_\-.()（）]/g, '');

/** Each attribute of each layer, with the field names it goes by, the likeliest first. */
export const LAYER_FIELDS: Record<ImportLayer, Record<string, string[]>> = {
  regions: {
    code: [
      'code',
      'adcode',
      'region_code',
      '区划代码',
      '统计用区划代码',
      '行政区划代码',
      '行政代码',
      '编码',
      '代码',
      'gb',
      'xzqdm',
      'dm',
    ],
    name: ['name', 'region_name', '名称', '区划名称', '行政区名称', '社区名称', '街道名称', '名字', 'xzqmc', 'mc'],
    level: ['level', '级别', '层级', '类型'],
    parent: ['parent', 'parent_code', 'parentcode', '上级代码', '上级编码', '上级区划代码', '所属区划'],
  },
  grids: {
    code: ['code', 'grid_code', 'gridcode', '网格编码', '网格代码', '网格编号', '编码', '代码', '编号'],
    name: ['name', 'grid_name', '网格名称', '网格名', '名称', '名字'],
    community: [
      'community',
      'community_code',
      'comm_code',
      '社区编码',
      '社区代码',
      '所属社区编码',
      '所属社区',
      '社区',
      '村社区',
      'comm_name',
      'community_name',
      '社区名称',
    ],
    kind: ['kind', 'grid_kind', 'type', '网格类型', '类型', '类别'],
    households: ['households', 'household', 'hh', '户数', '总户数', '住户数', '户'],
    population: ['population', 'pop', 'residents', '人口', '人口数', '常住人口', '总人口', '人数'],
    workerName: ['worker', 'worker_name', 'workername', '网格员', '网格员姓名', '专职网格员', '网格长', '负责人'],
    workerPhone: [
      'phone',
      'worker_phone',
      'workerphone',
      'tel',
      '电话',
      '联系电话',
      '网格员电话',
      '手机',
      '手机号',
      '手机号码',
    ],
  },
  zones: {
    name: ['name', 'zone_name', '责任区名称', '责任区域', '责任区', '名称', '名字'],
    unit: ['unit', 'responsible_unit', '包保单位', '责任单位', '包联单位', '单位'],
    grid: ['grid', 'grid_code', 'gridcode', '网格编码', '所属网格编码', '所属网格', '网格代码', '网格'],
    community: ['community', 'community_code', '社区编码', '社区代码', '所属社区', '社区'],
  },
  stations: {
    name: ['name', 'station_name', '名称', '驿站名称', '站点名称', '服务站名称', '名字'],
    kind: ['kind', 'type', 'station_kind', '类型', '驿站类型', '站点类型', '类别'],
    address: ['address', 'addr', '地址', '详细地址', '位置'],
    amenities: ['amenities', 'services', 'facilities', '服务', '服务内容', '设施', '服务项目', '配套设施'],
    openingHours: ['opening_hours', 'openinghours', 'hours', '开放时间', '营业时间', '服务时间', '开放时段'],
    operator: ['operator', '运营单位', '管理单位', '主办单位', '运营方', '建设单位'],
    phone: ['phone', 'tel', 'contact', '电话', '联系电话', '联系方式'],
    status: ['status', '状态', '运营状态'],
    community: ['community', 'community_code', '社区编码', '社区代码', '所属社区', '社区'],
  },
  demand: {
    kind: ['kind', 'type', '类型', '类别'],
    weight: ['weight', 'persons', 'people', 'population', 'count', '人数', '人口', '权重', '数量'],
  },
};

/** Targets a CSV reader takes (geometry columns) beside the layer's attributes. */
export const GEOMETRY_TARGETS = ['lng', 'lat', 'wkt'] as const;

export type FieldMapping = Record<string, string | undefined>;

export type FieldReport = {
  mapping: FieldMapping;
  /** `target ← source`, with how it was chosen. */
  used: { target: string; source: string; how: 'given' | 'recognised' }[];
  /** Fields of the file no attribute takes. */
  unused: string[];
};

/**
 * Matches a layer's attributes to a file's fields. `given` (`target → source`) is taken as it is;
 * each field feeds at most one attribute.
 */
export function recognizeFields(layer: ImportLayer, fields: string[], given: FieldMapping = {}): FieldReport {
  const spec = LAYER_FIELDS[layer];
  const mapping: FieldMapping = {};
  const used: FieldReport['used'] = [];
  const taken = new Set<string>();
  for (const [target, source] of Object.entries(given)) {
    if (!(target in spec) || source === undefined) continue;
    mapping[target] = source;
    taken.add(source);
    used.push({ target, source, how: 'given' });
  }
  const byKey = new Map<string, string>();
  for (const field of fields) if (!byKey.has(normalizeKey(field))) byKey.set(normalizeKey(field), field);
  for (const [target, names] of Object.entries(spec)) {
    if (target in mapping) continue;
    for (const name of names) {
      const field = byKey.get(normalizeKey(name));
      if (field !== undefined && !taken.has(field)) {
        mapping[target] = field;
        taken.add(field);
        used.push({ target, source: field, how: 'recognised' });
        break;
      }
    }
  }
  return { mapping, used, unused: fields.filter((f) => !taken.has(f)) };
}

/** Problems with a `--field` mapping, for the usage message: unknown targets, fields not in the file. */
export function mappingProblems(layer: ImportLayer, fields: string[], given: FieldMapping): string[] {
  const spec = LAYER_FIELDS[layer];
  const problems: string[] = [];
  for (const [target, source] of Object.entries(given)) {
    if ((GEOMETRY_TARGETS as readonly string[]).includes(target)) continue;
    if (!(target in spec)) {
      problems.push(
        `--field ${target}=…: ${layer} have no attribute ${target}; they have ${Object.keys(spec).join(', ')}`,
      );
    } else if (source !== undefined && !fields.includes(source)) {
      problems.push(
        `--field ${target}=${source}: the file has no field "${source}"; its fields are ${fields.join(', ') || '(none)'}`,
      );
    }
  }
  return problems;
}
