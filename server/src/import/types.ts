/**
 * What the importer passes between its stages: a file read into features (parse-*.ts), features
 * read into a layer's records (records.ts), and what the import reports (import.ts).
 */
import type { Geometry } from 'geojson';

export const IMPORT_LAYERS = ['regions', 'grids', 'zones', 'stations', 'demand'] as const;
export type ImportLayer = (typeof IMPORT_LAYERS)[number];

export const IMPORT_FORMATS = ['geojson', 'kml', 'shapefile', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One feature of a file, as read: 1-based `number` (CSV: its data row), raw properties. */
export type SourceFeature = {
  number: number;
  geometry: Geometry | null;
  properties: Record<string, unknown>;
  /** KML only: the folders the placemark sits in, outermost first. */
  folders?: string[];
  /** Why the feature could not be read (bad coordinates, a WKT that does not parse, …). */
  problem?: string;
};

export type ParsedFile = {
  format: ImportFormat;
  features: SourceFeature[];
  /** Every property name seen, in the order first seen. */
  fields: string[];
  /** What the reader decided on the way, for the summary (encoding, projection, folders). */
  notes: string[];
  /** A reason to think the file is in a coordinate system other than WGS84 (DataV is GCJ-02). */
  crsHint?: { crs: 'gcj02' | 'bd09'; reason: string };
};

/** A problem with one feature: what the summary lists, naming the file and the feature. */
export type FeatureProblem = {
  number: number;
  /** The feature's name and/or code, when it has them. */
  label: string;
  rule: string;
  message: string;
};

/** Thrown for input that cannot be read at all (not one feature's fault): a 400, or exit code 1. */
export class ImportInputError extends Error {
  override name = 'ImportInputError';
}

export const describeFeature = (fileName: string, problem: Pick<FeatureProblem, 'number' | 'label'>) =>
  `${fileName}: feature ${problem.number}${problem.label ? ` (${problem.label})` : ''}`;
