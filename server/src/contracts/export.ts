import { z } from 'zod';
import { enumParam, queryObject } from './params';

/** The layers a file export covers (issue 8). */
export const EXPORT_LAYERS = ['regions', 'grids', 'zones', 'stations', 'demand', 'roads'] as const;
export type ExportLayer = (typeof EXPORT_LAYERS)[number];

/** shp is a zipped Shapefile (.shp, .shx, .dbf, .prj and a UTF-8 .cpg). */
export const EXPORT_FORMATS = ['geojson', 'csv', 'shp', 'kml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The coordinate systems a file can be written in (GCJ-02: 高德, 腾讯; BD-09: 百度). */
export const EXPORT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type ExportCrs = (typeof EXPORT_CRS)[number];

/** GET /api/export/:layer */
export const ExportPath = z.strictObject({ layer: enumParam(EXPORT_LAYERS) });
export const ExportQuery = queryObject({
  format: enumParam(EXPORT_FORMATS).default('geojson'),
  crs: enumParam(EXPORT_CRS).default('wgs84'),
});
export type ExportRequest = z.input<typeof ExportQuery>;
export type ExportParams = z.output<typeof ExportQuery>;
