/**
 * `POST /api/import/:layer` (issue 8): one file's features into one layer from the browser, with the
 * importer's checks (the same as `npm run import`). The body is the file's bytes
 * (`Content-Type: application/octet-stream`, at most 20 MB); the options travel in the query. A dry
 * run answers the report and a preview and writes nothing; a commit writes all of the file or none
 * of it (422 `import_refused`, with the same report and preview in `error.details`).
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { z } from 'zod';
import { REGION_LEVELS } from './enums';
import { BooleanFlag, enumParam, oneString, queryObject } from './params';

/** Planners import these, inside their scopes; admins also regions and demand. */
export const IMPORT_ROUTE_LAYERS = ['grids', 'zones', 'stations', 'regions', 'demand'] as const;
export type ImportRouteLayer = (typeof IMPORT_ROUTE_LAYERS)[number];
export const PLANNER_IMPORT_LAYERS = ['grids', 'zones', 'stations'] as const satisfies readonly ImportRouteLayer[];

export const IMPORT_FILE_FORMATS = ['geojson', 'kml', 'shapefile', 'csv'] as const;
export type ImportFileFormat = (typeof IMPORT_FILE_FORMATS)[number];

/** The coordinate systems a file may be in (GCJ-02: 高德, 腾讯, DataV; BD-09: 百度); WGS84 takes CGCS2000 too. */
export const IMPORT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

/** The largest upload, as express.raw reads its `limit`. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

export const ImportPath = z.strictObject({
  layer: enumParam(
    IMPORT_ROUTE_LAYERS,
    `must be one of ${IMPORT_ROUTE_LAYERS.join(', ')} (roads: npm run import:roads)`,
  ),
});

/** A field name of the file, as the user typed it. */
const fieldName = (what: string) =>
  oneString(`the file's field that holds the ${what}`)
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters');

export const ImportQuery = queryObject({
  /** The file's name: its extension picks the format (unless `format` says), and problems name it. */
  file_name: oneString('the name of the file, e.g. grids.geojson')
    .trim()
    .min(1, 'must not be empty: give the name of the file, e.g. grids.geojson')
    .max(255, 'must be at most 255 characters'),
  format: enumParam(IMPORT_FILE_FORMATS).optional(),
  /** The system the file's coordinates are in; WGS84 when left out (the report then says it was not given). */
  crs: enumParam(IMPORT_CRS).optional(),
  /** Rows already there: replace those the file covers, or keep them and add these. Without it, touching any is refused. */
  mode: enumParam(['append', 'replace']).optional(),
  dry_run: BooleanFlag.default(false),
  /** Apply the clip fixes: each feature clipped to its parent and to the features before it. */
  fix: enumParam(['clip'], 'must be clip (the only fix there is), or left out').optional(),
  code_field: fieldName('code').optional(),
  name_field: fieldName('name').optional(),
  /** CSV: the columns of the coordinates, or of a WKT geometry. */
  lng_field: fieldName('longitude').optional(),
  lat_field: fieldName('latitude').optional(),
  wkt_field: fieldName('WKT geometry').optional(),
  /** Regions: every feature is of this level. */
  level: enumParam(REGION_LEVELS).optional(),
  /** The parent of the features that name none: a region code (6, 9 or 12 digits), or for zones a grid code (15). */
  parent: oneString('a region code (6, 9 or 12 digits) or a grid code (15)')
    .regex(/^[0-9]{6}([0-9]{3}){0,3}$/, 'must be a region code (6, 9 or 12 digits) or a grid code (15 digits)')
    .optional(),
  /** Which Shapefile of a zip that holds several (its name, without .shp). */
  shapefile: oneString('the name of one Shapefile in the zip').min(1).max(255).optional(),
});
export type ImportRequest = z.input<typeof ImportQuery>;
export type ImportParams = z.output<typeof ImportQuery>;

/** One problem with one feature of the file. */
export type ImportProblem = {
  /** The feature's 1-based number in the file (CSV: its data row). */
  number: number;
  /** Its name and/or code, when it has them ("六砂社区第1网格, 520115001001001"). */
  label: string;
  /**
   * unreadable, geometry_type, bad_value, valid_geometry, inside_parent, no_overlap, no_sliver,
   * no_parent, bad_code, duplicate_code, code_taken, sequence_full, outside_scope; for regions also
   * no_level, no_code and the like.
   */
  rule: string;
  message: string;
};

/** How the coordinates fit what is already in the database, read in each system. */
export type ImportCrsCheck = {
  reference: string | null;
  measure: 'share_inside' | 'median_road_distance_m';
  readings: { crs: ImportCrs; value: number | null; offset_m: number }[];
  given: ImportCrs;
  /** The system the file more likely is in than the one given; null when the given one fits. */
  suggestion: ImportCrs | null;
  message: string;
};

/** What an import did or would do: the importer's report (server/src/import/import.ts), as JSON. */
export type ImportReportBody = {
  layer: ImportRouteLayer;
  fileName: string;
  format: ImportFileFormat;
  crs: ImportCrs;
  /** False when crs was left out (WGS84 by default). */
  crsGiven: boolean;
  dryRun: boolean;
  mode: 'append' | 'replace' | null;
  /** Features in the file, and how many of them became records. */
  features: number;
  records: number;
  /** Which of the file's fields fed which attribute. */
  fields: {
    mapping: Record<string, string | undefined>;
    used: { target: string; source: string; how: 'given' | 'recognised' }[];
    unused: string[];
  };
  notes: string[];
  crsCheck: ImportCrsCheck | null;
  /** A reason in the file itself to think it is GCJ-02 or BD-09 (DataV's files are GCJ-02). */
  crsHint: { crs: 'gcj02' | 'bd09'; reason: string } | null;
  /** On a dry run, what a commit would write. */
  written: { inserted: number; updated: number; deleted: number; zonesMoved: number };
  /** Every problem, by feature number; non-empty means the import is (or would be) refused. */
  problems: ImportProblem[];
  /** Reasons to refuse that are no one feature's (rows already there and no mode). */
  refusals: string[];
  /** The history change the rows were written under; null on a dry run or a refusal, and for stations and demand. */
  changeId: string | null;
  timings_ms: Record<string, number>;
};

/**
 * One feature of the file, in WGS84 after the conversion from `crs`, as the file has it (before any
 * fix=clip). `geometry` is null for a feature that could not be read.
 */
export type ImportPreviewProps = {
  number: number;
  label: string;
  /** No problem names this feature (the import may still be refused for others, or for a refusal). */
  ok: boolean;
  /** The messages of the problems naming it. */
  problems: string[];
  /** Their rules, in the same order. */
  rules: string[];
  name: string | null;
  code: string | null;
};
export type ImportPreviewFeature = Feature<Geometry | null, ImportPreviewProps>;
export type ImportPreview = FeatureCollection<Geometry | null, ImportPreviewProps>;

/** 200 (a dry run, refused or not; a commit that went in), and `error.details` of a 422 `import_refused`. */
export type ImportResponse = { report: ImportReportBody; preview: ImportPreview };
