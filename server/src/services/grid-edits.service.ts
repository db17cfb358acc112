import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { FeatureCollection, Geometry, LineString, MultiPolygon, Polygon } from 'geojson';
import type {
  AreaDeleted,
  CommunityHistory,
  CommunityHistoryParams,
  CreateGridParams,
  CreateZoneParams,
  EditHistory,
  GridChangesParams,
  GridChangesResult,
  GridFeature,
  GridProps,
  GridRule,
  GridRuleDetails,
  GridRuleFix,
  MergeGridsParams,
  RenumberGridsParams,
  RenumberedGrids,
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
  type HistoryRow,
  adoptZones,
  collectParts,
  communityGridsForUpdate,
  communityHistory,
  communityHolding,
  deleteArea,
  deleteGrid,
  gridCodesWithPrefix,
  gridHolding,
  gridPlaces,
  gridWithCode,
  moveZonesRecorded,
  orphanZones,
  reviveGrid,
  reviveZone,
  setGridCodes,
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

/** A grid's columns as a history snapshot keeps them (see snapshotOf in grid-edits.queries.ts). */
type GridSnapshotProps = {
  code: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  worker_name: string | null;
  worker_phone: string | null;
};

/** Where a grid lies, for numbering: a point inside it (its point on surface) and its north–south extent. */
export type GridPlace = { id: string; code: string; lng: number; lat: number; height_deg: number };

const byCode = (a: GridPlace, b: GridPlace) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * The order CJ/T 349-2010 numbers a community's grids in, "from west to east and north to south":
 * in rows, the way a page of text is read. The northernmost grid not yet in a row starts the next
 * row, and every grid whose point lies at most a band south of it joins that row; each row then runs
 * west to east.
 *
 * The band is half the median grid's north–south extent. In a regular tiling the points of one row
 * share a latitude and the next row's lie a whole grid height further south, so half a height parts
 * them with the most room either way, and a grid cut a little shorter still falls in its row (a plain
 * sort by latitude would number it first). The median, so that one tall 专属网格 (a school, a park)
 * does not fold two rows of ordinary grids into one. Ties go to the old code: the order is the same
 * every time.
 */
export function sequenceOrder(places: readonly GridPlace[]): string[] {
  const heights = places.map((p) => p.height_deg).sort((a, b) => a - b);
  const n = heights.length;
  const median = n === 0 ? 0 : n % 2 ? heights[(n - 1) / 2]! : (heights[n / 2 - 1]! + heights[n / 2]!) / 2;
  const band_deg = median / 2;
  const northFirst = [...places].sort((a, b) => b.lat - a.lat || a.lng - b.lng || byCode(a, b));
  const rows: GridPlace[][] = [];
  for (const place of northFirst) {
    const row = rows.at(-1);
    if (row && row[0]!.lat - place.lat <= band_deg) row.push(place);
    else rows.push([place]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.lng - b.lng || b.lat - a.lat || byCode(a, b)).map((p) => p.id));
}

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
    return geometryChanged ? withZonesOutside(tx, feature) : feature;
  }

  /**
   * A grid whose boundary moved, with the zones that now stick out of it, each with a clip_to_grid
   * fix. A warning in the 200, not a 422: the grid's save is right on its own, and the planner fixes
   * the zones next (each fix is a PATCH of the zone), rather than being stuck redrawing zones first.
   */
  async function withZonesOutside(tx: Tx, feature: GridFeature): Promise<GridFeature> {
    const { id, name } = feature.properties;
    const outside = (await zonesOutsideGrid(id, PARENT_TOLERANCE_M).execute(tx)).rows;
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
            ? [{ kind: 'clip_to_grid', description: `Keep only the part inside ${name}.`, geometry: z.clipped }]
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
    return snapshotIn((await historyOf(table, id).execute(tx)).rows, table, id, toVersion);
  }

  function snapshotIn(entries: HistoryRow[], table: AreaTable, id: string, toVersion: number): AreaSnapshot {
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

  /**
   * The history of a grid or zone that no longer exists, checked against the version a restore
   * names: it must be the version deleted (the last entry's). Scoped by the community of that entry.
   */
  async function deletedHistory(tx: Tx, scopes: number[] | null, table: AreaTable, id: string, version: number) {
    const what = table === 'grid' ? 'Grid' : 'Zone';
    const entries = (await historyOf(table, id).execute(tx)).rows;
    const last = entries.at(-1);
    if (!last) throw notFound(what, id);
    const communityId = (last.after ?? last.before)?.properties.community_id;
    if (typeof communityId !== 'number')
      throw new HttpError(403, 'outside_scope', `${what} ${id}'s community is not on record; ask an admin.`);
    await requireInScope(tx, scopes, communityId, `${what} ${id}`);
    if (last.after !== null)
      // The row went without a delete on record: the demo data was reloaded under it.
      throw new HttpError(
        404,
        'not_found',
        `${what} ${id} does not exist, and its history records no delete (the data was reloaded since): there is nothing to restore.`,
      );
    if (last.version !== version) {
      const details: VersionConflictDetails<null> = {
        current: null,
        changed_by: last.changed_by,
        changed_at: new Date(last.at).toISOString(),
      };
      throw new HttpError(
        409,
        'version_conflict',
        `${what} ${id} was deleted at version ${last.version}, not ${version}: it changed after you loaded it. GET its history, and restore naming version ${last.version}.`,
        details,
      );
    }
    return { entries, communityId };
  }

  /**
   * Brings a deleted grid back under its own id at the deleted version + 1, after the same checks as
   * any save (the space may have been taken since: 422 with clip_to_neighbours). It keeps its old
   * code unless another grid has taken it since; then it gets the community's next. The zones its
   * delete left without a grid, and that lie in it, come back to it (as a delete took them away).
   */
  async function restoreDeletedGrid(
    tx: Tx,
    caller: UserCaller,
    scopes: number[] | null,
    id: string,
    version: number,
    toVersion: number,
    geometry: Polygon | MultiPolygon | undefined,
  ): Promise<GridFeature> {
    const { entries, communityId } = await deletedHistory(tx, scopes, 'grid', id, version);
    const then = snapshotIn(entries, 'grid', id, toVersion);
    const p = then.properties as GridSnapshotProps;
    const parent = await community(tx, communityId);
    const checked = await checkArea(tx, 'grid', geometry ?? then.geometry, parent, id);
    const codeFree = p.code.startsWith(parent.code ?? '') && (await gridWithCode(p.code).execute(tx)).rows.length === 0;
    const code = codeFree ? p.code : (await nextGridCode(communityId).execute(tx)).rows[0]!.code;
    await reviveGrid(id, version + 1, {
      communityId,
      code,
      name: p.name,
      kind: p.kind,
      households: p.households,
      population: p.population,
      workerName: p.worker_name,
      workerPhone: p.worker_phone,
      geometry: checked,
      updatedBy: caller.userId,
    }).execute(tx);
    const changeId = randomUUID();
    await history(tx, {
      table: 'grid',
      rowId: id,
      version: version + 1,
      action: 'restore',
      before: null,
      userId: caller.userId,
      changeId,
    });
    await adoptZones(id, { userId: caller.userId, changeId }).execute(tx);
    return withZonesOutside(tx, gridFeature(await grid(tx, id), caller));
  }

  /**
   * Brings a deleted zone back under its own id: into the grid it was in, or, if that grid is gone
   * too, into the grid of its community that now holds it; checked as any save.
   */
  async function restoreDeletedZone(
    tx: Tx,
    caller: UserCaller,
    scopes: number[] | null,
    id: string,
    version: number,
    toVersion: number,
    geometry: Polygon | MultiPolygon | undefined,
  ): Promise<ZoneFeature> {
    const { entries, communityId } = await deletedHistory(tx, scopes, 'zone', id, version);
    const then = snapshotIn(entries, 'zone', id, toVersion);
    const p = then.properties as { name: string; unit: string; grid_id: string | null };
    const wanted = geometry ?? then.geometry;
    const gridId =
      (p.grid_id ? (await gridForUpdate(p.grid_id).execute(tx)).rows[0]?.id : undefined) ??
      (await gridHolding(communityId, wanted).execute(tx)).rows[0]?.id;
    if (!gridId)
      throw new HttpError(
        422,
        'no_grid',
        `Zone ${id} lay in grid ${p.grid_id ?? '(none)'}, which is deleted too, and no grid of its community holds it now: restore that grid first, or draw one there.`,
      );
    const parentGrid = await grid(tx, gridId);
    const parent: Parent = { table: 'grid', id: parentGrid.id, code: parentGrid.code, name: parentGrid.name };
    const checked = await checkArea(tx, 'zone', wanted, parent, id);
    await reviveZone(id, version + 1, {
      communityId: parentGrid.community_id,
      gridId,
      name: p.name,
      unit: p.unit,
      geometry: checked,
      updatedBy: caller.userId,
    }).execute(tx);
    await history(tx, {
      table: 'zone',
      rowId: id,
      version: version + 1,
      action: 'restore',
      before: null,
      userId: caller.userId,
      changeId: randomUUID(),
    });
    return zoneFeature(await zone(tx, id));
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
          const changeId = randomUUID();
          // Its zones stay, in no grid, each at a new version with a history row of this change (the
          // foreign key's SET NULL would change them unversioned); restoring the grid takes them back.
          const zones = (await orphanZones(id, { userId: user.userId, changeId }).execute(tx)).rows
            .map((z) => z.id)
            .sort();
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
            changeId,
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

      /**
       * Several writes to one community's grids as one change (shared-vertex moves, undo, redo): all
       * of it or none. The writes go in first and the rules are checked after, each touched grid
       * against its siblings as they then are, so grids trading ground aren't refused for
       * overlapping each other halfway. A refusal names the grid it is about.
       */
      async applyChanges(caller: Caller, input: GridChangesParams): Promise<GridChangesResult> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        const personal = maySeePersonalData(caller, options.hidePersonalData ?? false);
        return db.transaction().execute(async (tx) => {
          const parent = await community(tx, input.community);
          await requireInScope(tx, scopes, input.community, `The grids of ${parent.name}`);
          const changeId = randomUUID();
          const touched: string[] = [];
          const deleted: { id: string; version: number }[] = [];
          let gap_m2 = 0;
          const inCommunity = (row: GridRow) => {
            if (row.community_id !== input.community)
              throw new HttpError(
                400,
                'invalid_request',
                `Grid ${row.id} lies in community ${row.community_id}, not ${input.community}: one change holds one community's grids.`,
              );
          };
          for (const change of input.changes) {
            if (change.op === 'update') {
              const found = await grid(tx, change.id);
              inCommunity(found);
              if (found.version !== change.version)
                throw conflict('Grid', found, gridFeature(found, caller), change.version);
              const p = change.properties ?? {};
              if (p.code !== undefined && !p.code.startsWith(parent.code ?? ''))
                throw new HttpError(
                  400,
                  'invalid_request',
                  `properties.code: a grid code starts with its community's code ${parent.code} (CJ/T 349-2010).`,
                );
              await updateGrid(found.id, found.version, {
                code: p.code ?? found.code,
                name: p.name ?? found.name,
                kind: p.kind ?? found.kind,
                households: p.households ?? found.households,
                population: p.population ?? found.population,
                workerName: p.workerName === undefined ? found.worker_name : p.workerName,
                workerPhone: p.workerPhone === undefined ? found.worker_phone : p.workerPhone,
                geometry: change.geometry ? asMulti(change.geometry) : found.geometry,
                communityId: found.community_id,
                updatedBy: user.userId,
              }).execute(tx);
              await history(tx, {
                table: 'grid',
                rowId: found.id,
                version: found.version + 1,
                action: 'update',
                before: found.snapshot,
                userId: user.userId,
                changeId,
              });
              if (change.geometry) touched.push(found.id);
            } else if (change.op === 'delete') {
              const found = await grid(tx, change.id);
              inCommunity(found);
              if (found.version !== change.version)
                throw conflict('Grid', found, gridFeature(found, caller), change.version);
              await orphanZones(found.id, { userId: user.userId, changeId }).execute(tx);
              const gone = (await deleteArea('grid', found.id, found.version).execute(tx)).rows[0];
              if (!gone)
                throw new HttpError(409, 'write_refused', `Grid ${found.id} was not deleted; reload it and try again.`);
              gap_m2 += gone.gap_m2;
              await history(tx, {
                table: 'grid',
                rowId: found.id,
                version: found.version,
                action: 'delete',
                before: found.snapshot,
                userId: user.userId,
                changeId,
              });
              deleted.push({ id: found.id, version: found.version });
            } else if (change.op === 'revive') {
              if ((await gridForUpdate(change.id).execute(tx)).rows[0])
                throw new HttpError(
                  409,
                  'version_conflict',
                  `Grid ${change.id} exists: only a deleted grid can be revived.`,
                );
              const { entries, communityId } = await deletedHistory(tx, scopes, 'grid', change.id, change.version);
              if (communityId !== input.community)
                throw new HttpError(
                  400,
                  'invalid_request',
                  `Grid ${change.id} was in community ${communityId}, not ${input.community}.`,
                );
              const last = (entries.at(-1)!.before?.properties ?? {}) as Partial<GridSnapshotProps>;
              const p = change.properties;
              const wanted = p.code ?? last.code ?? '';
              const codeFree =
                wanted.startsWith(parent.code ?? '') && (await gridWithCode(wanted).execute(tx)).rows.length === 0;
              const code = codeFree ? wanted : (await nextGridCode(communityId).execute(tx)).rows[0]!.code;
              await reviveGrid(change.id, change.version + 1, {
                communityId,
                code,
                name: p.name,
                kind: p.kind,
                households: p.households,
                population: p.population,
                // A caller who may not see the grid worker sent nulls for what they couldn't see.
                workerName: personal ? p.workerName : (last.worker_name ?? null),
                workerPhone: personal ? p.workerPhone : (last.worker_phone ?? null),
                geometry: asMulti(change.geometry),
                updatedBy: user.userId,
              }).execute(tx);
              await history(tx, {
                table: 'grid',
                rowId: change.id,
                version: change.version + 1,
                action: 'restore',
                before: null,
                userId: user.userId,
                changeId,
              });
              touched.push(change.id);
            } else {
              const p = change.properties;
              const code = p.code ?? (await nextGridCode(input.community).execute(tx)).rows[0]!.code;
              if (!code.startsWith(parent.code ?? ''))
                throw new HttpError(
                  400,
                  'invalid_request',
                  `properties.code: a grid code starts with its community's code ${parent.code} (CJ/T 349-2010).`,
                );
              const row = (
                await insertGrid({
                  communityId: input.community,
                  code,
                  name: p.name,
                  kind: p.kind,
                  households: p.households,
                  population: p.population,
                  workerName: p.workerName,
                  workerPhone: p.workerPhone,
                  geometry: asMulti(change.geometry),
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
                changeId,
              });
              touched.push(row.id);
            }
          }
          // Zones left in no grid (their grid deleted, now or before) go to the grid now holding them:
          // after all the writes, so a change that replaces grids (a draft accepted) keeps its zones.
          for (const id of touched) await adoptZones(id, { userId: user.userId, changeId }).execute(tx);
          // The rules, on the community as the change leaves it.
          for (const id of touched) {
            const row = await grid(tx, id);
            try {
              await checkArea(tx, 'grid', row.geometry, parent, id);
            } catch (error) {
              if (error instanceof HttpError && error.status === 422)
                throw new HttpError(422, error.code, `Grid ${row.code} (${row.name}): ${error.message}`, error.details);
              throw error;
            }
          }
          const alive = input.changes.flatMap((c) => ('id' in c && c.op !== 'delete' ? [c.id] : []));
          const grids: GridFeature[] = [];
          for (const id of [...new Set([...alive, ...touched])]) grids.push(gridFeature(await grid(tx, id), caller));
          return {
            changeId,
            grids,
            deleted,
            gap: deleted.length ? { geometry: null, area_m2: roundTo(gap_m2, 0) } : null,
          };
        });
      },

      history: (caller: Caller, id: string) => historyList(caller, 'grid', id),

      /**
       * A community's grid and zone history, newest first, a page at a time. Planners read the
       * communities in their scopes; the entries carry no values (see communityHistory in the
       * queries), so no grid worker's name or phone is in them whoever asks.
       */
      async communityHistory(caller: Caller, query: CommunityHistoryParams): Promise<CommunityHistory> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const parent = await community(tx, query.community);
          await requireInScope(tx, scopes, query.community, `The history of ${parent.name}`);
          const rows = (await communityHistory(query.community, query.limit + 1, query.before ?? null).execute(tx))
            .rows;
          const page = rows.slice(0, query.limit);
          return {
            community: { id: query.community, code: parent.code ?? '', name: parent.name },
            entries: page.map((r) => ({
              id: r.id,
              table: r.table_name,
              rowId: r.row_id,
              version: r.version,
              action: r.action,
              at: new Date(r.at).toISOString(),
              changedBy: r.changed_by,
              changeId: r.change_id,
              code: r.code,
              name: r.name,
              changed: r.changed,
            })),
            next: rows.length > query.limit ? page.at(-1)!.id : null,
          };
        });
      },

      /**
       * Renumbers the CJ/T 349-2010 sequence of a community's grids west to east and north to south
       * (see sequenceOrder), as one change. The planner names every grid of the community at the
       * version they saw, so nobody's newer edit is renumbered unseen.
       */
      async renumber(caller: Caller, input: RenumberGridsParams): Promise<RenumberedGrids> {
        const scopes = scopesOf(caller);
        const user = caller as UserCaller;
        return db.transaction().execute(async (tx) => {
          const parent = await community(tx, input.community);
          await requireInScope(tx, scopes, input.community, `Renumbering ${parent.name}`);
          const prefix = parent.code ?? '';
          if (!/^[0-9]{12}$/.test(prefix))
            throw new HttpError(
              422,
              'not_a_community',
              `Community ${parent.name}'s code ${prefix} is not the 12 digits a CJ/T 349-2010 grid code starts with; fix the region's code first.`,
            );
          const rows = (await communityGridsForUpdate(input.community).execute(tx)).rows;
          const byId = new Map(rows.map((r) => [r.id, r]));
          const sent = new Set(input.grids.map((g) => g.id));
          const missing = rows.filter((r) => !sent.has(r.id));
          const foreign = input.grids.filter((g) => !byId.has(g.id)).map((g) => g.id);
          if (missing.length || foreign.length)
            throw new HttpError(
              400,
              'invalid_request',
              `grids: list every grid of ${parent.name} (it has ${rows.length}), each once.${
                missing.length
                  ? ` Missing ${missing.length}: ${missing
                      .slice(0, 5)
                      .map((r) => r.code)
                      .join(', ')}${missing.length > 5 ? ', …' : ''} (drawn since you loaded the community?).`
                  : ''
              }${foreign.length ? ` ${foreign.length} of those you sent are not grids of ${parent.name} (deleted since, or elsewhere).` : ''} Reload the community's grids and send them all.`,
              {
                missing: missing.map((r) => ({ id: r.id, code: r.code, version: r.version })),
                notInCommunity: foreign,
              },
            );
          for (const { id, version } of input.grids) {
            const row = byId.get(id)!;
            if (row.version !== version) throw conflict('Grid', row, gridFeature(row, caller), version);
          }

          const places = (await gridPlaces(input.community).execute(tx)).rows.map((p) => ({
            id: p.id,
            code: byId.get(p.id)!.code,
            lng: p.lng,
            lat: p.lat,
            height_deg: p.bounds[3] - p.bounds[1],
          }));
          const finals = sequenceOrder(places).map((id, i) => ({ id, code: prefix + String(i + 1).padStart(3, '0') }));
          const changes = finals.filter((f) => byId.get(f.id)!.code !== f.code);
          let changeId: string | null = null;
          if (changes.length) {
            const holders = (await gridCodesWithPrefix(prefix).execute(tx)).rows;
            const finalCodes = new Set(finals.map((f) => f.code));
            const squatter = holders.find((h) => h.community_id !== input.community && finalCodes.has(h.code));
            if (squatter)
              throw new HttpError(
                409,
                'code_taken',
                `Code ${squatter.code} belongs to grid ${squatter.id} of another community (region ${squatter.community_id}), though it starts with ${parent.name}'s code ${prefix}: give that grid a code of its own community first.`,
              );
            // grid.code is UNIQUE and not deferrable, and PostgreSQL checks such a constraint row by
            // row, not at the end of the statement: a single UPDATE that swaps 001 and 002 can trip
            // on itself. So the changed grids first move to spare codes that no grid holds and none
            // will get (counting down from 999), then to their new codes. Codes are unique after
            // every row of both steps; only this transaction ever sees the spare ones.
            const used = new Set([...holders.map((h) => h.code), ...finalCodes]);
            const spare: string[] = [];
            for (let sequence = 999; sequence >= 1 && spare.length < changes.length; sequence--) {
              const code = prefix + String(sequence).padStart(3, '0');
              if (!used.has(code)) spare.push(code);
            }
            if (spare.length < changes.length)
              throw new HttpError(
                422,
                'sequence_full',
                `${parent.name}'s ${rows.length} grids leave too few free codes in the 3-digit sequence to renumber through (up to 333 grids always can); split the community, or free some codes first.`,
              );
            await setGridCodes(
              changes.map((c, i) => ({ id: c.id, code: spare[i]! })),
              null,
            ).execute(tx);
            await setGridCodes(changes, { userId: user.userId }).execute(tx);
            changeId = randomUUID();
            for (const change of changes) {
              const before = byId.get(change.id)!;
              await history(tx, {
                table: 'grid',
                rowId: change.id,
                version: before.version + 1,
                action: 'renumber',
                before: before.snapshot,
                userId: user.userId,
                changeId,
              });
            }
          }
          const after = (await communityGridsForUpdate(input.community).execute(tx)).rows;
          return {
            type: 'FeatureCollection',
            features: after.map((r) => gridFeature(r, caller)),
            changeId,
            renumbered: changes.length,
          };
        });
      },

      /**
       * Saves version `toVersion` (or its attributes with `geometry`, a fix a 422 offered) as a new
       * version on top of `version`; a deleted grid comes back under its id (see restoreDeletedGrid).
       */
      async restore(
        caller: Caller,
        id: string,
        version: number,
        toVersion: number,
        geometry?: Polygon | MultiPolygon,
      ): Promise<GridFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const existing = (await gridForUpdate(id).execute(tx)).rows[0];
          if (!existing) return restoreDeletedGrid(tx, caller as UserCaller, scopes, id, version, toVersion, geometry);
          const found = existing;
          await requireInScope(tx, scopes, found.community_id, `Grid ${id}`);
          if (found.version !== version) throw conflict('Grid', found, gridFeature(found, caller), version);
          const then = await snapshotAt(tx, 'grid', id, toVersion);
          const p = then.properties as GridSnapshotProps;
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
              geometry: geometry ? asMulti(geometry) : then.geometry,
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
            await moveZonesRecorded([id], row.id, { action: 'split', userId: user.userId, changeId }).execute(tx);
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
          await moveZonesRecorded(
            rest.map((r) => r.id),
            first!.id,
            { action: 'merge', userId: user.userId, changeId },
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

      /** As grids.restore; a deleted zone comes back under its id (see restoreDeletedZone). */
      async restore(
        caller: Caller,
        id: string,
        version: number,
        toVersion: number,
        geometry?: Polygon | MultiPolygon,
      ): Promise<ZoneFeature> {
        const scopes = scopesOf(caller);
        return db.transaction().execute(async (tx) => {
          const existing = (await zoneForUpdate(id).execute(tx)).rows[0];
          if (!existing) return restoreDeletedZone(tx, caller as UserCaller, scopes, id, version, toVersion, geometry);
          const found = existing;
          await requireInScope(tx, scopes, found.community_id, `Zone ${id}`);
          if (found.version !== version) throw conflict('Zone', found, zoneFeature(found), version);
          const then = await snapshotAt(tx, 'zone', id, toVersion);
          const p = then.properties as { name: string; unit: string };
          return saveZone(
            tx,
            caller as UserCaller,
            found,
            version,
            { name: p.name, unit: p.unit, geometry: geometry ? asMulti(geometry) : then.geometry },
            true,
            'restore',
          );
        });
      },
    },
  };
}

export type GridEditsService = ReturnType<typeof gridEditsService>;
