/**
 * Writes Shapefiles (ESRI Shapefile Technical Description, 1998): .shp and .shx for the geometry,
 * a dBase III .dbf for the attributes, a .prj and a .cpg naming the text encoding.
 *
 * Not @mapbox/shp-write, though it is installed: its .dbf writer (dbf 0.2) stores each UTF-16 code
 * unit's low byte (`setUint8(charCodeAt(i))`), so every Chinese name comes out as garbage, and it
 * writes Polygon and MultiPolygon features to two files of the same name, the second overwriting
 * the first. Here text is encoded to bytes first (UTF-8 for exports, GBK for the samples), field
 * widths are counted in bytes, and every polygon feature is one Polygon record whose outer rings
 * run clockwise and holes counter-clockwise, as the specification wants.
 */
import type { Geometry, Position } from 'geojson';
import { zip } from './zip';

export type DbfField = { name: string; type: 'text' | 'int' | 'float' | 'bool' };
export type ShapeRecord = { geometry: Geometry | null; properties: Record<string, unknown> };

/** Text to bytes in the .dbf's encoding. */
export type Encoder = (text: string) => Uint8Array;
export const utf8: Encoder = (text) => Buffer.from(text, 'utf8');

/** WGS84 as ESRI writes it. GCJ-02 and BD-09 have no EPSG code and no .prj of their own. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE = { null: 0, point: 1, polyline: 3, polygon: 5 } as const;

/** Twice the signed area: positive when the ring runs counter-clockwise. */
function signedArea2(ring: Position[]) {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum;
}

const clockwise = (ring: Position[]) => (signedArea2(ring) > 0 ? [...ring].reverse() : ring);
const counterClockwise = (ring: Position[]) => (signedArea2(ring) < 0 ? [...ring].reverse() : ring);

/** A geometry as shapefile parts (rings or lines), with the shape type it needs. */
function partsOf(geometry: Geometry): { type: number; parts: Position[][] } {
  switch (geometry.type) {
    case 'Point':
      return { type: SHAPE.point, parts: [[geometry.coordinates]] };
    case 'LineString':
      return { type: SHAPE.polyline, parts: [geometry.coordinates] };
    case 'MultiLineString':
      return { type: SHAPE.polyline, parts: geometry.coordinates };
    case 'Polygon':
      return {
        type: SHAPE.polygon,
        parts: geometry.coordinates.map((ring, i) => (i === 0 ? clockwise(ring) : counterClockwise(ring))),
      };
    case 'MultiPolygon':
      return {
        type: SHAPE.polygon,
        parts: geometry.coordinates.flatMap((polygon) =>
          polygon.map((ring, i) => (i === 0 ? clockwise(ring) : counterClockwise(ring))),
        ),
      };
    default:
      throw new Error(`a Shapefile cannot hold a ${geometry.type}`);
  }
}

function writeShpHeader(view: DataView, type: number, bytes: number, box: number[]) {
  view.setInt32(0, 9994);
  view.setInt32(24, bytes / 2);
  view.setInt32(28, 1000, true);
  view.setInt32(32, type, true);
  for (let i = 0; i < 4; i++) view.setFloat64(36 + 8 * i, box[i]!, true);
}

