import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { FeatureCollection, Geometry, LineString, MultiPolygon, Polygon } from 'geojson';
import type {
  AreaDeleted,
  CreateGridParams,
  CreateZoneParams,
  EditHistory,
  GridFeature,
  GridProps,
  GridRule,
  GridRuleDetails,
  GridRuleFix,
  MergeGridsParams,
  UpdateGridParams,
  UpdateZoneParams,
  VersionConflictDetails,
  ZoneFeature,
  ZoneProps,
} from '../contracts';
import type { DB } from '../db/schema';
import { gridProps } from './grids.service';
import { HttpError, notFound } from '../errors';
import {
  type AreaSnapshot,
  type AreaTable,
  type GridRow,
  type GridWrite,
  type ZoneRow,
  type ZoneWrite,
  collectParts,
  communityHolding,
  deleteArea,
  deleteGrid,
  moveZones,
  splitGrid,
  unionOfGrids,
  gridForUpdate,
  historyOf,
  insertGrid,
  insertHistory,
  insertZone,
  nextGridCode,
  outsideParent,
  overlappingSiblings,
  partsOf,
  regionById,
  regionWithinScopes,
  updateGrid,
  updateZone,
  validityOf,
  withoutSiblings,
  zoneForUpdate,
  zoneIdsInGrid,
  zonesOutsideGrid,
} from '../queries/grid-edits.queries';
import { type Caller, maySeePersonalData } from './caller';
import { roundTo } from './geojson';

/** A grid may stick out of its community (and a zone out of its grid) by this much: digitising noise. */
export const PARENT_TOLERANCE_M = 1;
/** Two siblings may overlap by this much before it counts as an overlap (shared edges drawn twice). */
export const OVERLAP_TOLERANCE_M2 = 1;
/** No part of a grid or zone narrower than this… */
export const MIN_WIDTH_M = 2;
/** …or smaller than this. */
export const MIN_PART_AREA_M2 = 20;

type Tx = Transaction<DB>;
type UserCaller = Caller & { kind: 'user' };

const asMulti = (geometry: Polygon | MultiPolygon): MultiPolygon =>
  geometry.type === 'MultiPolygon' ? geometry : { type: 'MultiPolygon', coordinates: [geometry.coordinates] };

/** The 422 a broken grid rule gets: what broke, with whom, where, and the saves that would pass. */
function ruleBroken(
  rule: GridRule,
  message: string,
  others: GridRuleDetails['others'],
  geometry: Geometry | null,
  fixes: GridRuleFix[],
) {
  const details: GridRuleDetails = { rule, others, geometry, fixes };
  return new HttpError(422, 'grid_rule', message, details);
}

type Parent = { table: 'region' | 'grid'; id: number | string; code: string | null; name: string };

/**
 * The checks every save runs, in this order, refusing with the first that fails: valid geometry,
 * inside its parent (community or grid) to 1 m, no overlap with its siblings beyond 1 m², no sliver
 * parts. Each refusal carries the fixes on offer. Returns the geometry to store, as a MultiPolygon.
 */
