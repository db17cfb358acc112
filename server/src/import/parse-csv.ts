/**
 * CSV with longitude/latitude columns or a WKT column, read with papaparse. Spreadsheets saved by
 * Excel on Chinese Windows are GBK, not UTF-8: bytes that are not valid UTF-8 are read as GBK.
 * Feature n is data row n (line n + 1, after the header).
 */
import Papa from 'papaparse';
import { wktToGeoJSON } from 'betterknown';
import { checkGeometry } from './geometry';
import { normalizeKey } from './fields';
import { ImportInputError, type ParsedFile, type SourceFeature } from './types';

const LNG_NAMES = ['lng', 'lon', 'long', 'longitude', 'x', '经度', 'jd', 'point_x'];
const LAT_NAMES = ['lat', 'latitude', 'y', '纬度', 'wd', 'point_y'];
const WKT_NAMES = ['wkt', 'geometry', 'geom', 'the_geom', 'shape', '几何', '坐标串'];

export type CsvOptions = { lngField?: string; latField?: string; wktField?: string };

/** Bytes as text: UTF-8 (BOM dropped) when valid, otherwise GBK. */
export function decodeText(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
  }
}

function findColumn(columns: string[], explicit: string | undefined, names: string[], what: string) {
  if (explicit !== undefined) {
    if (!columns.includes(explicit)) {
      throw new ImportInputError(`no column "${explicit}" for the ${what}; the columns are ${columns.join(', ')}`);
    }
    return explicit;
  }
  for (const name of names) {
    const found = columns.find((c) => normalizeKey(c) === normalizeKey(name));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A number as a spreadsheet writes it ("106.63", " 106.63 "), or NaN. */
const toNumber = (value: unknown) =>
  typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(value) ? Number(value) : Number.NaN;

export function parseCsvBytes(bytes: Buffer, options: CsvOptions = {}): ParsedFile {
  const { text, encoding } = decodeText(bytes);
  const result = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
  });
  const columns = result.meta.fields ?? [];
  if (!columns.length) throw new ImportInputError('the CSV has no header row');
  const fatal = result.errors.find((e) => e.type === 'Delimiter');
  if (fatal && columns.length < 2) throw new ImportInputError(`cannot read the CSV: ${fatal.message}`);

  const wkt = findColumn(columns, options.wktField, WKT_NAMES, 'WKT geometry');
  const lng = wkt ? undefined : findColumn(columns, options.lngField, LNG_NAMES, 'longitude');
  const lat = wkt ? undefined : findColumn(columns, options.latField, LAT_NAMES, 'latitude');
  if (!wkt && (!lng || !lat)) {
    throw new ImportInputError(
      `no geometry columns: name them lng and lat (or 经度 and 纬度), or give a WKT column (wkt), or say which with --field lng=<column> --field lat=<column> (the columns are ${columns.join(', ')})`,
    );
  }
  const geometryColumns = new Set([wkt, lng, lat].filter((c): c is string => c !== undefined));
  const rowErrors = new Map<number, string>();
  for (const error of result.errors) {
    if (typeof error.row === 'number' && error.type !== 'Delimiter') rowErrors.set(error.row, error.message);
  }

  let closed = 0;
  const features: SourceFeature[] = result.data.map((row, i) => {
    const number = i + 1;
    const properties: Record<string, unknown> = {};
    for (const column of columns) {
      if (geometryColumns.has(column)) continue;
      const value = row[column];
      properties[column] = value === undefined || value.trim() === '' ? null : value.trim();
    }
    const rowError = rowErrors.get(i);
    if (rowError) return { number, geometry: null, properties, problem: `line ${number + 1}: ${rowError}` };
    let geometry: unknown;
    if (wkt) {
      const source = row[wkt]?.trim() ?? '';
      if (!source)
        return { number, geometry: null, properties, problem: `line ${number + 1}: the ${wkt} column is empty` };
      try {
        geometry = wktToGeoJSON(source);
      } catch (error) {
        return {
          number,
          geometry: null,
          properties,
          problem: `line ${number + 1}: the WKT does not parse (${(error as Error).message.split('\n')[0]})`,
        };
      }
      if (!geometry) return { number, geometry: null, properties, problem: `line ${number + 1}: an EMPTY geometry` };
    } else {
      const x = toNumber(row[lng!]);
      const y = toNumber(row[lat!]);
      if (Number.isNaN(x) || Number.isNaN(y)) {
        return {
          number,
          geometry: null,
          properties,
          problem: `line ${number + 1}: ${lng} "${row[lng!] ?? ''}" and ${lat} "${row[lat!] ?? ''}" are not both numbers`,
        };
      }
      geometry = { type: 'Point', coordinates: [x, y] };
    }
    const checked = checkGeometry(geometry);
    if ('problem' in checked)
      return { number, geometry: null, properties, problem: `line ${number + 1}: ${checked.problem}` };
    closed += checked.closedRings;
    return { number, geometry: checked.geometry, properties };
  });
  const notes = [
    `${encoding.toUpperCase()} text`,
    wkt ? `geometry from column ${wkt} (WKT)` : `points from columns ${lng} (longitude) and ${lat} (latitude)`,
  ];
  if (closed) notes.push(`closed ${closed} ring${closed === 1 ? '' : 's'} left open`);
  return {
    format: 'csv',
    features,
    fields: columns.filter((c) => !geometryColumns.has(c)),
    notes,
  };
}
