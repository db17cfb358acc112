/**
 * Every layer out as a file: GeoJSON, CSV, a zipped Shapefile or KML, in WGS84, GCJ-02 or BD-09
 * (issue 8). Used by `npm run export` and by `GET /api/export/:layer`.
 *
 * The attribute names are the ones the importer recognises (fields.ts), and fit a .dbf's 10 bytes,
 * so an export imports back as it was: export, import into an empty database and export again give
 * the same features (the round trip in tests/api/import.test.ts). Coordinates are written to 8
 * decimals (about 1 mm) after any conversion.
 *
 * Grid workers' names and phones are personal data: they are written only for callers who may see
 * them (maySeePersonalData); for others the columns are left out altogether.
 */
import type { Kysely } from 'kysely';
import Papa from 'papaparse';
import { geoJSONToWkt } from 'betterknown';
import { foldersToKML } from '@placemarkio/tokml';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { ExportCrs, ExportFormat, ExportLayer } from '../contracts/export';
import type { DB } from '../db/schema';
import {
  demandForExport,
  gridsForExport,
  regionsForExport,
  roadsForExport,
  stationsForExport,
  zonesForExport,
} from '../queries/export.queries';
import { type Caller, maySeePersonalData } from '../services/caller';
import { CRS_LABEL, fromWgs84, mapPositions, roundPositions } from '../import/crs';
import { type DbfField, zipShapefile } from './write-shapefile';

export type ExportColumn = DbfField & { personal?: boolean };

/** Each layer's attributes, in file order. */
export const EXPORT_COLUMNS: Record<ExportLayer, ExportColumn[]> = {
  regions: [
    { name: 'code', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'level', type: 'text' },
    { name: 'parent', type: 'text' },
  ],
  grids: [
    { name: 'code', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'community', type: 'text' },
    { name: 'comm_name', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'area_m2', type: 'float' },
    { name: 'households', type: 'int' },
    { name: 'population', type: 'int' },
    { name: 'worker', type: 'text', personal: true },
    { name: 'phone', type: 'text', personal: true },
  ],
  zones: [
    { name: 'name', type: 'text' },
    { name: 'unit', type: 'text' },
    { name: 'grid', type: 'text' },
    { name: 'community', type: 'text' },
  ],
  stations: [
    { name: 'name', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'address', type: 'text' },
    { name: 'amenities', type: 'text' },
    { name: 'hours', type: 'text' },
    { name: 'operator', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'community', type: 'text' },
  ],
  demand: [
    { name: 'kind', type: 'text' },
    { name: 'weight', type: 'float' },
  ],
  roads: [
    { name: 'class', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'oneway', type: 'bool' },
  ],
};

/** Extra CSV columns: the grid table lists each grid's zones with their units. */
const CSV_EXTRA: Partial<Record<ExportLayer, ExportColumn[]>> = { grids: [{ name: 'zones', type: 'text' }] };

type Row = { geometry: Geometry; properties: Record<string, unknown>; group: string };

export type ExportFile = {
  fileName: string;
  contentType: string;
  body: Buffer;
  features: number;
  /** Whether grid workers' names and phones are in it. */
  personalData: boolean;
  notes: string[];
};

const round2 = (x: number) => Math.round(x * 100) / 100;

