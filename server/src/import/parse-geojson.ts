/**
 * GeoJSON in the three shapes files come in: a FeatureCollection, a bare array of features (some
 * tools write that), or one Feature (or one bare geometry). A feature that cannot be read is kept,
 * with its problem, so the summary can name it; the others are read normally.
 */
import { checkGeometry } from './geometry';
import { ImportInputError, type ParsedFile, type SourceFeature } from './types';

/** DataV.GeoAtlas (阿里云) outlines carry these beside `adcode`; its coordinates are GCJ-02. */
const DATAV_KEYS = ['center', 'centroid', 'childrenNum', 'acroutes', 'subFeatureIndex'];

/** The old (2008) GeoJSON `crs` member, when it names something other than longitude/latitude. */
function projectedCrs(document: unknown): string | null {
  const crs = (document as { crs?: { properties?: { name?: unknown } } } | null)?.crs;
  const name = crs?.properties?.name;
  if (typeof name !== 'string') return null;
  return /CRS84|EPSG:+4326|EPSG:+4490/i.test(name) ? null : name;
}

export function parseGeojsonText(text: string): ParsedFile {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ImportInputError(`not valid JSON: ${(error as Error).message}`);
  }
  const notes: string[] = [];
  let items: unknown[];
  if (Array.isArray(document)) {
    items = document;
    notes.push(`a bare array of ${items.length} features`);
  } else if (document && typeof document === 'object') {
    const type = (document as { type?: unknown }).type;
    if (type === 'FeatureCollection') {
      const features = (document as { features?: unknown }).features;
      if (!Array.isArray(features)) throw new ImportInputError('a FeatureCollection without a features array');
      items = features;
    } else if (type === 'Feature') {
      items = [document];
      notes.push('one feature');
    } else if (typeof type === 'string' && type !== '') {
      items = [{ type: 'Feature', geometry: document, properties: {} }];
      notes.push(`one bare ${type} geometry`);
    } else {
      throw new ImportInputError('not GeoJSON: expected a FeatureCollection, an array of features or a Feature');
    }
  } else {
    throw new ImportInputError('not GeoJSON: expected a FeatureCollection, an array of features or a Feature');
  }
  const projected = projectedCrs(document);
  if (projected) {
    throw new ImportInputError(
      `the file declares the coordinate system ${projected}; reproject it to longitude/latitude (WGS84, CGCS2000, GCJ-02 or BD-09) first`,
    );
  }

  const fields = new Set<string>();
  let dataV = 0;
  let closed = 0;
  const features: SourceFeature[] = items.map((item, i) => {
    const number = i + 1;
    if (!item || typeof item !== 'object' || (item as { type?: unknown }).type !== 'Feature') {
      return { number, geometry: null, properties: {}, problem: 'not a GeoJSON Feature' };
    }
    const raw = (item as { properties?: unknown }).properties;
    const properties: Record<string, unknown> =
      raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
    for (const key of Object.keys(properties)) fields.add(key);
    const parent = properties.parent as { adcode?: unknown } | null | undefined;
    if (
      'adcode' in properties &&
      (DATAV_KEYS.some((k) => k in properties) ||
        typeof parent?.adcode === 'number' ||
        typeof parent?.adcode === 'string')
    )
      dataV++;
    const checked = checkGeometry((item as { geometry?: unknown }).geometry);
    if ('problem' in checked) return { number, geometry: null, properties, problem: checked.problem };
    closed += checked.closedRings;
    return { number, geometry: checked.geometry, properties };
  });
  if (closed) notes.push(`closed ${closed} ring${closed === 1 ? '' : 's'} left open`);
  const parsed: ParsedFile = { format: 'geojson', features, fields: [...fields], notes };
  // Our own exports name a non-WGS84 system in a foreign member (RFC 7946 §6.1).
  const declared = (document as { coordinate_system?: unknown } | null)?.coordinate_system;
  if (declared === 'GCJ-02' || declared === 'BD-09') {
    parsed.crsHint = {
      crs: declared === 'GCJ-02' ? 'gcj02' : 'bd09',
      reason: `the file says its coordinates are ${declared} (coordinate_system)`,
    };
  } else if (dataV && dataV >= features.length / 2) {
    parsed.crsHint = {
      crs: 'gcj02',
      reason:
        'the features carry DataV.GeoAtlas fields (adcode with parent.adcode, center or acroutes), and DataV publishes GCJ-02',
    };
  }
  return parsed;
}
