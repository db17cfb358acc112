/**
 * Imports from the browser (issue 8, "In the browser"): one uploaded file into one layer through the
 * same importer as `npm run import` (server/src/import/import.ts), with the caller's rules on top:
 * - planners import grids, zones and stations, and only inside their scopes: every feature whose
 *   community lies outside is an `outside_scope` problem, so the file is refused; admins import any
 *   layer anywhere;
 * - the history rows name the caller, so a grids or zones import shows under their name as one change;
 * - a dry run answers the report and a preview; a commit that the checks refuse is a 422 with the
 *   same, and writes nothing.
 * The preview is the file's features in WGS84 after the conversion, each marked with its problems,
 * for the map to draw the accepted ones and the refused ones in red.
 */
import type { Kysely } from 'kysely';
import type { Geometry } from 'geojson';
import {
  type ImportParams,
  type ImportPreview,
  type ImportPreviewFeature,
  type ImportReportBody,
  type ImportResponse,
  type ImportRouteLayer,
  PLANNER_IMPORT_LAYERS,
} from '../contracts';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { mapPositions, roundPositions, toWgs84 } from '../import/crs';
import { type ImportOptions, type ImportReport, ImportRefused, importParsed } from '../import/import';
import { formatFromName, parseImportBytes } from '../import/parse';
import { text } from '../import/records';
import { ImportInputError, type ParsedFile } from '../import/types';
import type { Caller } from './caller';
import { heavyWorkLimiter } from './heavy-work';

/**
 * One import at a time per server, a few waiting. Two at once could each pass the overlap check
 * against the other's rows, which neither sees until it commits; and on PGlite every statement runs
 * on the server's own thread anyway.
 */
const IMPORT_LIMITS = { maxRunning: 1, maxQueued: 4, retryAfter_s: 10 };

/** Preview coordinates to 8 decimals (about 1 mm): the conversion is good to well under that. */
const PREVIEW_DECIMALS = 8;

/** Thrown from the importer's progress callback when the client is gone: the transaction rolls back. */
class ImportCancelled extends Error {}

/**
 * The importer words its advice for the command line ("pass --replace", "--fix clip"); here it is
 * the query parameter to send instead.
 */
export function httpWording(message: string): string {
  return message
    .replace(/--fix clip/g, 'fix=clip')
    .replace(/--(replace|append)\b/g, 'mode=$1')
    .replace(/--crs ([a-z0-9]+)/g, 'crs=$1')
    .replace(/--crs\b/g, 'crs')
    .replace(/--(code|name)-field\b/g, '$1_field')
    .replace(/--field (code|name|lng|lat|wkt)=/g, '$1_field=')
    .replace(/--(parent|shapefile|format) /g, '$1=')
    .replace(/--level\b/g, 'level');
}

function reportBody(report: ImportReport): ImportReportBody {
  return {
    ...report,
    // A dry run draws a change id too, then rolls back: nothing in the history carries it.
    changeId: report.dryRun ? null : report.changeId,
    notes: report.notes.map(httpWording),
    refusals: report.refusals.map(httpWording),
    problems: report.problems.map((p) => ({ ...p, message: httpWording(p.message) })),
    crsCheck: report.crsCheck ? { ...report.crsCheck, message: httpWording(report.crsCheck.message) } : null,
    crsHint: report.crsHint ? { ...report.crsHint, reason: httpWording(report.crsHint.reason) } : null,
  };
}

/** One feature per feature of the file, as the file has it (before fix=clip), in WGS84. */
function previewOf(parsed: ParsedFile, report: ImportReportBody): ImportPreview {
  const convert = toWgs84(report.crs);
  const { mapping } = report.fields;
  const problemsOf = new Map<number, ImportReportBody['problems']>();
  for (const p of report.problems) problemsOf.set(p.number, [...(problemsOf.get(p.number) ?? []), p]);
  const features = parsed.features.map((feature): ImportPreviewFeature => {
    const name = mapping.name === undefined ? null : text(feature.properties[mapping.name]);
    const code = mapping.code === undefined ? null : text(feature.properties[mapping.code]);
    const problems = problemsOf.get(feature.number) ?? [];
    let geometry: Geometry | null = null;
    if (feature.geometry && !feature.problem) {
      geometry = roundPositions(mapPositions(feature.geometry, convert), PREVIEW_DECIMALS);
    }
    return {
      type: 'Feature',
      geometry,
      properties: {
        number: feature.number,
        label: problems[0]?.label ?? [name, code].filter(Boolean).join(', '),
        ok: problems.length === 0,
        problems: problems.map((p) => p.message),
        rules: problems.map((p) => p.rule),
        name,
        code,
      },
    };
  });
  return { type: 'FeatureCollection', features };
}

const ZIP_MAGIC = 0x04034b50;