/** The .shp and .shx of some features (all of one shape type; null geometries as null shapes). */
export function writeShapes(geometries: (Geometry | null)[]): { shp: Buffer; shx: Buffer; type: number } {
  const shapes = geometries.map((g) => (g ? partsOf(g) : null));
  const type = shapes.find((s) => s)?.type ?? SHAPE.point;
  if (shapes.some((s) => s && s.type !== type)) throw new Error('a Shapefile holds one kind of geometry');
  const contents = shapes.map((s) => {
    if (!s) return 4;
    if (type === SHAPE.point) return 20;
    const points = s.parts.reduce((n, p) => n + p.length, 0);
    return 44 + 4 * s.parts.length + 16 * points;
  });
  const shpBytes = 100 + contents.reduce((n, c) => n + 8 + c, 0);
  const shp = new DataView(new ArrayBuffer(shpBytes));
  const shx = new DataView(new ArrayBuffer(100 + 8 * shapes.length));
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  let offset = 100;
  shapes.forEach((s, i) => {
    const content = contents[i]!;
    shx.setInt32(100 + 8 * i, offset / 2);
    shx.setInt32(104 + 8 * i, content / 2);
    shp.setInt32(offset, i + 1);
    shp.setInt32(offset + 4, content / 2);
    const at = offset + 8;
    offset += 8 + content;
    if (!s) {
      shp.setInt32(at, SHAPE.null, true);
      return;
    }
    const points = s.parts.flat();
    const own = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of points as [number, number][]) {
      own[0] = Math.min(own[0]!, x);
      own[1] = Math.min(own[1]!, y);
      own[2] = Math.max(own[2]!, x);
      own[3] = Math.max(own[3]!, y);
    }
    for (let k = 0; k < 4; k++) box[k] = k < 2 ? Math.min(box[k]!, own[k]!) : Math.max(box[k]!, own[k]!);
    shp.setInt32(at, type, true);
    if (type === SHAPE.point) {
      shp.setFloat64(at + 4, points[0]![0]!, true);
      shp.setFloat64(at + 12, points[0]![1]!, true);
      return;
    }
    for (let k = 0; k < 4; k++) shp.setFloat64(at + 4 + 8 * k, own[k]!, true);
    shp.setInt32(at + 36, s.parts.length, true);
    shp.setInt32(at + 40, points.length, true);
    let start = 0;
    s.parts.forEach((part, p) => {
      shp.setInt32(at + 44 + 4 * p, start, true);
      start += part.length;
    });
    const pointsAt = at + 44 + 4 * s.parts.length;
    points.forEach((point, p) => {
      shp.setFloat64(pointsAt + 16 * p, point[0]!, true);
      shp.setFloat64(pointsAt + 16 * p + 8, point[1]!, true);
    });
  });
  if (!Number.isFinite(box[0]!)) box.fill(0);
  writeShpHeader(shp, type, shpBytes, box);
  writeShpHeader(shx, type, shx.byteLength, box);
  return { shp: Buffer.from(shp.buffer), shx: Buffer.from(shx.buffer), type };
}

/** Bytes of `text` cut to at most `max` without splitting a character. */
function fit(text: string, encode: Encoder, max: number): Uint8Array {
  let bytes = encode(text);
  if (bytes.length <= max) return bytes;
  let chars = [...text];
  while (bytes.length > max && chars.length) {
    chars = chars.slice(0, -1);
    bytes = encode(chars.join(''));
  }
  return bytes;
}

