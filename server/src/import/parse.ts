/**
 * Reads an import file in whichever format it is: by its extension, or failing that by its first
 * bytes (a zip, XML, JSON).
 */
import { readFile } from 'node:fs/promises';
import { type CsvOptions, decodeText, parseCsvBytes } from './parse-csv';
import { parseGeojsonText } from './parse-geojson';
import { parseKmlText, parseKmz } from './parse-kml';
import { parseShapefile, parseShapefileZip } from './parse-shapefile';
import { unzip } from './unzip';
import { IMPORT_FORMATS, type ImportFormat, ImportInputError, type ParsedFile } from './types';

export function formatFromName(name: string): ImportFormat | null {
  const n = name.toLowerCase();
  if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
  if (n.endsWith('.kml') || n.endsWith('.kmz')) return 'kml';
  if (n.endsWith('.zip') || n.endsWith('.shp')) return 'shapefile';
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  return null;
}

function sniff(bytes: Buffer): ImportFormat | null {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    return unzip(bytes).some((e) => /\.kml$/i.test(e.name)) ? 'kml' : 'shapefile';
  }
  const start = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (start.startsWith('<')) return 'kml';
  if (start.startsWith('{') || start.startsWith('[')) return 'geojson';
  return null;
}

export type ReadFileOptions = CsvOptions & { format?: ImportFormat; shapefile?: string };

/** Reads bytes already in memory (an upload), named `name` for the format's sake. */
export function parseImportBytes(bytes: Buffer, name: string, options: ReadFileOptions = {}): ParsedFile {
  const format = options.format ?? formatFromName(name) ?? sniff(bytes);
  if (!format) {
    throw new ImportInputError(`cannot tell the format of ${name}; pass --format ${IMPORT_FORMATS.join('|')}`);
  }
  switch (format) {
    case 'geojson':
      return parseGeojsonText(decodeText(bytes).text);
    case 'kml':
      return bytes.readUInt32LE(0) === 0x04034b50 ? parseKmz(bytes) : parseKmlText(decodeText(bytes).text);
    case 'shapefile':
      return parseShapefileZip(bytes, options.shapefile ? { shapefile: options.shapefile } : {});
    case 'csv':
      return parseCsvBytes(bytes, options);
  }
}

/** Reads an import file from disk (a bare .shp takes its .dbf, .prj and .cpg from beside it). */
export async function parseImportFile(path: string, options: ReadFileOptions = {}): Promise<ParsedFile> {
  if (/\.shp$/i.test(path) && (options.format ?? 'shapefile') === 'shapefile') return parseShapefile(path);
  return parseImportBytes(await readFile(path), path, options);
}
