/**
 * Zipped Shapefiles (and a bare .shp with its .dbf/.prj/.cpg beside it), read with shpjs.
 *
 * shpjs's own zip reader decodes the .dbf as UTF-8 unless the .cpg names an encoding TextDecoder
 * knows, so "936" or "ANSI 936" (what ArcGIS writes for GBK) or no .cpg at all would turn Chinese
 * names into mojibake. Chinese Shapefiles are very often GBK, so the encoding is decided here:
 *  1. the .cpg, read with the labels Chinese tools write (GBK, CP936, 936, GB2312, GB18030, UTF-8, 65001);
 *  2. else the .dbf's language driver byte (29): 0x4D and 0x7A mean code page 936 (GBK);
 *  3. else the records themselves: text that is not valid UTF-8 is taken as GBK.
 * Then shpjs reads the .shp (with the .prj, which its bundled proj4 uses to unproject projected
 * coordinates) and the .dbf (with the decided encoding).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDbf, parseShp } from 'shpjs';
import { checkGeometry } from './geometry';
import { unzip } from './unzip';
import { ImportInputError, type ParsedFile, type SourceFeature } from './types';

/** A .cpg's text as a TextDecoder label, or null when it names nothing we know. */
export function encodingFromCpg(cpg: string): string | null {
  const label = cpg
    .trim()
    .toUpperCase()
    .replace(/^ANSI\s+/, '');
  if (/^(UTF-?8|65001)$/.test(label)) return 'utf-8';
  if (/^(GBK|CP936|936|MS936|WINDOWS-936|GB2312|GB_2312-80|EUC-CN)$/.test(label)) return 'gbk';
  if (/^(GB18030|54936)$/.test(label)) return 'gb18030';
  if (/^(BIG5|950|CP950)$/.test(label)) return 'big5';
  try {
    return new TextDecoder(label.toLowerCase()).encoding;
  } catch {
    return null;
  }
}

/** The encoding a .dbf's language driver id names, when it names a Chinese code page. */
function encodingFromLdid(dbf: Buffer): string | null {
  const ldid = dbf.length > 29 ? dbf[29] : 0;
  if (ldid === 0x4d || ldid === 0x7a) return 'gbk';
  if (ldid === 0x4e || ldid === 0x78) return 'big5';
  return null;
}

/** Whether the .dbf's field names and records are valid UTF-8 (all-ASCII counts as UTF-8). */
function isUtf8(dbf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(32));
    return true;
  } catch {
    return false;
  }
}

export function decideEncoding(dbf: Buffer, cpg: string | undefined): { encoding: string; source: string } {
  if (cpg !== undefined) {
    const encoding = encodingFromCpg(cpg);
    if (encoding) return { encoding, source: `.cpg says ${cpg.trim()}` };
  }
  const fromLdid = encodingFromLdid(dbf);
  if (fromLdid) return { encoding: fromLdid, source: 'the .dbf language driver byte' };
  if (isUtf8(dbf))
    return {
      encoding: 'utf-8',
      source:
        cpg === undefined
          ? 'no .cpg; the text is valid UTF-8'
          : `unknown .cpg "${cpg.trim()}"; the text is valid UTF-8`,
    };
  return {
    encoding: 'gbk',
    source:
      cpg === undefined
        ? 'no .cpg, and the text is not UTF-8'
        : `unknown .cpg "${cpg.trim()}", and the text is not UTF-8`,
  };
}

