/**
 * Writes to grids and responsibility zones (issue 7): create, patch, delete, history and restore,
 * under /api/grids and /api/zones. Planners inside their scopes, admins anywhere.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon } from 'geojson';
import { z } from 'zod';
import { AreaInput, LineStringInput } from './geometry';
import type { GridProps } from './grids';
import { INT4_MAX, integerParam, queryObject, serialId, uuidParam } from './params';
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

export const EditVersion = (what: string) =>
  z
    .number({ error: `${what} must be the version number you edited` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} starts at 1`)
    .max(INT4_MAX, `${what} is out of range`);

export const Area = AreaInput({ maxVertices: MAX_AREA_VERTICES });

export const GridFields = {
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

/**
 * `POST /api/grids/:id/restore` (and zones): save `to_version`'s geometry and attributes on top of
 * `version`. For a deleted grid or zone, `version` is the version that was deleted (the last entry of
 * its history), and the row comes back under its own id. `geometry`, when sent, is saved instead of
 * `to_version`'s: the fix a 422 offered (say clip_to_neighbours, when the space was taken since).
 */
export const RestoreAreaBody = z.strictObject({
  version: EditVersion('version'),
  to_version: EditVersion('to_version'),
  geometry: Area.optional(),
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

/** What a history row records (migrations 20261202T0300 and T0900 hold the same list in a CHECK). */
export const EDIT_ACTIONS = ['insert', 'update', 'delete', 'restore', 'split', 'merge', 'renumber', 'import'] as const;
export type EditAction = (typeof EDIT_ACTIONS)[number];

export type EditHistoryEntry = {
  version: number;
  action: EditAction;
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

const CommunityId = z
  .number({ error: 'community must be the community region id the grids lie in' })
  .int('community must be a whole number')
  .min(1, 'community must be a region id')
  .max(INT4_MAX, 'community is out of range');

/** A community has at most 999 grids: the CJ/T 349-2010 sequence has 3 digits. */
export const MAX_GRIDS_PER_COMMUNITY = 999;

/**
 * `POST /api/grids/renumber`: every grid of the community, each at the version the planner saw, so
 * that nobody's edit is renumbered unseen. The sequence is rewritten west to east, north to south.
 */
export const RenumberGridsBody = z.strictObject({
  community: CommunityId,
  grids: z
    .array(z.strictObject({ id: uuidParam('grid id'), version: EditVersion('version') }), {
      error: 'grids must be an array of { id, version }: every grid of the community, at the version you saw',
    })
    .min(1, 'list every grid of the community')
    .max(MAX_GRIDS_PER_COMMUNITY, `a community has at most ${MAX_GRIDS_PER_COMMUNITY} grids (3-digit sequence)`)
    .refine((list) => new Set(list.map((g) => g.id)).size === list.length, 'grids lists each grid once'),
});
export type RenumberGridsRequest = z.input<typeof RenumberGridsBody>;
export type RenumberGridsParams = z.output<typeof RenumberGridsBody>;

/**
 * The answer to a renumber: every grid of the community in its new sequence order. A grid whose
 * code did not change keeps its version; the others are at version + 1, all under `changeId`
 * (null when no code changed, and nothing was written).
 */
export type RenumberedGrids = FeatureCollection<MultiPolygon, GridProps> & {
  changeId: string | null;
  /** How many codes changed. */
  renumbered: number;
};

/** `GET /api/grids/history?community=&limit=&before=`: a community's grid and zone history, newest first. */
export const CommunityHistoryQuery = queryObject({
  community: serialId('community region id'),
  limit: integerParam({ what: 'number of entries', min: 1, max: 200, rangeMessage: 'limit must be 1–200' }).default(50),
  /** The `next` of the page before: entries older than this entry id. */
  before: integerParam({
    what: 'history entry id (the next of the page before)',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  }).optional(),
});
export type CommunityHistoryRequest = z.input<typeof CommunityHistoryQuery>;
export type CommunityHistoryParams = z.output<typeof CommunityHistoryQuery>;

export type CommunityHistoryEntry = {
  /** The history entry's id: pass it as `before` to page on. */
  id: string;
  table: 'grid' | 'zone';
  rowId: string;
  /** The row's version after the change (for a delete, the version deleted). */
  version: number;
  action: EditAction;
  at: string;
  changedBy: string | null;
  changeId: string;
  /** The grid's code (null for a zone), and the name, as they were after the change (or before a delete). */
  code: string | null;
  name: string;
  /**
   * What the change touched: 'geometry' and the names of the columns whose values differ between
   * before and after (snake_case, as history snapshots keep them). Values are not listed here: GET
   * the row's history for them.
   */
  changed: string[];
};
export type CommunityHistory = {
  community: { id: number; code: string; name: string };
  entries: CommunityHistoryEntry[];
  /** The `before` for the next (older) page, or null on the last page. */
  next: string | null;
};
