/**
 * The pure half of the road import: OSM tags to road classes, names and oneway flags, and noding
 * ways into segments between junctions. The parsers feed it; `import.ts` writes what it returns.
 */
import gcoord from 'gcoord';
import { ROAD_CLASSES, type RoadClass } from '../routing/profiles';

/** A file the user named is not what it claims to be; the CLI prints the message without a stack. */
export class RoadsInputError extends Error {
  override name = 'RoadsInputError';
}

// The classes the `road` table holds are the router's (one list, so an import never yields a
// class the router would have to guess at).
export { ROAD_CLASSES, type RoadClass } from '../routing/profiles';

const ROAD_CLASS_SET: ReadonlySet<string> = new Set(ROAD_CLASSES);

/** Tags that are roads under another name; anything else not in ROAD_CLASSES is not a road. */
const CLASS_ALIASES: Readonly<Record<string, RoadClass>> = {
  road: 'unclassified',
  bridleway: 'path',
  busway: 'service',
};

/**
 * Maps an OSM `highway=*` value to a road class, or `null` for things that are not (yet) roads:
 * proposed, construction, platform, raceway, bus_stop, elevator, corridor, …
 */
export function roadClass(highway: string): RoadClass | null {
  if (ROAD_CLASS_SET.has(highway)) return highway as RoadClass;
  return CLASS_ALIASES[highway] ?? null;
}

/** `name:zh` wins over `name`; either alone is used; blank names are no names. */
export function roadName(tags: Readonly<Record<string, string | undefined>>): string | null {
  const zh = tags['name:zh']?.trim();
  if (zh) return zh;
  const name = tags.name?.trim();
  return name ? name : null;
}

/** `forward`: one way along the drawn direction; `reverse`: one way against it (`oneway=-1`). */
export type Oneway = 'no' | 'forward' | 'reverse';

/**
 * OSM oneway semantics (https://wiki.openstreetmap.org/wiki/Key:oneway): `yes|true|1` and `-1`
 * are one way; roundabouts and motorways are one way unless tagged `oneway=no`. Time-dependent
 * values (`reversible`, `alternating`) are treated as two-way: the router has no clock.
 */
export function onewayFromTags(tags: Readonly<Record<string, string | undefined>>): Oneway {
  const value = tags.oneway?.trim().toLowerCase();
  if (value === 'yes' || value === 'true' || value === '1') return 'forward';
  if (value === '-1' || value === 'reverse') return 'reverse';
  if (value === 'no' || value === 'false' || value === '0') return 'no';
  const junction = tags.junction;
  if (junction === 'roundabout' || junction === 'circular' || tags.highway === 'motorway') return 'forward';
  return 'no';
}

/** One `highway=*` way as a parser reads it, before noding. `nodeIds` index a `NodeStore`'s ids. */
export type ParsedWay = { classTag: string; name: string | null; oneway: Oneway; nodeIds: number[] };

/** Reads a way's tags into a `ParsedWay`, or `null` when it has no `highway=*` or is an area. */
export function wayFromTags(tags: Readonly<Record<string, string | undefined>>, nodeIds: number[]): ParsedWay | null {
  const classTag = tags.highway;
  if (!classTag) return null;
  // `highway=pedestrian` + `area=yes` is a square's outline, not a street to walk along.
  if (tags.area === 'yes') return null;
  return { classTag, name: roadName(tags), oneway: onewayFromTags(tags), nodeIds };
}

/**
 * Node coordinates by id, kept in typed arrays: a city extract has millions of nodes, and a `Map`
 * of `{lng, lat}` objects costs several times more memory than a `Map<number, index>` plus floats.
 */
export class NodeStore {
  private readonly index = new Map<number, number>();
  private coordinates = new Float64Array(2 * 1024);
  size = 0;

  /** Adds (or, for a repeated id, overwrites) a node. */
  set(id: number, lng: number, lat: number): void {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.size++;
      this.index.set(id, i);
      if (2 * this.size > this.coordinates.length) {
        const grown = new Float64Array(this.coordinates.length * 2);
        grown.set(this.coordinates);
        this.coordinates = grown;
      }
    }
    this.coordinates[2 * i] = lng;
    this.coordinates[2 * i + 1] = lat;
  }

  /** `[lng, lat]`, or `undefined` for a node the file does not contain. */
  get(id: number): [number, number] | undefined {
    const i = this.index.get(id);
    if (i === undefined) return undefined;
    return [this.coordinates[2 * i]!, this.coordinates[2 * i + 1]!];
  }
}