/** The upload read into features; anything the readers throw is the file's fault: 400. */
function readUpload(bytes: Buffer, params: ImportParams): ParsedFile {
  const name = params.file_name;
  const format = params.format ?? formatFromName(name);
  if (!format) {
    throw new HttpError(
      400,
      'invalid_request',
      `file_name: ${name} has no extension that names a format (.geojson or .json, .kml or .kmz, .zip for a zipped Shapefile, .csv or .txt); rename it or give format=geojson|kml|shapefile|csv.`,
    );
  }
  const unreadable = (message: string) =>
    new HttpError(400, 'import_unreadable', `${name} cannot be read as ${format}: ${httpWording(message)}`);
  if (format === 'shapefile' && !(bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_MAGIC)) {
    throw unreadable(
      'a Shapefile comes as a .zip holding its .shp, .shx, .dbf, .prj and .cpg (a .shp alone has no attributes and no projection)',
    );
  }
  try {
    return parseImportBytes(bytes, name, {
      format,
      ...(params.shapefile ? { shapefile: params.shapefile } : {}),
      ...(params.lng_field ? { lngField: params.lng_field } : {}),
      ...(params.lat_field ? { latField: params.lat_field } : {}),
      ...(params.wkt_field ? { wktField: params.wkt_field } : {}),
    });
  } catch (error) {
    if (error instanceof ImportInputError) throw unreadable(error.message);
    // The readers (shpjs, togeojson, papaparse) throw their own errors on bytes they can't make sense of.
    if (error instanceof Error) throw unreadable(error.message.split('\n')[0]!.slice(0, 200));
    throw error;
  }
}

/** Who may import what: null scopes for an admin (anywhere), a planner's scopes otherwise. */
function scopesFor(caller: Caller, layer: ImportRouteLayer, params: ImportParams): number[] | null {
  if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
  if (caller.role === 'admin') return null;
  if (caller.role !== 'planner') throw new HttpError(403, 'forbidden', `A ${caller.role} imports nothing.`);
  if (!(PLANNER_IMPORT_LAYERS as readonly string[]).includes(layer)) {
    throw new HttpError(
      403,
      'forbidden',
      `Importing ${layer} needs the role admin; planners import ${PLANNER_IMPORT_LAYERS.join(', ')} inside their scopes.`,
    );
  }
  if (layer === 'stations' && params.mode === 'replace') {
    throw new HttpError(
      403,
      'outside_scope',
      'mode=replace replaces the whole station list, also outside the regions you may edit; use mode=append, or ask an admin.',
      { scopes: caller.scopes },
    );
  }
  return caller.scopes;
}

export function importService(db: Kysely<DB>) {
  const oneAtATime = heavyWorkLimiter(IMPORT_LIMITS);

  async function queued<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await oneAtATime.run(work);
    } catch (error) {
      if (error instanceof HttpError && error.code === 'busy') {
        throw new HttpError(
          503,
          'busy',
          `Other imports are running or waiting; try again in ${IMPORT_LIMITS.retryAfter_s} s.`,
          undefined,
          error.headers,
        );
      }
      throw error;
    }
  }

  return {
    /**
     * Imports `bytes` (the file named `params.file_name`) into `layer` as `caller`. `signal`, once
     * aborted (the client went away, or the request timed out), stops the import before it commits.
     * Throws HttpError 400 (unreadable file, options that don't fit it), 403, 422 `import_refused`
     * (a commit the checks refuse; details hold the report and preview) or 503.
     */
    async importFile(
      caller: Caller,
      layer: ImportRouteLayer,
      bytes: Buffer,
      params: ImportParams,
      signal?: AbortSignal,
    ): Promise<ImportResponse> {
      const scopes = scopesFor(caller, layer, params);
      if (params.level && layer !== 'regions') {
        throw new HttpError(400, 'invalid_request', `level: only regions take a level (this is ${layer}).`);
      }
      const parsed = readUpload(bytes, params);
      const options: ImportOptions = {
        layer,
        fileName: params.file_name,
        fields: {
          ...(params.code_field ? { code: params.code_field } : {}),
          ...(params.name_field ? { name: params.name_field } : {}),
        },
        dryRun: params.dry_run,
        fixClip: params.fix === 'clip',
        userId: caller.kind === 'user' ? caller.userId : null,
        onProgress: () => {
          if (signal?.aborted) throw new ImportCancelled('the client went away');
        },
        ...(scopes ? { scopes } : {}),
        ...(params.crs ? { crs: params.crs } : {}),
        ...(params.mode ? { mode: params.mode } : {}),
        ...(params.level ? { level: params.level } : {}),
        ...(params.parent ? { parent: params.parent } : {}),
      };
      let report: ImportReport;
      let refused: ImportRefused | null = null;
      try {
        report = await queued(() => {
          if (signal?.aborted) throw new ImportCancelled('the client went away');
          return importParsed(db, parsed, options);
        });
      } catch (error) {
        if (error instanceof ImportRefused) {
          refused = error;
          report = error.report;
        } else if (error instanceof ImportInputError) {
          throw new HttpError(400, 'import_unreadable', httpWording(error.message));
        } else if (error instanceof ImportCancelled) {
          // Nobody is waiting for this answer any more; it says what happened, for the log.
          throw new HttpError(503, 'timeout', 'The import was stopped before it committed; nothing was written.');
        } else throw error;
      }
      const body = reportBody(report);
      const response: ImportResponse = { report: body, preview: previewOf(parsed, body) };
      if (refused && !params.dry_run) {
        throw new HttpError(422, 'import_refused', httpWording(refused.message), response);
      }
      return response;
    },
  };
}

export type ImportService = ReturnType<typeof importService>;
