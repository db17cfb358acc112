/**
 * SQL for file exports (issue 8): every row of a layer with the attributes a file carries, in a
 * stable order (so two exports of the same data are the same file), geometry as GeoJSON at full
 * precision (15 decimals; the writers round to 8, about 1 mm, after any conversion: rounding twice,
 * to 9 and then to 8, could land a vertex on the other side of a half). Each returns a builder.
 */
import type { Geometry, LineString, MultiPolygon, Point } from 'geojson';
import { sql } from 'kysely';
import { areaM2, asGeoJsonDecimals, latOf, lngOf, snappedToGrid } from '../db/postgis';

const ref = sql.ref;
const DECIMALS = 15;
/** The grid the files' coordinates are rounded to: 8 decimals of a degree. */
const FILE_GRID_DEG = 1e-8;

export type RegionExportRow = {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  geometry: MultiPolygon;
};

/** `SELECT r.code, r.name, r.level, p.code AS parent, … FROM region r LEFT JOIN region p … ORDER BY length(r.code), r.code` */
export function regionsForExport() {
  return sql<RegionExportRow>`
    SELECT r.code, r.name, r.level, p.code AS parent, ${asGeoJsonDecimals<MultiPolygon>(ref('r.geom'), DECIMALS)} AS geometry
    FROM region r LEFT JOIN region p ON p.id = r.parent_id
    ORDER BY length(r.code), r.code`;
}

export type GridExportRow = {
  code: string;
  name: string;
  community: string;
  community_name: string;
  kind: string;
  area_m2: number;
  households: number;
  population: number;
  worker_name: string | null;
  worker_phone: string | null;
  zones: { name: string; unit: string }[];
  geometry: MultiPolygon;
};

/**
 * Grids with their community, area and zones (name and unit, by name). The area is that of the
 * geometry as the file has it (rounded to 8 decimals), so that a grid imported from the file and
 * exported again reports the same area, not one that differs by the rounding (a tenth of a m²).
 * ```sql
 * SELECT g.code, g.name, c.code, c.name, g.kind, ST_Area(g.geom::geography), …,
 *   (SELECT json_agg(json_build_object('name', z.name, 'unit', z.unit) ORDER BY z.name) FROM zone z WHERE z.grid_id = g.id)
 * FROM grid g JOIN region c ON c.id = g.community_id ORDER BY g.code
 * ```
 */
export function gridsForExport() {
  return sql<GridExportRow>`
    SELECT g.code, g.name, c.code AS community, c.name AS community_name, g.kind,
      ${areaM2(snappedToGrid(ref('g.geom'), FILE_GRID_DEG))} AS area_m2,
      g.households, g.population, g.worker_name, g.worker_phone,
      COALESCE((SELECT json_agg(json_build_object('name', z.name, 'unit', z.unit) ORDER BY z.name, z.id)
        FROM zone z WHERE z.grid_id = g.id), '[]'::json) AS zones,
      ${asGeoJsonDecimals<MultiPolygon>(ref('g.geom'), DECIMALS)} AS geometry
    FROM grid g JOIN region c ON c.id = g.community_id
    ORDER BY g.code`;
}

export type ZoneExportRow = {
  name: string;
  unit: string;
  grid: string | null;
  community: string;
  geometry: MultiPolygon;
};

/** `SELECT z.name, z.unit, g.code AS grid, c.code AS community, … ORDER BY g.code, z.name` */
export function zonesForExport() {
  return sql<ZoneExportRow>`
    SELECT z.name, z.unit, g.code AS grid, c.code AS community,
      ${asGeoJsonDecimals<MultiPolygon>(ref('z.geom'), DECIMALS)} AS geometry
    FROM zone z JOIN region c ON c.id = z.community_id LEFT JOIN grid g ON g.id = z.grid_id
    ORDER BY g.code NULLS LAST, z.name, z.id`;
}

export type StationExportRow = {
  name: string;
  kind: string;
  address: string;
  amenities: string[];
  opening_hours: string;
  operator: string;
  phone: string;
  status: string;
  community: string | null;
  geometry: Point;
};

/** Stations by name, then position (names repeat: 党群服务中心 in every community). */
export function stationsForExport() {
  return sql<StationExportRow>`
    SELECT s.name, s.kind, s.address, s.amenities, s.opening_hours, s.operator, s.phone, s.status, c.code AS community,
      ${asGeoJsonDecimals<Point>(ref('s.geom'), DECIMALS)} AS geometry
    FROM station s LEFT JOIN region c ON c.id = s.community_id
    ORDER BY s.name, ${lngOf(ref('s.geom'))}, ${latOf(ref('s.geom'))}, s.id`;
}

export type DemandExportRow = { kind: string; weight: number; geometry: Point };

export function demandForExport() {
  return sql<DemandExportRow>`
    SELECT d.kind, d.weight, ${asGeoJsonDecimals<Point>(ref('d.geom'), DECIMALS)} AS geometry
    FROM demand_point d ORDER BY d.kind, d.id`;
}

export type RoadExportRow = { class: string; name: string | null; oneway: boolean; geometry: LineString };

export function roadsForExport() {
  return sql<RoadExportRow>`
    SELECT r.class, r.name, r.oneway, ${asGeoJsonDecimals<LineString>(ref('r.geom'), DECIMALS)} AS geometry
    FROM road r ORDER BY r.id`;
}

export type AnyExportRow = { geometry: Geometry };