/** What every parser returns: the nodes, the highway ways, and what it had to skip. */
export type ParsedRoads = {
  nodes: NodeStore;
  ways: ParsedWay[];
  /** Features or geometries the parser could not read as lines (GeoJSON only). */
  skippedFeatures: number;
};

/** One `road` row: a street segment between two junctions (or a junction and a dead end). */
export type RoadSegment = {
  class: RoadClass;
  name: string | null;
  oneway: boolean;
  coordinates: [number, number][];
};

export type Crs = 'wgs84' | 'gcj02' | 'bd09';

export const CRS_VALUES: readonly Crs[] = ['wgs84', 'gcj02', 'bd09'];

export type NodingReport = {
  waysRead: number;
  /** Ways dropped because their `highway=*` is not a road, by tag. */
  droppedByTag: Record<string, number>;
  /** Nodes with a longitude outside −180..180 or a latitude outside −90..90 (or not numbers). */
  badCoordinates: number;
  /** Node references the file has no coordinates for (clipped extracts cut ways at the edge). */
  missingNodes: number;
  /** Segments with fewer than two distinct points. */
  degenerateSegments: number;
};

export function isValidCoordinate(lng: number, lat: number): boolean {
  return Number.isFinite(lng) && Number.isFinite(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

/** 7 decimals (~1 cm) is what OSM stores and what the router reads back (`ST_AsGeoJSON(geom, 7)`). */
const round7 = (value: number) => Math.round(value * 1e7) / 1e7;

function converter(crs: Crs): (lng: number, lat: number) => [number, number] {
  if (crs === 'wgs84') return (lng, lat) => [round7(lng), round7(lat)];
  const from = crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
  return (lng, lat) => {
    const [x, y] = gcoord.transform([lng, lat], from, gcoord.WGS84) as [number, number];
    return [round7(x), round7(y)];
  };
}

/**
 * Splits every road way into segments at each node used more than once (by two ways, or twice by
 * one) and at bad or missing nodes, so each segment's interior vertices are shape only and its
 * endpoints are the junctions the router builds its graph from. `oneway=-1` ways are reversed
 * first, so every stored one-way segment runs in its direction of travel. Input that is already
 * noded comes out unchanged.
 */
export function nodeRoads(
  parsed: ParsedRoads,
  options: { crs?: Crs } = {},
): { segments: RoadSegment[]; report: NodingReport } {
  const { nodes } = parsed;
  const report: NodingReport = {
    waysRead: parsed.ways.length,
    droppedByTag: {},
    badCoordinates: 0,
    missingNodes: 0,
    degenerateSegments: 0,
  };
  const roads: { way: ParsedWay; class: RoadClass }[] = [];
  for (const way of parsed.ways) {
    const cls = roadClass(way.classTag);
    if (cls) roads.push({ way, class: cls });
    else report.droppedByTag[way.classTag] = (report.droppedByTag[way.classTag] ?? 0) + 1;
  }

  // How often each node is used across all road ways; 2 or more makes it a junction.
  const uses = new Map<number, number>();
  for (const { way } of roads) for (const id of way.nodeIds) uses.set(id, (uses.get(id) ?? 0) + 1);

  // Each bad or missing node is reported once however many ways use it.
  const convert = converter(options.crs ?? 'wgs84');
  const resolved = new Map<number, [number, number] | null>();
  const coordinateOf = (id: number): [number, number] | null => {
    const known = resolved.get(id);
    if (known !== undefined) return known;
    const raw = nodes.get(id);
    let result: [number, number] | null = null;
    if (!raw) report.missingNodes++;
    else if (!isValidCoordinate(raw[0], raw[1])) report.badCoordinates++;
    else result = convert(raw[0], raw[1]);
    resolved.set(id, result);
    return result;
  };

  const segments: RoadSegment[] = [];
  for (const { way, class: cls } of roads) {
    const ids = way.oneway === 'reverse' ? [...way.nodeIds].reverse() : way.nodeIds;
    const base = { class: cls, name: way.name, oneway: way.oneway !== 'no' };
    let current: [number, number][] = [];
    const close = () => {
      if (current.length === 0) return;
      if (current.length >= 2) segments.push({ ...base, coordinates: current });
      else report.degenerateSegments++;
      current = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const point = coordinateOf(id);
      if (!point) {
        close();
        continue;
      }
      const last = current[current.length - 1];
      // Two nodes at the same spot add nothing to the shape.
      if (!last || last[0] !== point[0] || last[1] !== point[1]) current.push(point);
      if (i > 0 && i < ids.length - 1 && (uses.get(id) ?? 0) >= 2) {
        close();
        current.push(point);
      }
    }
    close();
  }
  return { segments, report };
}
