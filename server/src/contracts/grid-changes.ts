/**
 * `POST /api/grids/changes`: several grid writes of one community as one change, in one
 * transaction. The planner workspace sends it for a shared-vertex move (the vertex moves in every
 * grid that has it), and for undo and redo (the community is put back the way it was, or forward
 * again). The writes are made first and the rules checked after, on the community as it then is, so
 * two grids that swap ground are not refused for overlapping each other halfway.
 */
import type { MultiPolygon } from 'geojson';
import { z } from 'zod';
import { Area, EditVersion, GridFields, type GridFeature } from './grid-writes';
import { INT4_MAX, uuidParam } from './params';

/** A change this big is an import, not an edit (issue 8 has its own path). */
export const MAX_CHANGES = 200;

const GridPropertiesPatch = z.strictObject({
  code: GridFields.code.optional(),
  name: GridFields.name.optional(),
  kind: GridFields.kind.optional(),
  households: GridFields.households.optional(),
  population: GridFields.population.optional(),
  workerName: GridFields.workerName.optional(),
  workerPhone: GridFields.workerPhone.optional(),
});

const GridPropertiesFull = z.strictObject({
  code: GridFields.code.optional(),
  name: GridFields.name,
  kind: GridFields.kind.default('basic'),
  households: GridFields.households.default(0),
  population: GridFields.population.default(0),
  workerName: GridFields.workerName.default(null),
  workerPhone: GridFields.workerPhone.default(null),
});

export const GridChange = z.discriminatedUnion(
  'op',
  [
    /** Reshape or re-attribute a grid saved at `version`. */
    z.strictObject({
      op: z.literal('update'),
      id: uuidParam('grid id'),
      version: EditVersion('version'),
      geometry: Area.optional(),
      properties: GridPropertiesPatch.optional(),
    }),
    z.strictObject({ op: z.literal('delete'), id: uuidParam('grid id'), version: EditVersion('version') }),
    /** Bring a deleted grid back under its own id; `version` is the version that was deleted. */
    z.strictObject({
      op: z.literal('revive'),
      id: uuidParam('grid id'),
      version: EditVersion('version'),
      geometry: Area,
      properties: GridPropertiesFull,
    }),
    z.strictObject({ op: z.literal('create'), geometry: Area, properties: GridPropertiesFull }),
  ],
  { error: "each change needs op: 'update', 'delete', 'revive' or 'create'" },
);
export type GridChangeRequest = z.input<typeof GridChange>;
export type GridChangeParams = z.output<typeof GridChange>;

export const GridChangesBody = z.strictObject({
  community: z
    .number({ error: 'community must be the community region id the grids lie in' })
    .int('community must be a whole number')
    .min(1, 'community must be a region id')
    .max(INT4_MAX, 'community is out of range'),
  changes: z
    .array(GridChange, { error: 'changes must be an array' })
    .min(1, 'send at least one change')
    .max(MAX_CHANGES, `send at most ${MAX_CHANGES} changes at once`)
    .refine((list) => {
      const ids = list.flatMap((c) => ('id' in c ? [c.id] : []));
      return new Set(ids).size === ids.length;
    }, 'changes name each grid once'),
  /** Recorded with the change, e.g. 'undo' or 'move shared vertex'. */
  note: z.string({ error: 'note must be a string' }).trim().max(100, 'note must be at most 100 characters').optional(),
});
export type GridChangesRequest = z.input<typeof GridChangesBody>;
export type GridChangesParams = z.output<typeof GridChangesBody>;

export type GridChangesResult = {
  changeId: string;
  /** Every grid the change left standing (updated, revived or created), at its new version. */
  grids: GridFeature[];
  /** The grids it deleted, with the version deleted (what a later revive names). */
  deleted: { id: string; version: number }[];
  /** The gap the deletions left, if any. */
  gap: { geometry: MultiPolygon | null; area_m2: number } | null;
};