export function exportService(db: Kysely<DB>, options: { hidePersonalData?: boolean } = {}) {
  async function rowsOf(layer: ExportLayer): Promise<Row[]> {
    switch (layer) {
      case 'regions':
        return (await regionsForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: { code: r.code, name: r.name, level: r.level, parent: r.parent },
          group: r.level,
        }));
      case 'grids':
        return (await gridsForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: {
            code: r.code,
            name: r.name,
            community: r.community,
            comm_name: r.community_name,
            kind: r.kind,
            area_m2: round2(r.area_m2),
            households: r.households,
            population: r.population,
            worker: r.worker_name,
            phone: r.worker_phone,
            zones: r.zones.map((z) => (z.unit ? `${z.name}（${z.unit}）` : z.name)).join('; '),
          },
          group: `${r.community_name} ${r.community}`,
        }));
      case 'zones':
        return (await zonesForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: { name: r.name, unit: r.unit, grid: r.grid, community: r.community },
          group: r.grid ?? `${r.community} (no grid)`,
        }));
      case 'stations':
        return (await stationsForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: {
            name: r.name,
            kind: r.kind,
            address: r.address,
            amenities: r.amenities.join(';'),
            hours: r.opening_hours,
            operator: r.operator,
            phone: r.phone,
            status: r.status,
            community: r.community,
          },
          group: r.kind,
        }));
      case 'demand':
        return (await demandForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: { kind: r.kind, weight: r.weight },
          group: r.kind,
        }));
      case 'roads':
        return (await roadsForExport().execute(db)).rows.map((r) => ({
          geometry: r.geometry,
          properties: { class: r.class, name: r.name, oneway: r.oneway },
          group: r.class,
        }));
    }
  }

  return {
    /** One layer as a file, shaped by who asks. */
    async exportLayer(
      caller: Caller,
      layer: ExportLayer,
      request: { format: ExportFormat; crs: ExportCrs },
    ): Promise<ExportFile> {
      const personal = maySeePersonalData(caller, options.hidePersonalData ?? false);
      const columns = EXPORT_COLUMNS[layer].filter((c) => personal || !c.personal);
      const convert = fromWgs84(request.crs);
      const rows = (await rowsOf(layer)).map((row) => ({
        ...row,
        geometry: roundPositions(request.crs === 'wgs84' ? row.geometry : mapPositions(row.geometry, convert), 8),
      }));
      const hasPersonal = EXPORT_COLUMNS[layer].some((c) => c.personal);
      const notes: string[] = [];
      if (hasPersonal)
        notes.push(
          personal
            ? "includes grid workers' names and phones (personal data)"
            : "grid workers' names and phones left out",
        );
      if (request.crs !== 'wgs84') notes.push(`coordinates in ${CRS_LABEL[request.crs]}`);
      const base = `${layer}${request.crs === 'wgs84' ? '' : `.${request.crs}`}`;
      const pick = (p: Record<string, unknown>, cols: ExportColumn[]) =>
        Object.fromEntries(cols.map((c) => [c.name, p[c.name] ?? null]));
      const result = (fileName: string, contentType: string, body: Buffer): ExportFile => ({
        fileName,
        contentType,
        body,
        features: rows.length,
        personalData: personal && hasPersonal,
        notes,
      });

      switch (request.format) {
        case 'geojson': {
          const collection: FeatureCollection & { coordinate_system?: string } = {
            type: 'FeatureCollection',
            // RFC 7946 allows foreign members; the importer reads this one as a hint.
            ...(request.crs === 'wgs84' ? {} : { coordinate_system: CRS_LABEL[request.crs] }),
            features: rows.map((r): Feature => ({
              type: 'Feature',
              geometry: r.geometry,
              properties: pick(r.properties, columns),
            })),
          };
          return result(`${base}.geojson`, 'application/geo+json', Buffer.from(JSON.stringify(collection)));
        }
        case 'csv': {
          const csvColumns = [...columns, ...(CSV_EXTRA[layer] ?? [])];
          const points = rows.length > 0 && rows.every((r) => r.geometry.type === 'Point');
          const data = rows.map((r) => {
            const values = csvColumns.map((c) => {
              const v = r.properties[c.name];
              return v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
            });
            if (points) {
              const [lng, lat] = (r.geometry as { coordinates: number[] }).coordinates;
              return [...values, lng, lat];
            }
            return [...values, geoJSONToWkt(r.geometry)];
          });
          const header = [...csvColumns.map((c) => c.name), ...(points ? ['lng', 'lat'] : ['wkt'])];
          // The BOM makes Excel read the file as UTF-8 (without it, Chinese text is garbled).
          const text = `\uFEFF${Papa.unparse({ fields: header, data }, { newline: '\r\n' })}\r\n`;
          return result(`${base}.csv`, 'text/csv; charset=utf-8', Buffer.from(text, 'utf8'));
        }
        case 'shp': {
          const readme =
            request.crs === 'wgs84'
              ? undefined
              : `${layer}.shp holds ${CRS_LABEL[request.crs]} coordinates (for 高德/腾讯 or 百度 maps). ${CRS_LABEL[request.crs]} has no EPSG code or .prj of its own, so ${layer}.prj says WGS 84: a GIS will draw the features a few hundred metres off. Import with --crs ${request.crs}.\n`;
          const { zip, truncated } = zipShapefile(
            layer,
            columns,
            rows.map((r) => ({ geometry: r.geometry, properties: r.properties })),
            readme ? { readme } : {},
          );
          if (truncated) notes.push(`${truncated} text values over 254 bytes cut to fit the .dbf`);
          return result(`${base}.zip`, 'application/zip', zip);
        }
        case 'kml': {
          const groups = new Map<string, Feature[]>();
          for (const r of rows) {
            // tokml writes a null as the text "null": leave empty values out.
            const properties = Object.fromEntries(
              Object.entries(pick(r.properties, columns)).filter(([, v]) => v !== null && v !== ''),
            );
            const list = groups.get(r.group) ?? [];
            list.push({ type: 'Feature', geometry: r.geometry, properties });
            groups.set(r.group, list);
          }
          const kml = foldersToKML({
            type: 'root',
            children: [...groups.entries()].map(([name, children]) => ({ type: 'folder', meta: { name }, children })),
          });
          return result(`${base}.kml`, 'application/vnd.google-earth.kml+xml', Buffer.from(kml, 'utf8'));
        }
      }
    },
  };
}

export type ExportService = ReturnType<typeof exportService>;
