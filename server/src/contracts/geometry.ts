/**
 * GeoJSON geometry input (RFC 7946: WGS84, `[lng, lat]`) for the write paths: grids, zones,
 * stations and imports. These schemas check what can be checked cheaply in Node, with messages that
 * name the ring and position to fix: the type, finite numbers, longitude and latitude ranges
 * (hinting at swapped `[lat, lng]`), closed rings of at least four positions, and a cap on the
 * vertex count. Whether edges cross is left to PostGIS (`ST_IsValidReason`) in the write paths.
 */
import type { Geometry, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import { z } from 'zod';

export type GeometryInputType = 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon';
type GeometryOf<T extends GeometryInputType> = Extract<Geometry, { type: T }>;

export type GeometryLimits = {
  /** The most positions the whole geometry may have (100,000 unless said). */
  maxVertices?: number;
};

export const DEFAULT_MAX_VERTICES = 100_000;

/** After this many problems, stop listing: one bad import could otherwise fill a megabyte of messages. */
const MAX_ISSUES = 10;

type Path = (string | number)[];

class Checker {
  issues: { path: Path; message: string }[] = [];
  vertices = 0;
  tooMany = false;
  constructor(readonly maxVertices: number) {}

  get full() {
    return this.issues.length >= MAX_ISSUES || this.tooMany;
  }

  add(path: Path, message: string) {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }

  /** Counts positions; once past the cap, one issue and nothing more is checked. */
  count(n: number, path: Path): boolean {
    this.vertices += n;
    if (this.vertices > this.maxVertices && !this.tooMany) {
      this.tooMany = true;
      this.issues.push({
        path,
        message: `the geometry has more than ${this.maxVertices.toLocaleString('en')} positions; simplify it or split it`,
      });
    }
    return !this.tooMany;
  }

  position(value: unknown, path: Path, where: string): value is [number, number] {
    if (!Array.isArray(value)) {
      this.add(path, `${where} must be a position [lng, lat], not ${describe(value)}`);
      return false;
    }
    if (value.length < 2 || value.length > 3) {
      this.add(path, `${where} must be [lng, lat] (or [lng, lat, elevation]); it has ${value.length} numbers`);
      return false;
    }
    if (!value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      this.add(path, `${where} must hold finite numbers; it holds ${value.map(describe).join(', ')}`);
      return false;
    }
    const [lng, lat] = value as [number, number];
    if (Math.abs(lng) <= 90 && Math.abs(lat) > 90 && Math.abs(lat) <= 180) {
      this.add(
        path,
        `${where} has latitude ${lat}, outside -90..90: coordinates look swapped: [lat, lng]? GeoJSON is [lng, lat]`,
      );
      return false;
    }
    if (Math.abs(lng) > 180) {
      this.add(path, `${where} has longitude ${lng}, outside -180..180`);
      return false;
    }
    if (Math.abs(lat) > 90) {
      this.add(path, `${where} has latitude ${lat}, outside -90..90`);
      return false;
    }
    return true;
  }

  /** An array of positions; `minimum` of them. Returns whether every position was good. */
  positions(value: unknown, path: Path, what: string, minimum: number): value is [number, number][] {
    if (!Array.isArray(value)) {
      this.add(path, `${what} must be an array of positions [lng, lat], not ${describe(value)}`);
      return false;
    }
    if (!this.count(value.length, path)) return false;
    if (value.length < minimum) {
      this.add(
        path,
        `${what} has ${value.length} position${value.length === 1 ? '' : 's'}; it needs at least ${minimum}`,
      );
      return false;
    }
    let good = true;
    for (let i = 0; i < value.length && !this.full; i++) {
      if (!this.position(value[i], [...path, i], `${what}, position ${i}`)) good = false;
    }
    return good && !this.full;
  }

  ring(value: unknown, path: Path, what: string) {
    if (!this.positions(value, path, what, 4)) return;
    const first = value[0]!;
    const last = value[value.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      this.add(
        path,
        `${what} is not closed: its last position ${JSON.stringify(last)} must repeat its first ${JSON.stringify(first)}`,
      );
    }
  }

  polygon(value: unknown, path: Path, prefix: string) {
    if (!Array.isArray(value)) {
      this.add(path, `${prefix || 'a polygon'} must be an array of rings, not ${describe(value)}`);
      return;
    }
    if (value.length === 0) {
      this.add(path, `${prefix || 'the polygon'} has no rings; it needs an outer ring`);
      return;
    }
    for (let r = 0; r < value.length && !this.full; r++) {
      const name = r === 0 ? 'ring 0 (the outer ring)' : `ring ${r} (hole ${r})`;
      this.ring(value[r], [...path, r], prefix ? `${prefix}, ${name}` : name);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 20 ? 'a string' : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function checkCoordinates(type: GeometryInputType, coordinates: unknown, checker: Checker) {
  const path: Path = ['coordinates'];
  switch (type) {
    case 'Point':
      if (checker.count(1, path)) checker.position(coordinates, path, 'the point');
      return;
    case 'LineString':
      checker.positions(coordinates, path, 'the line', 2);
      return;
    case 'Polygon':
      checker.polygon(coordinates, path, '');
      return;
    case 'MultiPolygon':
      if (!Array.isArray(coordinates)) {
        checker.add(path, `a MultiPolygon's coordinates must be an array of polygons, not ${describe(coordinates)}`);
        return;
      }
      if (coordinates.length === 0) {
        checker.add(path, 'the MultiPolygon has no polygons');
        return;
      }
      for (let p = 0; p < coordinates.length && !checker.full; p++) {
        checker.polygon(coordinates[p], [...path, p], `polygon ${p}`);
      }
  }
}

/**
 * A GeoJSON geometry of one of `types`, e.g. `geometryInput(['Polygon', 'MultiPolygon'])` for a
 * grid boundary. Issues carry the path to the bad part (`coordinates.0.3`) and say what to fix.
 */
export function geometryInput<const T extends GeometryInputType>(
  types: readonly [T, ...T[]],
  limits: GeometryLimits = {},
) {
  const maxVertices = limits.maxVertices ?? DEFAULT_MAX_VERTICES;
  const typeList = types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
  return z
    .custom<GeometryOf<T>>(() => true)
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a GeoJSON geometry object: { "type": "${types[0]}", "coordinates": … }`,
        });
        return;
      }
      const { type, coordinates, ...rest } = value as unknown as { type?: unknown; coordinates?: unknown } & Record<
        string,
        unknown
      >;
      if (!(types as readonly unknown[]).includes(type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message:
            type === undefined
              ? `type is missing; it must be ${typeList}`
              : `type must be ${typeList}, not ${describe(type)}`,
        });
        return;
      }
      const unknown = Object.keys(rest).filter((k) => k !== 'bbox');
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown member${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')}; a geometry has type and coordinates`,
        });
      }
      if (coordinates === undefined) {
        ctx.addIssue({ code: 'custom', path: ['coordinates'], message: 'coordinates are missing' });
        return;
      }
      const checker = new Checker(maxVertices);
      checkCoordinates(type as T, coordinates, checker);
      for (const issue of checker.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      if (checker.issues.length >= MAX_ISSUES && !checker.tooMany) {
        ctx.addIssue({ code: 'custom', message: `and maybe more: only the first ${MAX_ISSUES} problems are listed` });
      }
    })
    .meta({ description: `GeoJSON ${typeList} in WGS84 [lng, lat], at most ${maxVertices} positions` });
}

export const PointInput = geometryInput(['Point']) as z.ZodType<Point>;
export const LineStringInput = (limits?: GeometryLimits) =>
  geometryInput(['LineString'], limits) as z.ZodType<LineString>;
export const PolygonInput = (limits?: GeometryLimits) => geometryInput(['Polygon'], limits) as z.ZodType<Polygon>;
export const MultiPolygonInput = (limits?: GeometryLimits) =>
  geometryInput(['MultiPolygon'], limits) as z.ZodType<MultiPolygon>;
/** A boundary: a grid, a zone or a region; either a Polygon or a MultiPolygon. */
export const AreaInput = (limits?: GeometryLimits) => geometryInput(['Polygon', 'MultiPolygon'], limits);