async function checkArea(
  tx: Tx,
  table: AreaTable,
  input: Polygon | MultiPolygon,
  parent: Parent,
  selfId: string | null,
): Promise<MultiPolygon> {
  const what = table === 'grid' ? 'grid' : 'zone';
  const parentWhat = parent.table === 'region' ? 'community' : 'grid';
  const { rows: validity } = await validityOf(input).execute(tx);
  const v = validity[0]!;
  if (!v.valid) {
    throw ruleBroken(
      'valid_geometry',
      `The ${what}'s geometry is not valid: ${v.reason}. Fix the ring there, or take the repaired geometry.`,
      [],
      v.location,
      v.repaired && !v.repaired_empty
        ? [
            {
              kind: 'make_valid',
              description: 'Repair the rings (ST_MakeValid), keeping the polygons only.',
              geometry: v.repaired,
            },
          ]
        : [],
    );
  }
  const geometry = asMulti(input);

  const { rows: outsideRows } = await outsideParent(geometry, parent, PARENT_TOLERANCE_M).execute(tx);
  const outside = outsideRows[0]!;
  if (!outside.outside_empty) {
    throw ruleBroken(
      'inside_parent',
      `${roundTo(outside.outside_m2, 1)} m² of the ${what} lies more than ${PARENT_TOLERANCE_M} m outside its ${parentWhat} ${parent.name}.`,
      [{ id: parent.id, code: parent.code, name: parent.name }],
      outside.outside,
      outside.clipped && !outside.clipped_empty
        ? [
            {
              kind: `clip_to_${parentWhat}`,
              description: `Keep only the part inside ${parent.name}.`,
              geometry: outside.clipped,
            },
          ]
        : [],
    );
  }

  const { rows: overlaps } = await overlappingSiblings(
    table,
    geometry,
    parent.id,
    selfId,
    OVERLAP_TOLERANCE_M2,
  ).execute(tx);
  if (overlaps.length) {
    const { rows } = await withoutSiblings(
      table,
      geometry,
      overlaps.map((o) => o.id),
    ).execute(tx);
    const clip = rows[0]!;
    const total_m2 = overlaps.reduce((sum, o) => sum + o.overlap_m2, 0);
    throw ruleBroken(
      'no_overlap',
      `The ${what} overlaps ${overlaps.length} other ${what}${overlaps.length > 1 ? 's' : ''} (${overlaps
        .map((o) => o.code ?? o.name)
        .join(', ')}) by ${roundTo(total_m2, 1)} m²; ${what}s must not overlap (不交叉重叠).`,
      overlaps.map((o) => ({ id: o.id, code: o.code, name: o.name })),
      clip.overlap,
      clip.clipped && !clip.clipped_empty
        ? [
            {
              kind: 'clip_to_neighbours',
              description: `Take only the free space: subtract the ${what}s it overlaps.`,
              geometry: clip.clipped,
            },
          ]
        : [],
    );
  }

  const { rows: parts } = await partsOf(geometry, MIN_WIDTH_M / 2).execute(tx);
  const slivers = parts.filter((p) => p.area_m2 < MIN_PART_AREA_M2 || p.narrow);
  if (slivers.length) {
    const keep = parts.filter((p) => !slivers.includes(p));
    const sliverGeometry = (await collectParts(slivers.map((p) => p.part)).execute(tx)).rows[0]!.geometry;
    const kept = keep.length ? (await collectParts(keep.map((p) => p.part)).execute(tx)).rows[0]!.geometry : null;
    throw ruleBroken(
      'no_sliver',
      `${slivers.length} part${slivers.length > 1 ? 's' : ''} of the ${what} ${slivers.length > 1 ? 'are' : 'is'} a sliver (narrower than ${MIN_WIDTH_M} m or smaller than ${MIN_PART_AREA_M2} m²: ${slivers
        .map((s) => `${roundTo(s.area_m2, 1)} m²`)
        .join(', ')}).`,
      [],
      sliverGeometry,
      kept ? [{ kind: 'drop_slivers', description: 'Drop the sliver parts and keep the rest.', geometry: kept }] : [],
    );
  }
  return geometry;
}

/**
 * Grid and zone edits by planners (inside their scopes) and admins (anywhere). Each write runs in
 * one transaction that also writes its history row; a refused write (400, 403, 404, 409, 422)
 * leaves the tables exactly as they were.
 */
