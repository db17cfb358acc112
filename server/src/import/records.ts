/**
 * A file's features read into one layer's records, through the field mapping: text, numbers and
 * the words Chinese files use for kinds, levels and states turned into the database's values. Each
 * feature that cannot become a record gets a problem naming it; the import then refuses the file
 * (nothing is written unless all of it goes in).
 */
import type { MultiPolygon } from 'geojson';
import {
  AMENITIES,
  type Amenity,
  type RegionLevel,
  STATION_KINDS,
  STATION_STATUSES,
  type StationKind,
  type StationStatus,
} from '../contracts/enums';
import { openingHoursError } from '../services/opening-hours';
import { normalizeGridCode, normalizeRegionCode, parseLevel } from './codes';
import type { FieldMapping } from './fields';
import { asMultiPolygon, asPoint } from './geometry';
import type { FeatureProblem, ImportLayer, SourceFeature } from './types';

type Base = { number: number; label: string };

export type RegionRecord = Base & {
  code: string | null;
  level: RegionLevel | null;
  name: string;
  parentCode: string | null;
  geometry: MultiPolygon;
};
export type GridRecord = Base & {
  code: string | null;
  name: string | null;
  communityRef: string | null;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  workerName: string | null;
  workerPhone: string | null;
  geometry: MultiPolygon;
};
export type ZoneRecord = Base & {
  name: string;
  unit: string;
  gridRef: string | null;
  communityRef: string | null;
  geometry: MultiPolygon;
};
export type StationRecord = Base & {
  name: string;
  kind: StationKind;
  address: string;
  amenities: Amenity[];
  openingHours: string;
  operator: string;
  phone: string;
  status: StationStatus;
  communityRef: string | null;
  lng: number;
  lat: number;
};
export type DemandRecord = Base & { kind: 'household' | 'worker'; weight: number; lng: number; lat: number };

export type LayerRecords = {
  regions: RegionRecord;
  grids: GridRecord;
  zones: ZoneRecord;
  stations: StationRecord;
  demand: DemandRecord;
};

export type ReadOptions = {
  /** --level: every region in the file is of this level. */
  level?: RegionLevel;
};

export type ReadResult<L extends ImportLayer> = {
  records: LayerRecords[L][];
  problems: FeatureProblem[];
  /** Defaults taken and values left out, counted, for the summary. */
  notes: string[];
};

/** Text as stored: trimmed, numbers written out, empty as null. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'object') {
    // DataV's `parent` is `{ adcode: 520100 }`.
    const adcode = (value as { adcode?: unknown }).adcode;
    return adcode === undefined ? null : text(adcode);
  }
  const s = String(value).trim();
  return s === '' ? null : s;
}

class BadValue extends Error {}

/** A whole number ≥ 0 from a number or a numeric string ("730", "730.0", "1,079"); null when empty. */
function count(value: unknown, what: string): number | null {
  const s = text(value);
  if (s === null) return null;
  const n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n))
    throw new BadValue(`${what} "${s}" is not a whole number ≥ 0`);
  if (n > 2_147_483_647) throw new BadValue(`${what} ${s} is too large`);
  return n;
}

function nonNegative(value: unknown, what: string): number | null {
  const s = text(value);
  if (s === null) return null;
  const n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new BadValue(`${what} "${s}" is not a number ≥ 0`);
  return n;
}

function gridKind(value: unknown): 'basic' | 'dedicated' {
  const s = text(value);
  if (s === null) return 'basic';
  const v = s.toLowerCase();
  if (v === 'basic' || s.includes('基础') || s === '一般网格' || s === '全科网格') return 'basic';
  if (v === 'dedicated' || s.includes('专属') || s.includes('专业')) return 'dedicated';
  throw new BadValue(`kind "${s}" is neither basic (基础网格) nor dedicated (专属网格)`);
}

function stationKind(value: unknown, tally: Map<string, number>): StationKind {
  const s = text(value);
  if (s === null) {
    tally.set('no kind: taken as rider_station', (tally.get('no kind: taken as rider_station') ?? 0) + 1);
    return 'rider_station';
  }
  if ((STATION_KINDS as readonly string[]).includes(s)) return s as StationKind;
  if (s.includes('户外劳动者')) return 'outdoor_worker_station';
  if (s.includes('党群')) return 'party_service_centre';
  if (s.includes('便民')) return 'convenience_station';
  if (/骑手|驿站|小蜜蜂|红·?暖|快递|外卖/.test(s)) return 'rider_station';
  throw new BadValue(
    `kind "${s}" is not a station kind (${STATION_KINDS.join(', ')}, or 骑手驿站, 户外劳动者服务站, 党群服务中心, 便民服务站)`,
  );
}

