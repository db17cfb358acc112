/**
 * KML (from 天地图, 奥维 and Google Earth) and KMZ, read with @tmcw/togeojson on an @xmldom/xmldom
 * document. Folders are kept: each feature records the folders it sits in (`folders`, outermost
 * first), and the summary lists them, since 奥维 files often file one community per folder.
 */
import { DOMParser } from '@xmldom/xmldom';
import { type F, type Folder, kmlWithFolders } from '@tmcw/togeojson';
import { checkGeometry } from './geometry';
import { unzip } from './unzip';
import { ImportInputError, type ParsedFile, type SourceFeature } from './types';

/** Properties togeojson adds from a placemark's style, not its data. */
const STYLE_KEYS = new Set([
  'styleUrl',
  'styleHash',
  'styleMapHash',
  'stroke',
  'stroke-opacity',
  'stroke-width',
  'fill',
  'fill-opacity',
  'icon',
  'icon-color',
  'icon-opacity',
  'icon-scale',
  'label-color',
  'label-opacity',
  'label-scale',
  'visibility',
]);

export function parseKmlText(text: string): ParsedFile {
  const errors: string[] = [];
  let document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(text.replace(/^\uFEFF/, ''), 'text/xml');
  } catch (error) {
    throw new ImportInputError(`not valid KML (XML): ${(error as Error).message.split('\n')[0]}`);
  }
  if (errors.length) throw new ImportInputError(`not valid KML (XML): ${errors[0]!.split('\n')[0]}`);
  if (!document.getElementsByTagName('kml').length && !document.getElementsByTagName('Placemark').length) {
    throw new ImportInputError('not KML: no <kml> element and no placemarks');
  }
  const root = kmlWithFolders(document);
  const features: SourceFeature[] = [];
  const fields = new Set<string>();
  const folderNames = new Set<string>();
  let closed = 0;
  const walk = (children: (Folder | F)[], path: string[]) => {
    for (const child of children) {
      if (child.type === 'folder') {
        const name = typeof child.meta.name === 'string' ? child.meta.name : '(unnamed folder)';
        folderNames.add([...path, name].join(' / '));
        walk(child.children, [...path, name]);
        continue;
      }
      const number = features.length + 1;
      const properties: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(child.properties ?? {})) {
        if (STYLE_KEYS.has(key)) continue;
        properties[key] = value;
        fields.add(key);
      }
      const checked = checkGeometry(child.geometry);
      if ('problem' in checked) {
        features.push({ number, geometry: null, properties, folders: path, problem: checked.problem });
      } else {
        closed += checked.closedRings;
        features.push({ number, geometry: checked.geometry, properties, folders: path });
      }
    }
  };
  walk(root.children, []);
  const notes: string[] = [];
  if (folderNames.size) {
    const list = [...folderNames];
    notes.push(`folders: ${list.slice(0, 8).join('; ')}${list.length > 8 ? `; … (${list.length} in all)` : ''}`);
  }
  if (closed) notes.push(`closed ${closed} ring${closed === 1 ? '' : 's'} left open`);
  return { format: 'kml', features, fields: [...fields], notes };
}

/** A KMZ is a zip whose first .kml (usually doc.kml) is the document. */
export function parseKmz(zip: Buffer): ParsedFile {
  const entries = unzip(zip).filter((e) => /\.kml$/i.test(e.name));
  const doc = entries.find((e) => /(^|\/)doc\.kml$/i.test(e.name)) ?? entries[0];
  if (!doc) throw new ImportInputError('the KMZ holds no .kml document');
  return parseKmlText(doc.data.toString('utf8'));
}