export function gridEditsService(db: Kysely<DB>, options: { hidePersonalData?: boolean } = {}) {
  function scopesOf(caller: Caller): number[] | null {
    if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    if (caller.role === 'admin') return null;
    if (caller.role !== 'planner') throw new HttpError(403, 'forbidden', `A ${caller.role} edits nothing.`);
    return caller.scopes;
  }

  async function requireInScope(tx: Tx, scopes: number[] | null, communityId: number, what: string) {
    if (scopes === null) return;
    const { rows } = await regionWithinScopes(communityId, scopes).execute(tx);
    if (!rows[0]?.inside)
      throw new HttpError(
        403,
        'outside_scope',
        `${what} lies in community ${communityId}, outside the regions you may edit.`,
        {
          scopes,
        },
      );
  }

  async function community(tx: Tx, id: number): Promise<Parent> {
    const region = (await regionById(id).execute(tx)).rows[0];
    if (!region) throw notFound('Region', id);
    if (region.level !== 'community')
      throw new HttpError(
        422,
        'not_a_community',
        `Region ${id} (${region.name}) is a ${region.level}: a grid belongs to one community, never directly to a 街道 or 区.`,
      );
    return { table: 'region', id, code: region.code, name: region.name };
  }

  const gridFeature = (row: GridRow, caller: Caller): GridFeature => {
    const properties = gridProps(row, maySeePersonalData(caller, options.hidePersonalData ?? false));
    return { type: 'Feature', geometry: row.geometry, properties };
  };

  const zoneFeature = (row: ZoneRow): ZoneFeature => {
    const properties: ZoneProps = {
      id: row.id,
      communityId: row.community_id,
      gridId: row.grid_id,
      gridCode: row.grid_code,
      name: row.name,
      unit: row.unit,
      version: row.version,
    };
    return { type: 'Feature', geometry: row.geometry, properties };
  };

  async function grid(tx: Tx, id: string) {
    const row = (await gridForUpdate(id).execute(tx)).rows[0];
    if (!row) throw notFound('Grid', id);
    return row;
  }

  async function zone(tx: Tx, id: string) {
    const row = (await zoneForUpdate(id).execute(tx)).rows[0];
    if (!row) throw notFound('Zone', id);
    return row;
  }

  function conflict<F>(
    what: string,
    row: { id: string; version: number; updated_by_username: string | null; updated_at: Date | string },
    feature: F,
    version: number,
  ) {
    const details: VersionConflictDetails<F> = {
      current: feature,
      changed_by: row.updated_by_username,
      changed_at: new Date(row.updated_at).toISOString(),
    };
    return new HttpError(
      409,
      'version_conflict',
      `${what} ${row.id} is at version ${row.version}, not ${version}: someone saved it since you loaded it. Reload it, or save again on top of version ${row.version}.`,
      details,
    );
  }

  const history = (tx: Tx, entry: Parameters<typeof insertHistory>[0]) => insertHistory(entry).execute(tx);

  /** Saves a grid over `found` (patch or restore): checks, update, history, in the caller's transaction. */
  async function saveGrid(
    tx: Tx,
    caller: UserCaller,
    found: GridRow,
    version: number,
    next: Omit<GridWrite, 'updatedBy' | 'communityId'>,
    geometryChanged: boolean,
    action: 'update' | 'restore',
  ): Promise<GridFeature> {
    const parent = await community(tx, found.community_id);
    const geometry = geometryChanged ? await checkArea(tx, 'grid', next.geometry, parent, found.id) : next.geometry;
    const saved = (
      await updateGrid(found.id, version, {
        ...next,
        geometry,
        communityId: found.community_id,
        updatedBy: caller.userId,
      }).execute(tx)
    ).rows[0];
    // The row lock taken above makes this unreachable unless the checks and the statement disagree.
    if (!saved) throw new HttpError(409, 'write_refused', `Grid ${found.id} was not saved; reload it and try again.`);
    await history(tx, {
      table: 'grid',
      rowId: found.id,
      version: version + 1,
      action,
      before: found.snapshot,
      userId: caller.userId,
      changeId: randomUUID(),
    });
    const feature = gridFeature(await grid(tx, found.id), caller);
    if (!geometryChanged) return feature;
    const outside = (await zonesOutsideGrid(found.id, PARENT_TOLERANCE_M).execute(tx)).rows;
    if (!outside.length) return feature;
    return {
      ...feature,
      zonesOutside: outside.map((z) => ({
        id: z.id,
        name: z.name,
        version: z.version,
        geometry: z.outside,
        fixes:
          z.clipped && !z.clipped_empty
            ? [{ kind: 'clip_to_grid', description: `Keep only the part inside ${found.name}.`, geometry: z.clipped }]
            : [],
      })),
    };
  }

  async function saveZone(
    tx: Tx,
    caller: UserCaller,
    found: ZoneRow,
    version: number,
    next: { name: string; unit: string; geometry: MultiPolygon },
    geometryChanged: boolean,
    action: 'update' | 'restore',
  ): Promise<ZoneFeature> {
    if (!found.grid_id)
      throw new HttpError(
        422,
        'no_grid',
        `Zone ${found.id} belongs to no grid (its grid was deleted); it cannot be edited until one is drawn.`,
      );
    const parentGrid = await grid(tx, found.grid_id);
    const parent: Parent = { table: 'grid', id: parentGrid.id, code: parentGrid.code, name: parentGrid.name };
    const geometry = geometryChanged ? await checkArea(tx, 'zone', next.geometry, parent, found.id) : next.geometry;
    const write: ZoneWrite = {
      ...next,
      geometry,
      communityId: parentGrid.community_id,
      gridId: parentGrid.id,
      updatedBy: caller.userId,
    };
    const saved = (await updateZone(found.id, version, write).execute(tx)).rows[0];
    if (!saved) throw new HttpError(409, 'write_refused', `Zone ${found.id} was not saved; reload it and try again.`);
    await history(tx, {
      table: 'zone',
      rowId: found.id,
      version: version + 1,
      action,
      before: found.snapshot,
      userId: caller.userId,
      changeId: randomUUID(),
    });
    return zoneFeature(await zone(tx, found.id));
  }

  /** The snapshot saved as `toVersion` of a row, from its history. */
  async function snapshotAt(tx: Tx, table: AreaTable, id: string, toVersion: number): Promise<AreaSnapshot> {
    const entries = (await historyOf(table, id).execute(tx)).rows;
    const entry = entries.find((e) => e.version === toVersion && e.after !== null);
    if (!entry)
      throw new HttpError(
        404,
        'not_found',
        `${table === 'grid' ? 'Grid' : 'Zone'} ${id} has no saved version ${toVersion}; GET its history for the versions there are.`,
      );
    return entry.after!;
  }

  /** A snapshot's properties without the grid worker's name and phone, for callers who may not see them. */
  function withoutPersonalData<S extends { properties: Record<string, unknown> } | null>(state: S): S {
    // Snapshots hold the row's columns (see snapshotOf in grid-edits.queries.ts).
    if (!state || !('worker_name' in state.properties || 'worker_phone' in state.properties)) return state;
    return { ...state, properties: { ...state.properties, worker_name: null, worker_phone: null } };
  }

  /**
   * Every saved version of a row. Planners read the history of rows in their scopes only: the
   * community the row was in at its latest version (so a deleted row's history stays scoped too).
   */
  async function historyList(caller: Caller, table: AreaTable, id: string): Promise<EditHistory> {
    const scopes = scopesOf(caller);
    const what = table === 'grid' ? 'Grid' : 'Zone';
    const rows = (await historyOf(table, id).execute(db)).rows;
    if (!rows.length) throw notFound(what, id);
    if (scopes !== null) {
      const latest = rows.reduce((a, b) => (b.version > a.version ? b : a));
      const communityId = (latest.after ?? latest.before)?.properties.community_id;
      if (typeof communityId !== 'number')
        throw new HttpError(403, 'outside_scope', `${what} ${id}'s community is not on record; ask an admin.`);
      await db.transaction().execute((tx) => requireInScope(tx, scopes, communityId, `${what} ${id}`));
    }
    const personal = maySeePersonalData(caller, options.hidePersonalData ?? false);
    const shown = <S extends { properties: Record<string, unknown> } | null>(state: S): S =>
      personal ? state : withoutPersonalData(state);
    return {
      id,
      table,
      entries: rows.map((r) => ({
        version: r.version,
        action: r.action,
        at: new Date(r.at).toISOString(),
        changedBy: r.changed_by,
        changeId: r.change_id,
        before: shown(r.before),
        after: shown(r.after),
      })),
    };
  }

  return {
    grids: {
      async create(caller: Caller, input: CreateGridParams): Promise<GridFeature> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          let communityId = input.community;
          if (communityId === undefined) {
            const found = (await communityHolding(input.geometry).execute(tx)).rows[0];
            if (!found)
              throw ruleBroken(
                'inside_parent',
                'The grid lies in no community; draw it inside one, or name its community.',
                [],
                input.geometry,
                [],
              );
            communityId = found.id;
          }
          const parent = await community(tx, communityId);
          await requireInScope(tx, scopes, communityId, 'The new grid');
          const geometry = await checkArea(tx, 'grid', input.geometry, parent, null);
          const code = input.properties.code ?? (await nextGridCode(communityId).execute(tx)).rows[0]!.code;
          if (!code.startsWith(parent.code ?? ''))
            throw new HttpError(
              400,
              'invalid_request',
              `properties.code: a grid code starts with its community's code ${parent.code} (CJ/T 349-2010).`,
            );
          const p = input.properties;
          const row = (
            await insertGrid({
              communityId,
              code,
              name: p.name,
              kind: p.kind,
              households: p.households,
              population: p.population,
              workerName: p.workerName,
              workerPhone: p.workerPhone,
              geometry,
              updatedBy: user.userId,
            }).execute(tx)
          ).rows[0]!;
          await history(tx, {
            table: 'grid',
            rowId: row.id,
            version: 1,
            action: 'insert',
            before: null,
            userId: user.userId,
            changeId: randomUUID(),
          });
          return gridFeature(await grid(tx, row.id), caller);
        });
      },

      async update(caller: Caller, id: string, input: UpdateGridParams): Promise<GridFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const found = await grid(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Grid ${id}`);
          if (found.version !== input.version) throw conflict('Grid', found, gridFeature(found, caller), input.version);
          const p = input.properties ?? {};
          if (p.code !== undefined && p.code !== found.code && !p.code.startsWith(found.code.slice(0, 12)))
            throw new HttpError(
              400,
              'invalid_request',
              `properties.code: a grid code starts with its community's code ${found.code.slice(0, 12)} (CJ/T 349-2010).`,
            );
          return saveGrid(
            tx,
            caller as UserCaller,
            found,
            input.version,
            {
              code: p.code ?? found.code,
              name: p.name ?? found.name,
              kind: p.kind ?? found.kind,
              households: p.households ?? found.households,
              population: p.population ?? found.population,
              workerName: p.workerName === undefined ? found.worker_name : p.workerName,
              workerPhone: p.workerPhone === undefined ? found.worker_phone : p.workerPhone,
              geometry: input.geometry ? asMulti(input.geometry) : found.geometry,
            },
            input.geometry !== undefined,
            'update',
          );
        });
      },

      async remove(caller: Caller, id: string, version: number): Promise<AreaDeleted> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const found = await grid(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Grid ${id}`);
          if (found.version !== version) throw conflict('Grid', found, gridFeature(found, caller), version);
          const zones = (await zoneIdsInGrid(id).execute(tx)).rows.map((z) => z.id);
          const deleted = (await deleteArea('grid', id, version).execute(tx)).rows[0];
          if (!deleted)
            throw new HttpError(409, 'write_refused', `Grid ${id} was not deleted; reload it and try again.`);
          await history(tx, {
            table: 'grid',
            rowId: id,
            version,
            action: 'delete',
            before: found.snapshot,
            userId: user.userId,
            changeId: randomUUID(),
          });
          const gap_m2 = roundTo(deleted.gap_m2, 0);
          return {
            id,
            version,
            gap: { geometry: deleted.gap, area_m2: gap_m2 },
            orphanedZones: zones,
            message: `Grid ${found.code} is deleted: its ${gap_m2} m² of ${found.community_name} is now a gap no grid covers (不留空白: give it to a neighbour or draw a new grid).${zones.length ? ` ${zones.length} zone${zones.length > 1 ? 's' : ''} now belong to no grid.` : ''}`,
          };
        });
      },

      history: (caller: Caller, id: string) => historyList(caller, 'grid', id),

      async restore(caller: Caller, id: string, version: number, toVersion: number): Promise<GridFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const found = await grid(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Grid ${id}`);
          if (found.version !== version) throw conflict('Grid', found, gridFeature(found, caller), version);
          const then = await snapshotAt(tx, 'grid', id, toVersion);
          const p = then.properties as {
            code: string;
            name: string;
            kind: 'basic' | 'dedicated';
            households: number;
            population: number;
            worker_name: string | null;
            worker_phone: string | null;
          };
          return saveGrid(
            tx,
            caller as UserCaller,
            found,
            version,
            {
              code: p.code,
              name: p.name,
              kind: p.kind,
              households: p.households,
              population: p.population,
              workerName: p.worker_name,
              workerPhone: p.worker_phone,
              geometry: then.geometry,
            },
            true,
            'restore',
          );
        });
      },
      /**
       * Cuts a grid along a line: the largest piece keeps the grid's id, attributes and zones there;
       * each other piece becomes a new grid with the community's next code (households and population
       * 0: only the planner knows how they divide). One change in the history.
       */
      async split(
        caller: Caller,
        id: string,
        version: number,
        line: LineString,
      ): Promise<FeatureCollection<MultiPolygon, GridProps>> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const found = await grid(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Grid ${id}`);
          if (found.version !== version) throw conflict('Grid', found, gridFeature(found, caller), version);
          const parts = (await splitGrid(id, line).execute(tx)).rows;
          if (parts.length < 2)
            throw new HttpError(
              422,
              'split_line',
              `The line does not cut grid ${found.code} in two: draw it right across the grid, starting and ending outside it.`,
            );
          const parent = await community(tx, found.community_id);
          // Each piece passes the same checks as any save (slivers above all); siblings exclude the grid itself.
          for (const part of parts) await checkArea(tx, 'grid', part.part, parent, id);
          const changeId = randomUUID();
          const [kept, ...others] = parts;
          const attributes = {
            code: found.code,
            name: found.name,
            kind: found.kind,
            households: found.households,
            population: found.population,
            workerName: found.worker_name,
            workerPhone: found.worker_phone,
          };
          await updateGrid(id, version, {
            ...attributes,
            geometry: kept!.part,
            communityId: found.community_id,
            updatedBy: user.userId,
          }).execute(tx);
          await history(tx, {
            table: 'grid',
            rowId: id,
            version: version + 1,
            action: 'split',
            before: found.snapshot,
            userId: user.userId,
            changeId,
          });
          const ids = [id];
          for (const [i, part] of others.entries()) {
            const code = (await nextGridCode(found.community_id).execute(tx)).rows[0]!.code;
            const row = (
              await insertGrid({
                ...attributes,
                code,
                name: `${found.name}-${i + 2}`,
                households: 0,
                population: 0,
                geometry: part.part,
                communityId: found.community_id,
                updatedBy: user.userId,
              }).execute(tx)
            ).rows[0]!;
            await history(tx, {
              table: 'grid',
              rowId: row.id,
              version: 1,
              action: 'split',
              before: null,
              userId: user.userId,
              changeId,
            });
            await moveZones([id], row.id, user.userId).execute(tx);
            ids.push(row.id);
          }
          const features: GridFeature[] = [];
          for (const gridId of ids) features.push(gridFeature(await grid(tx, gridId), caller));
          return { type: 'FeatureCollection', features };
        });
      },

      /**
       * Merges adjacent grids of one community into the first (its id, code and attributes; households
       * and population summed); the others are deleted and their zones move to it. One change.
       */
      async merge(caller: Caller, input: MergeGridsParams): Promise<GridFeature> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const found: GridRow[] = [];
          for (const { id, version } of input.grids) {
            const row = await grid(tx, id);
            await requireInScope(tx, scopes, row.community_id, `Grid ${id}`);
            if (row.version !== version) throw conflict('Grid', row, gridFeature(row, caller), version);
            found.push(row);
          }
          const [first, ...rest] = found;
          if (rest.some((r) => r.community_id !== first!.community_id))
            throw new HttpError(
              422,
              'not_same_community',
              'Only grids of one community can be merged: a grid lies inside one community.',
            );
          const union = (await unionOfGrids(found.map((r) => r.id)).execute(tx)).rows[0]!;
          if (union.parts !== 1)
            throw new HttpError(
              422,
              'not_adjacent',
              `These grids do not form one area (their union has ${union.parts} separate parts): merge only grids that share an edge.`,
            );
          const changeId = randomUUID();
          await updateGrid(first!.id, first!.version, {
            code: first!.code,
            name: first!.name,
            kind: first!.kind,
            households: found.reduce((sum, r) => sum + r.households, 0),
            population: found.reduce((sum, r) => sum + r.population, 0),
            workerName: first!.worker_name,
            workerPhone: first!.worker_phone,
            geometry: union.geometry,
            communityId: first!.community_id,
            updatedBy: user.userId,
          }).execute(tx);
          await moveZones(
            rest.map((r) => r.id),
            first!.id,
            user.userId,
          ).execute(tx);
          await history(tx, {
            table: 'grid',
            rowId: first!.id,
            version: first!.version + 1,
            action: 'merge',
            before: first!.snapshot,
            userId: user.userId,
            changeId,
          });
          for (const row of rest) {
            await deleteGrid(row.id, row.version).execute(tx);
            await history(tx, {
              table: 'grid',
              rowId: row.id,
              version: row.version,
              action: 'merge',
              before: row.snapshot,
              userId: user.userId,
              changeId,
            });
          }
          return gridFeature(await grid(tx, first!.id), caller);
        });
      },
    },

    zones: {
      async create(caller: Caller, input: CreateZoneParams): Promise<ZoneFeature> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const parentGrid = await grid(tx, input.grid);
          await requireInScope(tx, scopes, parentGrid.community_id, 'The new zone');
          const parent: Parent = { table: 'grid', id: parentGrid.id, code: parentGrid.code, name: parentGrid.name };
          const geometry = await checkArea(tx, 'zone', input.geometry, parent, null);
          const row = (
            await insertZone({
              communityId: parentGrid.community_id,
              gridId: parentGrid.id,
              name: input.properties.name,
              unit: input.properties.unit,
              geometry,
              updatedBy: user.userId,
            }).execute(tx)
          ).rows[0]!;
          await history(tx, {
            table: 'zone',
            rowId: row.id,
            version: 1,
            action: 'insert',
            before: null,
            userId: user.userId,
            changeId: randomUUID(),
          });
          return zoneFeature(await zone(tx, row.id));
        });
      },

      async update(caller: Caller, id: string, input: UpdateZoneParams): Promise<ZoneFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const found = await zone(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Zone ${id}`);
          if (found.version !== input.version) throw conflict('Zone', found, zoneFeature(found), input.version);
          return saveZone(
            tx,
            caller as UserCaller,
            found,
            input.version,
            {
              name: input.properties?.name ?? found.name,
              unit: input.properties?.unit ?? found.unit,
              geometry: input.geometry ? asMulti(input.geometry) : found.geometry,
            },
            input.geometry !== undefined,
            'update',
          );
        });
      },

      async remove(caller: Caller, id: string, version: number): Promise<AreaDeleted> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const found = await zone(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Zone ${id}`);
          if (found.version !== version) throw conflict('Zone', found, zoneFeature(found), version);
          const deleted = (await deleteArea('zone', id, version).execute(tx)).rows[0];
          if (!deleted)
            throw new HttpError(409, 'write_refused', `Zone ${id} was not deleted; reload it and try again.`);
          await history(tx, {
            table: 'zone',
            rowId: id,
            version,
            action: 'delete',
            before: found.snapshot,
            userId: user.userId,
            changeId: randomUUID(),
          });
          const gap_m2 = roundTo(deleted.gap_m2, 0);
          return {
            id,
            version,
            gap: { geometry: deleted.gap, area_m2: gap_m2 },
            message: `Zone ${found.name} is deleted: its ${gap_m2} m² of grid ${found.grid_code ?? '(none)'} is now covered by no zone.`,
          };
        });
      },

      history: (caller: Caller, id: string) => historyList(caller, 'zone', id),

      async restore(caller: Caller, id: string, version: number, toVersion: number): Promise<ZoneFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const found = await zone(tx, id);
          await requireInScope(tx, scopes, found.community_id, `Zone ${id}`);
          if (found.version !== version) throw conflict('Zone', found, zoneFeature(found), version);
          const then = await snapshotAt(tx, 'zone', id, toVersion);
          const p = then.properties as { name: string; unit: string };
          return saveZone(
            tx,
            caller as UserCaller,
            found,
            version,
            { name: p.name, unit: p.unit, geometry: then.geometry },
            true,
            'restore',
          );
        });
      },
    },
  };
}

export type GridEditsService = ReturnType<typeof gridEditsService>;
