/**
 * Reads LineString and MultiLineString features as road ways. GeoJSON has no node ids, so points
 * with the same coordinates become the same node: that is how lines drawn to meet are joined.
 */
import { readFile } from 'node:fs/promises';
import { NodeStore, type ParsedRoads, type ParsedWay, RoadsInputError, wayFromTags } from './normalize';
import type { ParseOptions } from './parse-osm-xml';

type Properties = Record<string, unknown> | null | undefined;

/** Our props (`class`, `oneway: boolean`) or OSM's (`highway`, `oneway: "yes"`) as OSM-style tags. */
function tagsOf(properties: Properties): Record<string, string | undefined> {
  const props = properties ?? {};
  const text = (value: unknown) =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  const oneway = props.oneway;
  return {
    highway: text(props.class) ?? text(props.highway),
    name: text(props.name),
    'name:zh': text(props['name:zh']),
    oneway: typeof oneway === 'boolean' ? (oneway ? 'yes' : 'no') : text(oneway),
    junction: text(props.junction),
    area: props.area === true ? 'yes' : text(props.area),
  };
}

const isPosition = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === 'number');

/** Takes a FeatureCollection, a Feature or a bare geometry; other geometry types are skipped. */
export function parseGeojson(value: unknown): ParsedRoads {
  const nodes = new NodeStore();
  const ids = new Map<string, number>();
  const nodeId = (position: number[]) => {
    const [lng, lat] = position as [number, number];
    const key = `${lng},${lat}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      nodes.set(id, lng, lat);
    }
    return id;
  };
  const ways: ParsedWay[] = [];
  let skippedFeatures = 0;

  const addLine = (line: unknown, tags: Record<string, string | undefined>) => {
    if (!Array.isArray(line) || !line.every(isPosition)) {
      skippedFeatures++;
      return;
    }
    const way = wayFromTags(tags, line.map(nodeId));
    if (way) ways.push(way);
  };
  const addFeature = (feature: unknown) => {
    const f = feature as {
      type?: unknown;
      geometry?: { type?: unknown; coordinates?: unknown };
      properties?: Properties;
    };
    const geometry = f?.type === 'Feature' ? f.geometry : (f as { type?: unknown; coordinates?: unknown });
    const tags = tagsOf(f?.type === 'Feature' ? f.properties : undefined);
    if (geometry?.type === 'LineString') addLine(geometry.coordinates, tags);
    else if (geometry?.type === 'MultiLineString' && Array.isArray(geometry.coordinates)) {
      for (const line of geometry.coordinates) addLine(line, tags);
    } else skippedFeatures++;
  };

  const root = value as { type?: unknown; features?: unknown };
  if (root?.type === 'FeatureCollection' && Array.isArray(root.features)) root.features.forEach(addFeature);
  else if (root?.type === 'Feature' || root?.type === 'LineString' || root?.type === 'MultiLineString')
    addFeature(root);
  else throw new RoadsInputError('not a GeoJSON FeatureCollection, Feature or line geometry');
  return { nodes, ways, skippedFeatures };
}

/** GeoJSON is one JSON value, so it is read whole; road files of a city are tens of megabytes. */
export async function parseGeojsonFile(path: string, options: ParseOptions = {}): Promise<ParsedRoads> {
  const text = await readFile(path, 'utf8');
  options.onProgress?.(Buffer.byteLength(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RoadsInputError(`not valid JSON: ${(error as Error).message}`);
  }
  return parseGeojson(value);
}
