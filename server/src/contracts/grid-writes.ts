/**
 * Writes to grids and responsibility zones (issue 7): create, patch, delete, history and restore,
 * under /api/grids and /api/zones. Planners inside their scopes, admins anywhere.
 */
import type { Feature, Geometry, MultiPolygon } from 'geojson';
import { z } from 'zod';
import { AreaInput, LineStringInput } from './geometry';
import type { GridProps } from './grids';
import { INT4_MAX, integerParam, queryObject, uuidParam } from './params';
import type { ZoneProps } from './zones';

/** A grid boundary a planner drew: enough for a detailed street block, far from a megabyte. */
export const MAX_AREA_VERTICES = 20_000;

export const GRID_KINDS = ['basic', 'dedicated'] as const;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .max(max, `${what} must be at most ${max} characters`);

const count = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} must be 0 or more`)
    .max(INT4_MAX, `${what} is out of range`);

const EditVersion = (what: string) =>
  z
    .number({ error: `${what} must be the version number you edited` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} starts at 1`)
    .max(INT4_MAX, `${what} is out of range`);

const Area = AreaInput({ maxVertices: MAX_AREA_VERTICES });

const GridFields = {
  /** CJ/T 349-2010: the community's 12-digit code + a 3-digit sequence; generated when left out. */
  code: z
    .string({ error: 'code must be a string' })
    .regex(/^[0-9]{15}$/, 'code must be 15 digits: the 12-digit community code and a 3-digit sequence'),
  name: text('name', 100).min(1, 'name must not be empty'),
  kind: z.enum(GRID_KINDS, { error: `kind must be one of ${GRID_KINDS.join(', ')}` }),
  households: count('households'),
  population: count('population'),
  workerName: text('workerName', 50).nullable(),
  workerPhone: text('workerPhone', 40)
    .regex(/^[0-9+\-() ]*$/, 'workerPhone may hold digits, spaces and + - ( ) only')
    .nullable(),
};

export const CreateGridBody = z.strictObject({
  /** The community region id; found by containment when left out. */
  community: z
    .number({ error: 'community must be a community region id' })
    .int('community must be a whole number')
    .min(1, 'community must be a region id')
    .max(INT4_MAX, 'community is out of range')
    .optional(),
  geometry: Area,
  properties: z.strictObject({
    code: GridFields.code.optional(),
    name: GridFields.name,
    kind: GridFields.kind.default('basic'),
    households: GridFields.households.default(0),
    population: GridFields.population.default(0),
    workerName: GridFields.workerName.default(null),
    workerPhone: GridFields.workerPhone.default(null),
  }),
});
export type CreateGridRequest = z.input<typeof CreateGridBody>;
export type CreateGridParams = z.output<typeof CreateGridBody>;

export const UpdateGridBody = z
  .strictObject({
    version: EditVersion('version'),
    geometry: Area.optional(),
    properties: z
      .strictObject({
        code: GridFields.code.optional(),
        name: GridFields.name.optional(),
        kind: GridFields.kind.optional(),
        households: GridFields.households.optional(),
        population: GridFields.population.optional(),
        workerName: GridFields.workerName.optional(),
        workerPhone: GridFields.workerPhone.optional(),
      })
      .optional(),
  })
  .refine(
    (body) => body.geometry !== undefined || body.properties !== undefined,
    'say what to change: geometry or properties',
  );
export type UpdateGridRequest = z.input<typeof UpdateGridBody>;
export type UpdateGridParams = z.output<typeof UpdateGridBody>;

export const CreateZoneBody = z.strictObject({
  /** The grid the zone lies in; its community is the grid's. */
  grid: uuidParam('grid id'),
  geometry: Area,
  properties: z.strictObject({
    name: text('name', 100).min(1, 'name must not be empty'),
    /** The responsible unit (包保单位). */
    unit: text('unit', 100).min(1, 'unit must not be empty'),
  }),
});
export type CreateZoneRequest = z.input<typeof CreateZoneBody>;
export type CreateZoneParams = z.output<typeof CreateZoneBody>;