/** A .prj that is a geographic system (longitude/latitude already) rather than a projection. */
function isGeographic(prj: string): boolean {
  return /^\s*GEOGCS\[/i.test(prj) || /^\s*GEOGCRS\[/i.test(prj);
}

type ShapefileParts = { name: string; shp: Buffer; dbf?: Buffer; prj?: string; cpg?: string };

function pickLayer(entries: { name: string; data: Buffer }[], wanted?: string): ShapefileParts {
  const byBase = new Map<string, Partial<Record<'shp' | 'dbf' | 'prj' | 'cpg', Buffer>>>();
  for (const entry of entries) {
    if (entry.name.includes('__MACOSX')) continue;
    const match = /^(.*)\.(shp|dbf|prj|cpg)$/i.exec(entry.name);
    if (!match) continue;
    const parts = byBase.get(match[1]!) ?? {};
    parts[match[2]!.toLowerCase() as 'shp'] = entry.data;
    byBase.set(match[1]!, parts);
  }
  const layers = [...byBase.entries()].filter(([, p]) => p.shp);
  if (!layers.length) throw new ImportInputError('the zip holds no .shp file');
  let chosen = layers[0]!;
  if (layers.length > 1) {
    const found = wanted ? layers.find(([base]) => basename(base).toLowerCase() === wanted.toLowerCase()) : undefined;
    if (!found) {
      throw new ImportInputError(
        `the zip holds ${layers.length} Shapefiles (${layers.map(([b]) => basename(b)).join(', ')}); name one with --shapefile <name>`,
      );
    }
    chosen = found;
  }
  const [base, parts] = chosen;
  return {
    name: basename(base),
    shp: parts.shp!,
    ...(parts.dbf ? { dbf: parts.dbf } : {}),
    ...(parts.prj ? { prj: parts.prj.toString('utf8') } : {}),
    ...(parts.cpg ? { cpg: parts.cpg.toString('latin1') } : {}),
  };
}

/** Reads a Shapefile's parts into features; `notes` say which encoding and projection were used. */
export function parseShapefileParts(parts: ShapefileParts): ParsedFile {
  const notes: string[] = [`layer ${parts.name}`];
  let prj: string | undefined;
  if (parts.prj) {
    if (isGeographic(parts.prj)) {
      // shpjs would run every vertex through proj4's WGS84 → WGS84 identity, which adds float noise.
      notes.push(
        `.prj: geographic (${/^\s*GEOGC(?:S|RS)\["([^"]*)"/i.exec(parts.prj)?.[1] ?? '?'}), read as longitude/latitude`,
      );
    } else {
      prj = parts.prj;
      notes.push(
        `.prj: projected (${/^\s*PROJC(?:S|RS)\["([^"]*)"/i.exec(parts.prj)?.[1] ?? '?'}), unprojected to longitude/latitude with proj4`,
      );
    }
  } else {
    notes.push('no .prj: coordinates taken as longitude/latitude');
  }
  let geometries: (unknown | null)[];
  try {
    geometries = parseShp(parts.shp, prj ?? false);
  } catch (error) {
    throw new ImportInputError(`the .shp cannot be read: ${(error as Error).message}`);
  }
  let records: Record<string, unknown>[] = [];
  if (parts.dbf) {
    const { encoding, source } = decideEncoding(parts.dbf, parts.cpg);
    notes.push(`attributes: ${encoding.toUpperCase()} (${source})`);
    try {
      records = parseDbf(parts.dbf, encoding);
    } catch (error) {
      throw new ImportInputError(`the .dbf cannot be read: ${(error as Error).message}`);
    }
  } else {
    notes.push('no .dbf: the features have no attributes');
  }
  if (parts.dbf && records.length !== geometries.length) {
    throw new ImportInputError(
      `the .shp holds ${geometries.length} shapes but the .dbf ${records.length} records; the Shapefile is damaged`,
    );
  }
  const fields = new Set<string>();
  const features: SourceFeature[] = geometries.map((geometry, i) => {
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(records[i] ?? {})) {
      fields.add(key);
      // parsedbf reads an empty numeric field as NaN.
      properties[key] = typeof value === 'number' && Number.isNaN(value) ? null : value;
    }
    const checked = checkGeometry(geometry);
    return 'problem' in checked
      ? {
          number: i + 1,
          geometry: null,
          properties,
          problem: geometry === null ? 'a null shape (no geometry)' : checked.problem,
        }
      : { number: i + 1, geometry: checked.geometry, properties };
  });
  return { format: 'shapefile', features, fields: [...fields], notes };
}

/** A zipped Shapefile, or a .shp whose .dbf, .prj and .cpg lie beside it. */
export async function parseShapefile(path: string, options: { shapefile?: string } = {}): Promise<ParsedFile> {
  if (/\.shp$/i.test(path)) {
    const base = path.slice(0, -4);
    const sibling = async (ext: string) => {
      for (const candidate of [`${base}.${ext}`, `${base}.${ext.toUpperCase()}`]) {
        if (existsSync(candidate)) return readFile(candidate);
      }
      return undefined;
    };
    const [shp, dbf, prj, cpg] = await Promise.all([readFile(path), sibling('dbf'), sibling('prj'), sibling('cpg')]);
    return parseShapefileParts({
      name: basename(base),
      shp,
      ...(dbf ? { dbf } : {}),
      ...(prj ? { prj: prj.toString('utf8') } : {}),
      ...(cpg ? { cpg: cpg.toString('latin1') } : {}),
    });
  }
  return parseShapefileZip(await readFile(path), options);
}

export function parseShapefileZip(zip: Buffer, options: { shapefile?: string } = {}): ParsedFile {
  return parseShapefileParts(pickLayer(unzip(zip), options.shapefile));
}