function stationStatus(value: unknown): StationStatus {
  const s = text(value);
  if (s === null) return 'active';
  if ((STATION_STATUSES as readonly string[]).includes(s)) return s as StationStatus;
  if (/运营|正常|开放|启用|在用/.test(s)) return 'active';
  if (/暂停|关闭|停用|歇业/.test(s)) return 'suspended';
  if (/规划|筹建|在建|拟建/.test(s)) return 'planned';
  throw new BadValue(`status "${s}" is not one of ${STATION_STATUSES.join(', ')} (运营, 暂停, 规划)`);
}

/** The Chinese words station lists use for each amenity. */
const AMENITY_WORDS: [RegExp, Amenity][] = [
  [/电动车|电瓶车|电单车/, 'ebike_charging'],
  [/充电/, 'charging'],
  [/饮水|热水|喝水|茶水|饮用水/, 'water'],
  [/微波炉|加热/, 'microwave'],
  [/厕所|卫生间|洗手间/, 'toilet'],
  [/纳凉|降温|空调|防暑/, 'cooling'],
  [/取暖|暖气|御寒/, 'heating'],
  [/休息|歇脚|座椅/, 'rest'],
  [/阅读|图书|书籍|读书/, 'reading'],
  [/急救|药箱|医药/, 'first_aid'],
  [/打气|充气/, 'tyre_inflation'],
  [/热饭|用餐|餐|饭/, 'meals'],
  [/wifi|无线|网络/i, 'wifi'],
];

function amenities(value: unknown, unknown: Map<string, number>): Amenity[] {
  if (Array.isArray(value)) return amenities(value.join(';'), unknown);
  const s = text(value);
  if (s === null) return [];
  const out = new Set<Amenity>();
  for (const item of s
    .split(/[;,，；、|/]+|\s+/)
    .map((i) => i.trim())
    .filter(Boolean)) {
    if ((AMENITIES as readonly string[]).includes(item)) {
      out.add(item as Amenity);
      continue;
    }
    const match = AMENITY_WORDS.find(([pattern]) => pattern.test(item));
    if (match) out.add(match[1]);
    else unknown.set(item, (unknown.get(item) ?? 0) + 1);
  }
  return [...out].sort((a, b) => AMENITIES.indexOf(a) - AMENITIES.indexOf(b));
}

function openingHours(value: unknown): string {
  const s = text(value);
  if (s === null || /^(全天|24小时|24h|24 ?hours|全天候|24\/7)$/i.test(s)) return '24/7';
  const error = openingHoursError(s);
  if (error)
    throw new BadValue(
      `opening hours "${s}" are not OpenStreetMap opening_hours syntax (${error}); e.g. "Mo-Su 08:00-22:00"`,
    );
  return s;
}

function demandKind(value: unknown): 'household' | 'worker' {
  const s = text(value);
  if (s === null) return 'household';
  if (s === 'household' || /居民|住户|户籍|家庭|人口/.test(s)) return 'household';
  if (s === 'worker' || /骑手|快递|外卖|劳动者|工作者|从业/.test(s)) return 'worker';
  throw new BadValue(`kind "${s}" is neither household (居民) nor worker (骑手, 快递员, 户外劳动者)`);
}

const labelOf = (name: string | null, code: string | null) => [name, code].filter(Boolean).join(', ');