export const UpdateZoneBody = z
  .strictObject({
    version: EditVersion('version'),
    geometry: Area.optional(),
    properties: z
      .strictObject({
        name: text('name', 100).min(1, 'name must not be empty').optional(),
        unit: text('unit', 100).min(1, 'unit must not be empty').optional(),
      })
      .optional(),
  })
  .refine(
    (body) => body.geometry !== undefined || body.properties !== undefined,
    'say what to change: geometry or properties',
  );
export type UpdateZoneRequest = z.input<typeof UpdateZoneBody>;
export type UpdateZoneParams = z.output<typeof UpdateZoneBody>;

export const GridIdPath = z.strictObject({ id: uuidParam('grid id') });
export const ZoneIdPath = z.strictObject({ id: uuidParam('zone id') });

export const DeleteAreaQuery = queryObject({
  version: integerParam({
    what: 'version (the version you deleted)',
    min: 1,
    max: INT4_MAX,
    rangeMessage: 'must be the version you deleted, 1 or more',
  }),
});

/** `POST /api/grids/:id/restore`: save `to_version`'s geometry and attributes on top of `version`. */
export const RestoreAreaBody = z.strictObject({
  version: EditVersion('version'),
  to_version: EditVersion('to_version'),
});
export type RestoreAreaRequest = z.input<typeof RestoreAreaBody>;

export type GridFeature = Feature<MultiPolygon, GridProps> & {
  /**
   * After a boundary moved: the grid's zones that now stick out of it, each with the part outside
   * and a "clip to grid" fix (a PATCH of the zone with that geometry). Absent when there are none.
   */
  zonesOutside?: { id: string; name: string; version: number; geometry: MultiPolygon; fixes: GridRuleFix[] }[];
};
export type ZoneFeature = Feature<MultiPolygon, ZoneProps>;

export const GRID_RULES = ['valid_geometry', 'inside_parent', 'no_overlap', 'no_sliver'] as const;
export type GridRule = (typeof GRID_RULES)[number];

/** One way to make a refused save pass: `geometry` is what it would save (send it back as is). */
export type GridRuleFix = { kind: string; description: string; geometry: MultiPolygon };

/** The 422 body's details, `{ error: { code: 'grid_rule', message, details } }`. */
export type GridRuleDetails = {
  rule: GridRule;
  /** The grids (or zones, or the parent) involved. */
  others: { id: string | number; code: string | null; name: string }[];
  /** The offending part, for the client to draw in red. */
  geometry: Geometry | null;
  fixes: GridRuleFix[];
};

/** `DELETE /api/grids/:id` answers 200 with this: the grid's area is now a gap in its community. */
export type AreaDeleted = {
  id: string;
  version: number;
  /** The part of the parent no longer covered, and its area. */
  gap: { geometry: MultiPolygon | null; area_m2: number };
  /** Zones that sat in the deleted grid and now belong to no grid. */
  orphanedZones?: string[];
  message: string;
};

export type EditHistoryEntry = {
  version: number;
  action: 'insert' | 'update' | 'delete' | 'restore' | 'split' | 'merge';
  at: string;
  changedBy: string | null;
  changeId: string;
  before: { geometry: MultiPolygon; properties: Record<string, unknown> } | null;
  after: { geometry: MultiPolygon; properties: Record<string, unknown> } | null;
};
export type EditHistory = { id: string; table: 'grid' | 'zone'; entries: EditHistoryEntry[] };

/** `POST /api/grids/:id/split`: cut the grid along a line drawn across it, from outside to outside. */
export const SplitGridBody = z.strictObject({
  version: EditVersion('version'),
  line: LineStringInput({ maxVertices: 1_000 }),
});
export type SplitGridRequest = z.input<typeof SplitGridBody>;

/** `POST /api/grids/merge`: adjacent grids of one community, each at the version you saw; the first keeps its id. */
export const MergeGridsBody = z.strictObject({
  grids: z
    .array(z.strictObject({ id: uuidParam('grid id'), version: EditVersion('version') }), {
      error: 'grids must be an array of { id, version }',
    })
    .min(2, 'merge at least 2 grids')
    .max(20, 'merge at most 20 grids at once')
    .refine((list) => new Set(list.map((g) => g.id)).size === list.length, 'grids lists each grid once'),
});
export type MergeGridsRequest = z.input<typeof MergeGridsBody>;
export type MergeGridsParams = z.output<typeof MergeGridsBody>;
