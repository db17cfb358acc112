/**
 * Streams OpenStreetMap PBF (`.osm.pbf`) with osm-pbf-parser, an old readable-stream (v2) Transform
 * from CommonJS without types or async iteration: it is fed by hand and drained through events.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { NodeStore, type ParsedRoads, type ParsedWay, RoadsInputError, wayFromTags } from './normalize';
import { openSource, type ParseOptions } from './parse-osm-xml';

type PbfItem =
  | { type: 'node'; id: number; lat: number; lon: number }
  | { type: 'way'; id: number; tags: Record<string, string>; refs: number[] }
  | { type: 'relation' };

/** The parts of the readable-stream v2 Duplex the parser returns that we use. */
type PbfParser = {
  write(chunk: Buffer): boolean;
  end(): void;
  on(event: 'data', listener: (items: PbfItem[]) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  once(event: 'drain', listener: () => void): void;
};

const require = createRequire(import.meta.url);
const createPbfParser = require('osm-pbf-parser') as () => PbfParser;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function parseOsmPbf(source: string | Readable, options: ParseOptions = {}): Promise<ParsedRoads> {
  const nodes = new NodeStore();
  const ways: ParsedWay[] = [];
  const parser = createPbfParser();
  parser.on('data', (items) => {
    for (const item of items) {
      if (item.type === 'node') nodes.set(item.id, item.lon, item.lat);
      else if (item.type === 'way') {
        const way = wayFromTags(item.tags, item.refs);
        if (way) ways.push(way);
      }
    }
  });
  let failure: unknown = null;
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', (error) => {
      failure ??= error;
      reject(new RoadsInputError(`not a valid OSM PBF file: ${message(error)}`));
    });
  });
  // Swallowed here, reported by `await ended` below (or by the loop, which checks `failure`).
  ended.catch(() => {});

  const stream = openSource(source);
  let bytesRead = 0;
  try {
    for await (const chunk of stream) {
      if (failure) break;
      const buffer = chunk as Buffer;
      // The blob parser waits silently for a 1.7 GB header when given text; the format caps it at 64 KiB.
      if (bytesRead === 0 && buffer.length >= 4 && buffer.readUInt32BE(0) > 64 * 1024) {
        throw new RoadsInputError('not a valid OSM PBF file: it does not start with a blob header');
      }
      // The blob parser throws (a string) synchronously on blobs it cannot read.
      const more = parser.write(buffer);
      bytesRead += buffer.length;
      options.onProgress?.(bytesRead);
      if (!more) await Promise.race([new Promise<void>((resolve) => parser.once('drain', resolve)), ended]);
    }
    if (!failure) parser.end();
  } catch (error) {
    stream.destroy();
    // File-system errors (ENOENT, EACCES, …) are the caller's to word.
    if (error instanceof RoadsInputError || (error instanceof Error && 'code' in error)) throw error;
    throw new RoadsInputError(`not a valid OSM PBF file: ${message(error)}`);
  }
  await ended;
  if (bytesRead > 0 && nodes.size === 0 && ways.length === 0) {
    throw new RoadsInputError('not a valid OSM PBF file: no nodes or ways in it');
  }
  return { nodes, ways, skippedFeatures: 0 };
}
