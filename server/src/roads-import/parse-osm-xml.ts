/**
 * Streams OpenStreetMap XML (`.osm`) with sax: files run to gigabytes, so nothing but the nodes'
 * coordinates and the highway ways is kept.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import sax from 'sax';
import { NodeStore, type ParsedRoads, type ParsedWay, RoadsInputError, wayFromTags } from './normalize';

export type ParseOptions = {
  /** Called with the bytes read so far, at most once per chunk. */
  onProgress?: (bytesRead: number) => void;
};

/** Opens a path as a stream, or takes a stream as is (tests pass in-memory ones). */
export function openSource(source: string | Readable): Readable {
  return typeof source === 'string' ? createReadStream(source) : source;
}

export async function parseOsmXml(source: string | Readable, options: ParseOptions = {}): Promise<ParsedRoads> {
  const nodes = new NodeStore();
  const ways: ParsedWay[] = [];
  let way: { nodeIds: number[]; tags: Record<string, string> } | null = null;

  const parser = sax.parser(true);
  parser.onopentag = (element) => {
    const attributes = element.attributes as Record<string, string>;
    switch (element.name) {
      case 'node':
        nodes.set(Number(attributes.id), Number(attributes.lon), Number(attributes.lat));
        break;
      case 'way':
        way = { nodeIds: [], tags: {} };
        break;
      case 'nd':
        way?.nodeIds.push(Number(attributes.ref));
        break;
      case 'tag':
        if (way && attributes.k !== undefined) way.tags[attributes.k] = attributes.v ?? '';
        break;
    }
  };
  parser.onclosetag = (name) => {
    if (name !== 'way' || !way) return;
    const parsed = wayFromTags(way.tags, way.nodeIds);
    if (parsed) ways.push(parsed);
    way = null;
  };
  let error: Error | null = null;
  parser.onerror = (e) => {
    error ??= e;
  };

  const stream = openSource(source);
  stream.setEncoding('utf8');
  let bytesRead = 0;
  for await (const chunk of stream) {
    const text = chunk as string;
    parser.write(text);
    if (error) break;
    bytesRead += Buffer.byteLength(text);
    options.onProgress?.(bytesRead);
  }
  if (!error) parser.close();
  if (error) {
    stream.destroy();
    const first = (error as Error).message.split('\n')[0];
    throw new RoadsInputError(`not valid OSM XML: ${first}`);
  }
  return { nodes, ways, skippedFeatures: 0 };
}