/** Reads one layer's records from a file's features. */
export function readRecords<L extends ImportLayer>(
  layer: L,
  features: SourceFeature[],
  mapping: FieldMapping,
  options: ReadOptions = {},
): ReadResult<L> {
  const records: LayerRecords[ImportLayer][] = [];
  const problems: FeatureProblem[] = [];
  const tally = new Map<string, number>();
  const unknownAmenities = new Map<string, number>();
  const note = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
  const get = (f: SourceFeature, target: string) => {
    const field = mapping[target];
    return field === undefined ? undefined : f.properties[field];
  };

  for (const feature of features) {
    const name = text(get(feature, 'name'));
    const rawCode = text(get(feature, 'code'));
    const label = labelOf(name, rawCode);
    const problem = (rule: string, message: string) => problems.push({ number: feature.number, label, rule, message });
    if (feature.problem || !feature.geometry) {
      problem('unreadable', feature.problem ?? 'the feature has no geometry');
      continue;
    }
    try {
      if (layer === 'regions' || layer === 'grids' || layer === 'zones') {
        const multi = asMultiPolygon(feature.geometry);
        if ('problem' in multi) {
          problem('geometry_type', multi.problem);
          continue;
        }
        if (layer === 'regions') {
          let code: string | null = null;
          let level = options.level ?? parseLevel(get(feature, 'level'));
          if (rawCode !== null) {
            const normal = normalizeRegionCode(rawCode);
            if ('problem' in normal) throw new BadValue(normal.problem);
            code = normal.code;
            if (level && level !== normal.level) {
              throw new BadValue(`code ${rawCode} names a ${normal.level}, but the feature is a ${level}`);
            }
            level = normal.level;
          }
          if (!name) throw new BadValue('no name (give a name field, or --name-field)');
          const rawParent = text(get(feature, 'parent'));
          let parentCode: string | null = null;
          if (rawParent !== null) {
            const normal = normalizeRegionCode(rawParent);
            if ('problem' in normal) throw new BadValue(`parent ${normal.problem}`);
            parentCode = normal.code;
          }
          records.push({ number: feature.number, label, code, level, name, parentCode, geometry: multi });
        } else if (layer === 'grids') {
          let code: string | null = null;
          if (rawCode !== null) {
            const normal = normalizeGridCode(rawCode);
            if ('problem' in normal) throw new BadValue(normal.problem);
            code = normal.code;
          }
          const households = count(get(feature, 'households'), 'households');
          const population = count(get(feature, 'population'), 'population');
          if (households === null) note('no households: taken as 0');
          if (population === null) note('no population: taken as 0');
          records.push({
            number: feature.number,
            label,
            code,
            name,
            // A KML file often files each community's grids in a folder named after it.
            communityRef: text(get(feature, 'community')) ?? feature.folders?.at(-1) ?? null,
            kind: gridKind(get(feature, 'kind')),
            households: households ?? 0,
            population: population ?? 0,
            workerName: text(get(feature, 'workerName')),
            workerPhone: text(get(feature, 'workerPhone')),
            geometry: multi,
          });
        } else {
          if (!name) throw new BadValue('no name (give a name field, or --name-field)');
          const unit = text(get(feature, 'unit'));
          if (!unit) note('no responsible unit (包保单位): left empty');
          records.push({
            number: feature.number,
            label,
            name,
            unit: unit ?? '',
            gridRef: text(get(feature, 'grid')),
            communityRef: text(get(feature, 'community')),
            geometry: multi,
          });
        }
      } else {
        const point = asPoint(feature.geometry);
        if ('problem' in point) {
          problem('geometry_type', point.problem);
          continue;
        }
        const [lng, lat] = point.coordinates as [number, number];
        if (layer === 'stations') {
          if (!name) throw new BadValue('no name (give a name field, or --name-field)');
          records.push({
            number: feature.number,
            label,
            name,
            kind: stationKind(get(feature, 'kind'), tally),
            address: text(get(feature, 'address')) ?? '',
            amenities: amenities(get(feature, 'amenities'), unknownAmenities),
            openingHours: openingHours(get(feature, 'openingHours')),
            operator: text(get(feature, 'operator')) ?? '',
            phone: text(get(feature, 'phone')) ?? '',
            status: stationStatus(get(feature, 'status')),
            communityRef: text(get(feature, 'community')),
            lng,
            lat,
          });
        } else {
          const weight = nonNegative(get(feature, 'weight'), 'weight');
          if (weight === null) note('no weight: taken as 1');
          records.push({
            number: feature.number,
            label,
            kind: demandKind(get(feature, 'kind')),
            weight: weight ?? 1,
            lng,
            lat,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof BadValue)) throw error;
      problem('bad_value', error.message);
    }
  }
  const notes = [...tally.entries()].map(([what, n]) => `${n} feature${n === 1 ? '' : 's'} with ${what}`);
  if (unknownAmenities.size) {
    notes.push(
      `amenities not recognised and left out: ${[...unknownAmenities.entries()]
        .map(([word, n]) => `${word} (${n})`)
        .join(', ')}`,
    );
  }
  return { records: records as LayerRecords[L][], problems, notes };
}