const decimalsOf = (x: number) => {
  const s = String(x);
  if (/e/i.test(s)) return 10;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

/**
 * A dBase III table. Field names are cut to 10 bytes; text fields are as wide as their longest
 * value in bytes (up to 254, longer values cut at a character); numbers are right-aligned text.
 * `ldid` is the language driver byte (0x4D says GBK to tools that ignore the .cpg).
 */
export function writeDbf(
  fields: DbfField[],
  rows: Record<string, unknown>[],
  options: { encode?: Encoder; ldid?: number; date?: Date } = {},
): { dbf: Buffer; truncated: number } {
  const encode = options.encode ?? utf8;
  let truncated = 0;
  const columns = fields.map((field) => {
    const name = fit(field.name, encode, 10);
    if (field.type === 'bool')
      return { field, name, dbfType: 'L', width: 1, decimals: 0, cells: rows.map((r) => r[field.name]) };
    if (field.type === 'text') {
      const cells = rows.map((r) => {
        const v = r[field.name];
        if (v === null || v === undefined) return new Uint8Array();
        const full = encode(String(v));
        const bytes = fit(String(v), encode, 254);
        if (bytes.length < full.length) truncated++;
        return bytes;
      });
      return { field, name, dbfType: 'C', width: Math.max(1, ...cells.map((c) => c.length)), decimals: 0, cells };
    }
    const values = rows.map((r) => r[field.name]).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
    const decimals =
      field.type === 'int' ? 0 : Math.min(15, Math.max(0, ...values.map((v) => (v === null ? 0 : decimalsOf(v)))));
    const texts = values.map((v) => (v === null ? '' : decimals ? v.toFixed(decimals) : String(Math.round(v))));
    const width = Math.min(30, Math.max(1, ...texts.map((t) => t.length)));
    return { field, name, dbfType: 'N', width, decimals, cells: texts };
  });
  const headerLength = 32 + 32 * columns.length + 1;
  const recordLength = 1 + columns.reduce((n, c) => n + c.width, 0);
  const buffer = Buffer.alloc(headerLength + recordLength * rows.length + 1, 0x20);
  buffer.fill(0, 0, headerLength);
  const date = options.date ?? new Date();
  buffer.writeUInt8(0x03, 0);
  buffer.writeUInt8(date.getFullYear() - 1900, 1);
  buffer.writeUInt8(date.getMonth() + 1, 2);
  buffer.writeUInt8(date.getDate(), 3);
  buffer.writeUInt32LE(rows.length, 4);
  buffer.writeUInt16LE(headerLength, 8);
  buffer.writeUInt16LE(recordLength, 10);
  buffer.writeUInt8(options.ldid ?? 0, 29);
  columns.forEach((c, i) => {
    const at = 32 + 32 * i;
    buffer.set(c.name, at);
    buffer.write(c.dbfType, at + 11, 'ascii');
    buffer.writeUInt8(c.width, at + 16);
    buffer.writeUInt8(c.decimals, at + 17);
  });
  buffer.writeUInt8(0x0d, headerLength - 1);
  let offset = headerLength;
  for (let r = 0; r < rows.length; r++) {
    buffer.writeUInt8(0x20, offset++); // not deleted
    for (const c of columns) {
      const cell = c.cells[r];
      if (c.dbfType === 'C') buffer.set(cell as Uint8Array, offset);
      else if (c.dbfType === 'L')
        buffer.write(cell === null || cell === undefined ? '?' : cell ? 'T' : 'F', offset, 'ascii');
      else buffer.write((cell as string).padStart(c.width, ' '), offset, 'ascii');
      offset += c.width;
    }
  }
  buffer.writeUInt8(0x1a, offset);
  return { dbf: buffer, truncated };
}

/**
 * A zipped Shapefile `<name>.shp/.shx/.dbf/.prj/.cpg`. The .prj is always WGS84's: GCJ-02 and
 * BD-09 have no EPSG code and no WKT a GIS would understand, so a GCJ-02 export carries WGS84's
 * .prj and a README.txt saying what the coordinates really are (a GIS then draws them a few
 * hundred metres off, exactly as 高德 or 百度 would expect them).
 */
export function zipShapefile(
  name: string,
  fields: DbfField[],
  records: ShapeRecord[],
  options: { encode?: Encoder; cpg?: string; ldid?: number; readme?: string; date?: Date } = {},
): { zip: Buffer; truncated: number } {
  const { shp, shx } = writeShapes(records.map((r) => r.geometry));
  const { dbf, truncated } = writeDbf(
    fields,
    records.map((r) => r.properties),
    {
      ...(options.encode ? { encode: options.encode } : {}),
      ...(options.ldid !== undefined ? { ldid: options.ldid } : {}),
      ...(options.date ? { date: options.date } : {}),
    },
  );
  const entries = [
    { name: `${name}.shp`, data: shp },
    { name: `${name}.shx`, data: shx },
    { name: `${name}.dbf`, data: dbf },
    { name: `${name}.prj`, data: Buffer.from(WGS84_PRJ, 'ascii') },
    { name: `${name}.cpg`, data: Buffer.from(options.cpg ?? 'UTF-8', 'ascii') },
  ];
  if (options.readme) entries.push({ name: 'README.txt', data: Buffer.from(options.readme, 'utf8') });
  return { zip: zip(entries, options.date), truncated };
}
