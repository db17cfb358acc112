/**
 * The planner workspace's state (issue 7): the community being edited, its grids as the server
 * holds them, the selection, the save in progress and what the server said about it, and the undo
 * stack.
 *
 * Every edit is saved when it is made (a drawn grid when the planner presses Save, a reshape when
 * they finish it, a split, a merge or a delete at once), so nothing lives only in the browser.
 * Undo and redo are saves too: the stack remembers the community's state after each edit, and
 * going back sends the writes that make the community look like that again, as one change
 * (plan-changes.ts). Loading from the server resets the stack, so the first undo never empties
 * the map.
 */
import { bbox as turfBbox } from '@turf/turf';
import type { LineString, MultiPolygon, Polygon } from 'geojson';
import { ApiError } from '../api/client';
import {
  applyGridChanges,
  createGrid,
  deleteGrid,
  fetchCommunityGrids,
  fetchGridHistory,
  mergeGrids,
  renumberGrids,
  restoreGrid,
  splitGrid,
  updateGrid,
} from '../api/grid-writes';
import { fetchGrids } from '../api/grids';
import { fetchRegions } from '../api/regions';
import { fetchZones } from '../api/zones';
import { fetchTopology } from '../api/topology';
import { draftGrids } from '../api/drafting';
import { importFile } from '../api/imports';
import { t } from '../i18n/index.svelte';
import { area_m2, editHistory, mergeAdjacent, splitByLine, type EditHistory } from '../editing';
import type { BoundaryData } from '../map/offline-style';
import type {
  EditHistory as GridHistory,
  GridChangeRequest,
  GridFeature,
  GridRuleDetails,
  GridRuleFix,
  MeResponse,
  RegionProps,
  TopologyResponse,
  VersionConflictDetails,
  ZoneFeature,
  DraftGridsRequest,
  DraftGridsResponse,
  ImportRequest,
  ImportResponse,
  ImportRouteLayer,
} from '../types';
import { changesToReach, stateOf, type CommunityState, type EditableGridProps } from './plan-changes';
import { zoneStateOf, zoneStepsToReach, type ZonesState } from './zone-changes';
import { createZone, deleteZone, fetchZoneHistory, restoreZone, updateZone } from '../api/zone-writes';

export type Bounds = [number, number, number, number];
export type PlanModeId = 'browse' | 'draw' | 'edit' | 'split';
/** What the tools edit: the community's grids, the responsibility zones inside them, or a draft (unsaved). */
export type PlanTarget = 'grids' | 'zones' | 'draft';

/** The undo stack keeps at least this many steps (issue 7 asks for 100). */
export const UNDO_STEPS = 200;

/** A save waiting on the planner: a drawn grid to name, or a reshape to confirm. */
export type PendingSave =
  | { kind: 'create'; geometry: Polygon | MultiPolygon; properties: EditableGridProps }
  | { kind: 'reshape'; grids: GridFeature[] }
  | { kind: 'create-zone'; geometry: Polygon | MultiPolygon; name: string; unit: string; gridId: string | null }
  | { kind: 'reshape-zone'; zone: ZoneFeature }
  /** Not drawn: an attribute edit, kept so a conflict can show it beside the saved one. */
  | { kind: 'attributes'; table: 'grid' | 'zone'; id: string; properties: Record<string, unknown> };

/** What the server said about the last save that didn't go through. */
export type Problem =
  | { kind: 'rule'; message: string; details: GridRuleDetails }
  | { kind: 'conflict'; message: string; details: VersionConflictDetails<GridFeature>; mine: PendingSave | null }
  | { kind: 'error'; message: string; error: unknown };

export const NEW_GRID_PROPS: EditableGridProps = {
  code: '',
  name: '',
  kind: 'basic',
  households: 0,
  population: 0,
  workerName: null,
  workerPhone: null,
};

class PlanState {
  regions = $state.raw<BoundaryData | null>(null);
  communityId = $state<number | null>(null);
  /** The community's grids as last saved (with their versions). */
  grids = $state.raw<GridFeature[]>([]);
  /** Grids of the neighbouring communities near this one: drawn faintly and snapped to, not edited. */
  nearby = $state.raw<GridFeature[]>([]);
  /** The community's responsibility zones (for search and the selected grid's list). */
  zones = $state.raw<ZoneFeature[]>([]);
  selected = $state<string[]>([]);
  target = $state<PlanTarget>('grids');
  mode = $state<PlanModeId>('browse');
  pending = $state.raw<PendingSave | null>(null);
  problem = $state.raw<Problem | null>(null);
  /** A fix's geometry drawn over the map while the planner considers it. */
  preview = $state.raw<GridRuleFix | null>(null);
  busy = $state(false);
  /** A short line on what just happened ("Saved", "Split into 2 grids"). */
  notice = $state<string | null>(null);
  snapping = $state(true);
  loadError = $state<string | null>(null);
  topology = $state.raw<TopologyResponse | null>(null);
  topologyLoading = $state(false);
  gridHistory = $state.raw<GridHistory | null>(null);
  undoDepth = $state(0);
  redoDepth = $state(0);
  /** After a grid's boundary moved: its zones that now stick out of it, each with a "clip to grid" fix. */
  zonesOutside = $state.raw<NonNullable<GridFeature['zonesOutside']>>([]);
  /** A drafted partition of the community (issue 8), drawn over the grids until accepted or dropped. */
  draft = $state.raw<DraftGridsResponse | null>(null);
  drafting = $state(false);
  /** The import panel: open or not, and the last answer (a dry run's preview, or a refusal). */
  importOpen = $state(false);
  importResult = $state.raw<ImportResponse | null>(null);
  importing = $state(false);
  /** Bumped to ask the map to fit these bounds. */
  focus = $state.raw<{ bounds: Bounds; key: number } | null>(null);
}

export const plan = new PlanState();

let stack: EditHistory<CommunityState> = editHistory(UNDO_STEPS);
/** Grids deleted during the session, with the version deleted: undoing brings them back by id. */
// A plain Map: bookkeeping for the undo stack, not state the page draws.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const deletedVersions = new Map<string, number>();

/** The zones' own undo stack: zone writes are one zone at a time, so each step is one request. */
let zoneStack: EditHistory<ZonesState> = editHistory(UNDO_STEPS);
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const deletedZoneVersions = new Map<string, number>();

function syncDepth() {
  const current = plan.target === 'zones' ? zoneStack : stack;
  if (plan.target === 'draft') {
    // The draft is not saved: nothing to undo on the server while editing it.
    plan.undoDepth = 0;
    plan.redoDepth = 0;
    return;
  }
  plan.undoDepth = current.undoDepth;
  plan.redoDepth = current.redoDepth;
}

export const zoneById = (id: string) => plan.zones.find((z) => z.properties.id === id) ?? null;

/** Switches what the tools edit; the selection and any unsaved drawing are dropped. */
export function setTarget(target: PlanTarget) {
  if (plan.target === target) return;
  plan.target = target;
  plan.selected = [];
  plan.pending = null;
  plan.problem = null;
  plan.preview = null;
  plan.mode = 'browse';
  plan.gridHistory = null;
  syncDepth();
}

export function community(): RegionProps | null {
  const id = plan.communityId;
  return plan.regions?.community.features.find((f) => f.properties.id === id)?.properties ?? null;
}

export function communityFeature() {
  const id = plan.communityId;
  return plan.regions?.community.features.find((f) => f.properties.id === id) ?? null;
}

/** The region ids a planner may edit in (their scopes and everything below); null for admins. */
export function editableRegionIds(me: MeResponse | null, regions: BoundaryData | null): Set<number> | null {
  if (!me || me.role === 'admin') return null;
  // A plain Set: computed from the state, not state itself.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const ids = new Set(me.role === 'planner' ? me.scopes.map((scope) => scope.id) : []);
  if (!regions) return ids;
  for (const level of [regions.subdistrict, regions.community]) {
    for (const feature of level.features) {
      if (feature.properties.parentId !== null && ids.has(feature.properties.parentId)) ids.add(feature.properties.id);
    }
  }
  return ids;
}

export const mayEdit = (me: MeResponse | null) => me?.role === 'admin' || me?.role === 'planner';
/** Admins import regions and demand too; planners grids, zones and stations in their scopes. */
export const mayImportAll = (me: MeResponse | null) => me?.role === 'admin';

export async function loadRegions() {
  const [district, subdistrict, communityLevel] = await Promise.all([
    fetchRegions('district'),
    fetchRegions('subdistrict'),
    fetchRegions('community'),
  ]);
  plan.regions = { district, subdistrict, community: communityLevel };
}

function readCommunityFromUrl(): number | null {
  const value = Number(new URLSearchParams(location.search).get('community'));
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** The community to open first: the URL's, else the first the planner may edit. */
export function initialCommunity(me: MeResponse | null): number | null {
  const regions = plan.regions;
  if (!regions) return null;
  const allowed = editableRegionIds(me, regions);
  const fromUrl = readCommunityFromUrl();
  const communities = regions.community.features.map((f) => f.properties);
  if (fromUrl !== null && communities.some((c) => c.id === fromUrl) && (allowed === null || allowed.has(fromUrl)))
    return fromUrl;
  return communities.find((c) => allowed === null || allowed.has(c.id))?.id ?? null;
}

let focusKey = 0;
export function focusOn(bounds: Bounds) {
  plan.focus = { bounds, key: ++focusKey };
}

/**
 * Opens a community: loads its grids (and the neighbours' nearby, for context and snapping),
 * clears the selection and resets the undo stack.
 */
export async function openCommunity(id: number) {
  const feature = plan.regions?.community.features.find((f) => f.properties.id === id);
  if (!feature) return;
  plan.communityId = id;
  plan.selected = [];
  plan.pending = null;
  plan.problem = null;
  plan.preview = null;
  plan.topology = null;
  plan.gridHistory = null;
  plan.draft = null;
  plan.mode = 'browse';
  // A plain URL: written to the address bar once, not read by the page.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const url = new URL(location.href);
  url.searchParams.set('community', String(id));
  history.replaceState(null, '', url);
  const bounds = turfBbox(feature) as Bounds;
  focusOn(bounds);
  await reload();
  void checkTopology();
  void loadSurroundings(id, bounds);
}

/** Fetches the community's grids again; with `resetUndo` (a load, not an edit) the stack starts over. */
export async function reload(resetUndo = true) {
  const id = plan.communityId;
  if (id === null) return;
  const collection = await fetchCommunityGrids(id);
  if (plan.communityId !== id) return;
  plan.grids = collection.features as GridFeature[];
  plan.selected = plan.selected.filter((s) => plan.grids.some((g) => g.properties.id === s));
  if (resetUndo) {
    stack = editHistory(UNDO_STEPS);
    stack.reset(stateOf(plan.grids));
    deletedVersions.clear();
  }
  syncDepth();
}

/** The neighbouring communities' grids and this community's zones, around its bounds. */
async function loadSurroundings(id: number, [west, south, east, north]: Bounds) {
  // About 300 m around the community: enough for the grids across its boundary.
  const margin = 0.003;
  const bbox: Bounds = [west - margin, south - margin, east + margin, north + margin];
  const [around, zones] = await Promise.all([fetchGrids(bbox), fetchZones(bbox)]);
  if (plan.communityId !== id) return;
  plan.nearby = (around.features as GridFeature[]).filter((g) => g.properties.communityId !== id);
  plan.zones = (zones.features as ZoneFeature[]).filter((z) => z.properties.communityId === id);
  zoneStack = editHistory(UNDO_STEPS);
  zoneStack.reset(zoneStateOf(plan.zones));
  deletedZoneVersions.clear();
  syncDepth();
}

/** The community's zones again (after a zone write), without touching the undo stack. */
async function reloadZones() {
  const id = plan.communityId;
  const feature = communityFeature();
  if (id === null || !feature) return;
  const collection = await fetchZones(turfBbox(feature) as Bounds);
  if (plan.communityId !== id) return;
  plan.zones = (collection.features as ZoneFeature[]).filter((z) => z.properties.communityId === id);
}

export async function checkTopology() {
  const id = plan.communityId;
  if (id === null) return;
  plan.topologyLoading = true;
  try {
    const result = await fetchTopology(id);
    if (plan.communityId === id) plan.topology = result;
  } catch (error) {
    if (plan.communityId === id) plan.topology = null;
    if (!(error instanceof ApiError)) throw error;
  } finally {
    plan.topologyLoading = false;
  }
}

export const gridById = (id: string) => plan.grids.find((g) => g.properties.id === id) ?? null;

export function select(id: string | null, add = false) {
  if (id === null) plan.selected = [];
  else if (add)
    plan.selected = plan.selected.includes(id) ? plan.selected.filter((s) => s !== id) : [...plan.selected, id];
  else plan.selected = [id];
  plan.gridHistory = null;
}

export function setMode(mode: PlanModeId) {
  // Reshaping a draft: its steps apply on top of the draft as it was when the reshape began.
  if (mode === 'edit' && plan.target === 'draft') draftBase = plan.draft?.features ?? null;
  plan.mode = mode;
  plan.preview = null;
  if (mode !== 'browse') plan.notice = null;
}

/**
 * Runs one save: on success the grids are reloaded and the new state goes on the undo stack; a
 * refused save leaves the map as it was and says why (a rule, with its fixes; a conflict, with
 * both versions). Returns whether it went through.
 */
async function save(run: () => Promise<void>, notice: string, mine: PendingSave | null): Promise<boolean> {
  if (plan.busy) return false;
  plan.busy = true;
  plan.problem = null;
  plan.preview = null;
  try {
    await run();
    if (plan.target === 'zones') {
      await reloadZones();
      zoneStack.push(zoneStateOf(plan.zones));
    } else {
      await reload(false);
      stack.push(stateOf(plan.grids));
    }
    syncDepth();
    plan.notice = notice;
    plan.pending = null;
    void checkTopology();
    return true;
  } catch (error) {
    plan.problem = problemOf(error, mine);
    return false;
  } finally {
    plan.busy = false;
  }
}

export function problemOf(error: unknown, mine: PendingSave | null): Problem {
  if (error instanceof ApiError && error.status === 422 && error.code === 'grid_rule')
    return { kind: 'rule', message: error.message, details: error.details as GridRuleDetails };
  if (error instanceof ApiError && error.status === 409 && error.code === 'version_conflict')
    return {
      kind: 'conflict',
      message: error.message,
      details: error.details as VersionConflictDetails<GridFeature>,
      mine,
    };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error), error };
}

const withoutEmpty = (props: EditableGridProps) => ({
  ...(props.code ? { code: props.code } : {}),
  name: props.name,
  kind: props.kind,
  households: props.households,
  population: props.population,
  workerName: props.workerName || null,
  workerPhone: props.workerPhone || null,
});

/** Saves what is pending (a drawn grid or a reshape), optionally with a fix's geometry instead. */
export async function savePending(geometry?: MultiPolygon) {
  const pending = plan.pending;
  const communityId = plan.communityId;
  if (!pending || communityId === null) return false;
  if (pending.kind === 'create-zone') {
    const next = geometry ? { ...pending, geometry } : pending;
    plan.pending = next;
    if (!next.gridId) {
      plan.problem = { kind: 'error', message: 'no grid', error: new Error(t('plan.zoneNoGrid')) };
      return false;
    }
    let createdId: string | null = null;
    const ok = await save(
      async () => {
        const created = await createZone({
          grid: next.gridId!,
          geometry: next.geometry,
          properties: { name: next.name, unit: next.unit },
        });
        createdId = created.properties.id;
      },
      'plan.notice.created',
      next,
    );
    if (ok && createdId) {
      plan.selected = [createdId];
      plan.mode = 'browse';
    }
    return ok;
  }
  if (pending.kind === 'reshape-zone') {
    const zone = geometry ? { ...pending.zone, geometry } : pending.zone;
    plan.pending = { kind: 'reshape-zone', zone };
    return save(
      async () => {
        await updateZone(zone.properties.id, { version: zone.properties.version, geometry: zone.geometry });
      },
      'plan.notice.saved',
      { kind: 'reshape-zone', zone },
    );
  }
  if (pending.kind === 'create') {
    const next = geometry ? { ...pending, geometry } : pending;
    plan.pending = next;
    let createdId: string | null = null;
    const ok = await save(
      async () => {
        const created = await createGrid({
          community: communityId,
          geometry: next.geometry,
          properties: withoutEmpty(next.properties),
        });
        createdId = created.properties.id;
      },
      'plan.notice.created',
      next,
    );
    if (ok && createdId) {
      plan.selected = [createdId];
      plan.mode = 'browse';
    }
    return ok;
  }
  // An attribute edit is saved by saveAttributes, never left pending.
  if (pending.kind === 'attributes') return false;
  // A reshape: one grid is a PATCH; several (a shared vertex moved) are one change.
  const grids = geometry && pending.grids.length === 1 ? [{ ...pending.grids[0]!, geometry }] : pending.grids;
  plan.pending = { kind: 'reshape', grids };
  return save(
    async () => {
      if (grids.length === 1) {
        const grid = grids[0]!;
        const saved = await updateGrid(grid.properties.id, {
          version: grid.properties.version,
          geometry: grid.geometry,
        });
        plan.zonesOutside = saved.zonesOutside ?? [];
      } else {
        await applyGridChanges({
          community: communityId,
          note: 'move shared vertex',
          changes: grids.map((g) => ({
            op: 'update' as const,
            id: g.properties.id,
            version: g.properties.version,
            geometry: g.geometry,
          })),
        });
      }
    },
    'plan.notice.saved',
    { kind: 'reshape', grids },
  );
}

/** After a conflict: save mine again on top of the version now saved (the planner chose to). */
export async function overwrite() {
  const problem = plan.problem;
  if (problem?.kind !== 'conflict' || !problem.mine) return false;
  const current = problem.details.current;
  const mine = problem.mine;
  if (mine.kind === 'attributes') {
    // Mine on top of theirs: the fields I changed, at the version now saved.
    const version = current.properties.version;
    const properties = mine.properties;
    return save(
      async () => {
        if (mine.table === 'zone') await updateZone(mine.id, { version, properties });
        else await updateGrid(mine.id, { version, properties });
      },
      'plan.notice.saved',
      mine,
    );
  }
  if (mine.kind === 'reshape-zone') {
    const zone = { ...mine.zone, properties: { ...mine.zone.properties, version: current.properties.version } };
    plan.pending = { kind: 'reshape-zone', zone };
    return savePending();
  }
  if (mine.kind === 'reshape') {
    plan.pending = {
      kind: 'reshape',
      grids: mine.grids.map((g) =>
        g.properties.id === current.properties.id
          ? { ...g, properties: { ...g.properties, version: current.properties.version } }
          : g,
      ),
    };
    return savePending();
  }
  return false;
}

/** After a conflict: drop my change and load what is saved now. */
export async function discardAndReload() {
  plan.problem = null;
  plan.pending = null;
  await reload(true);
}

export function cancelPending() {
  plan.pending = null;
  plan.problem = null;
  plan.preview = null;
}

export async function saveAttributes(id: string, properties: Partial<EditableGridProps>) {
  const grid = gridById(id);
  if (!grid) return false;
  return save(
    async () => {
      await updateGrid(id, { version: grid.properties.version, properties });
    },
    'plan.notice.saved',
    { kind: 'attributes', table: 'grid', id, properties },
  );
}

export async function saveZoneAttributes(id: string, properties: { name?: string; unit?: string }) {
  const zone = zoneById(id);
  if (!zone) return false;
  return save(
    async () => {
      await updateZone(id, { version: zone.properties.version, properties });
    },
    'plan.notice.saved',
    { kind: 'attributes', table: 'zone', id, properties },
  );
}

export async function deleteSelectedZone() {
  const zone = plan.selected[0] ? zoneById(plan.selected[0]) : null;
  if (!zone) return false;
  const ok = await save(
    async () => {
      const deleted = await deleteZone(zone.properties.id, zone.properties.version);
      deletedZoneVersions.set(deleted.id, deleted.version);
    },
    'plan.notice.zoneDeleted',
    null,
  );
  if (ok) plan.selected = [];
  return ok;
}

export async function splitSelected(line: LineString) {
  const id = plan.selected[0];
  const grid = id ? gridById(id) : null;
  if (!grid) return false;
  let pieces: string[] = [];
  const ok = await save(
    async () => {
      const result = await splitGrid(grid.properties.id, grid.properties.version, line);
      pieces = result.features.map((f) => f.properties.id);
    },
    'plan.notice.split',
    null,
  );
  if (ok) plan.selected = pieces;
  return ok;
}

export async function mergeSelected() {
  const grids = plan.selected.map(gridById).filter((g): g is GridFeature => g !== null);
  if (grids.length < 2) return false;
  const ok = await save(
    async () => {
      await mergeGrids(grids.map((g) => ({ id: g.properties.id, version: g.properties.version })));
      for (const g of grids.slice(1)) deletedVersions.set(g.properties.id, g.properties.version);
    },
    'plan.notice.merged',
    null,
  );
  if (ok) plan.selected = [grids[0]!.properties.id];
  return ok;
}

export async function deleteSelected() {
  const grid = plan.selected[0] ? gridById(plan.selected[0]) : null;
  if (!grid) return false;
  const ok = await save(
    async () => {
      const deleted = await deleteGrid(grid.properties.id, grid.properties.version);
      deletedVersions.set(deleted.id, deleted.version);
    },
    'plan.notice.deleted',
    null,
  );
  if (ok) plan.selected = [];
  return ok;
}

/** Moves the stack (back for undo, forward for redo) and saves the community as that state. */
async function travel(direction: 'undo' | 'redo') {
  const communityId = plan.communityId;
  if (plan.busy || communityId === null) return false;
  if (plan.target === 'zones') return travelZones(direction);
  if (plan.target === 'draft') return false;
  const target = direction === 'undo' ? stack.undo() : stack.redo();
  if (!target) return false;
  const back = () => {
    if (direction === 'undo') stack.redo();
    else stack.undo();
    syncDepth();
  };
  const plan_ = changesToReach(plan.grids, target, deletedVersions);
  if (!plan_.ok) {
    back();
    plan.problem = {
      kind: 'error',
      message: `grids ${plan_.missing.join(', ')} are gone`,
      error: new Error('missing grids'),
    };
    return false;
  }
  if (plan_.changes.length === 0) {
    syncDepth();
    return true;
  }
  plan.busy = true;
  plan.problem = null;
  try {
    const result = await applyGridChanges({ community: communityId, note: direction, changes: plan_.changes });
    for (const d of result.deleted) deletedVersions.set(d.id, d.version);
    await reload(false);
    syncDepth();
    plan.notice = direction === 'undo' ? 'plan.notice.undone' : 'plan.notice.redone';
    plan.selected = plan.selected.filter((s) => target.has(s));
    void checkTopology();
    return true;
  } catch (error) {
    back();
    plan.problem = problemOf(error, null);
    return false;
  } finally {
    plan.busy = false;
  }
}

/**
 * Undo and redo for zones. A zone step changed one zone, so going back is one request (a PATCH, a
 * DELETE, or a restore of a deleted zone under its id): all of it or none, as for grids.
 */
async function travelZones(direction: 'undo' | 'redo') {
  const target = direction === 'undo' ? zoneStack.undo() : zoneStack.redo();
  if (!target) return false;
  const back = () => {
    if (direction === 'undo') zoneStack.redo();
    else zoneStack.undo();
    syncDepth();
  };
  const steps = zoneStepsToReach(plan.zones, target, deletedZoneVersions);
  if (!steps.ok) {
    back();
    plan.problem = { kind: 'error', message: steps.message, error: new Error(steps.message) };
    return false;
  }
  plan.busy = true;
  plan.problem = null;
  try {
    for (const step of steps.steps) {
      if (step.op === 'update') await updateZone(step.id, step.body);
      else if (step.op === 'delete')
        deletedZoneVersions.set(step.id, (await deleteZone(step.id, step.version)).version);
      else await restoreZone(step.id, step.version, step.version, step.geometry);
    }
    await reloadZones();
    syncDepth();
    plan.notice = direction === 'undo' ? 'plan.notice.undone' : 'plan.notice.redone';
    plan.selected = plan.selected.filter((s) => target.has(s));
    void checkTopology();
    return true;
  } catch (error) {
    back();
    plan.problem = problemOf(error, null);
    return false;
  } finally {
    plan.busy = false;
  }
}

export const undo = () => travel('undo');
export const redo = () => travel('redo');

/** Renumbers the community's CJ/T 349 sequence west to east, north to south, as one change. */
export async function renumber() {
  const communityId = plan.communityId;
  if (communityId === null) return false;
  const grids = plan.grids.map((g) => ({ id: g.properties.id, version: g.properties.version }));
  return save(
    async () => {
      await renumberGrids(communityId, grids);
    },
    'plan.notice.renumbered',
    null,
  );
}

export async function loadGridHistory(id: string) {
  plan.gridHistory = plan.target === 'zones' ? await fetchZoneHistory(id) : await fetchGridHistory(id);
}

export async function restoreVersion(id: string, toVersion: number) {
  const area = plan.target === 'zones' ? zoneById(id) : gridById(id);
  if (!area) return false;
  const ok = await save(
    async () => {
      if (plan.target === 'zones') await restoreZone(id, area.properties.version, toVersion);
      else await restoreGrid(id, area.properties.version, toVersion);
    },
    'plan.notice.restored',
    null,
  );
  if (ok) await loadGridHistory(id);
  return ok;
}

/** Applies a topology fix (e.g. "give this gap to a neighbour"): a PATCH of that grid. */
export async function applyGridFix(gridId: string, fix: GridRuleFix) {
  const grid = gridById(gridId);
  if (!grid) return false;
  return save(
    async () => {
      await updateGrid(gridId, { version: grid.properties.version, geometry: fix.geometry });
    },
    'plan.notice.saved',
    null,
  );
}

export type { GridChangeRequest };

/** Asks the server for a balanced draft of the community's grids (nothing is saved). */
export async function requestDraft(body: DraftGridsRequest) {
  const communityId = plan.communityId;
  if (communityId === null || plan.drafting) return false;
  plan.drafting = true;
  plan.problem = null;
  try {
    const draft = await draftGrids(communityId, body);
    if (plan.communityId === communityId) {
      plan.draft = draft;
      editedDraft.clear();
    }
    return true;
  } catch (error) {
    plan.problem = problemOf(error, null);
    return false;
  } finally {
    plan.drafting = false;
  }
}

export function discardDraft() {
  plan.draft = null;
  editedDraft.clear();
  if (plan.target === 'draft') setTarget('grids');
}

/**
 * Accepts the draft as one change: the community's grids give way to the drafted ones (numbered
 * in the draft's reading order, with its households and population), checked as any save; the
 * zones go to the new grid holding them. One undo takes it all back.
 */
export async function acceptDraft() {
  const draft = plan.draft;
  const communityId = plan.communityId;
  const region = community();
  if (!draft || communityId === null || !region) return false;
  const changes: GridChangeRequest[] = [
    ...plan.grids.map((g) => ({ op: 'delete' as const, id: g.properties.id, version: g.properties.version })),
    ...draft.features.map((f) => ({
      op: 'create' as const,
      geometry: f.geometry,
      properties: {
        code: `${region.code}${String(f.properties.sequence).padStart(3, '0')}`,
        name: `${region.name}第${f.properties.sequence}网格`,
        households: Math.round(f.properties.households),
        population: Math.round(f.properties.population),
      },
    })),
  ];
  const deleted = plan.grids.map((g) => [g.properties.id, g.properties.version] as const);
  const ok = await save(
    async () => {
      await applyGridChanges({ community: communityId, note: 'accept draft', changes });
      for (const [id, version] of deleted) deletedVersions.set(id, version);
    },
    'plan.notice.draftAccepted',
    null,
  );
  if (ok) {
    plan.draft = null;
    editedDraft.clear();
    plan.selected = [];
    if (plan.target === 'draft') setTarget('grids');
  }
  return ok;
}

export function openImport(open: boolean) {
  plan.importOpen = open;
  plan.importResult = null;
}

/**
 * Sends a file to the importer: a dry run shows its preview and problems on the map and in the
 * panel; a commit writes all of it or none. A commit of grids or zones is one change in the
 * history, and goes on the undo stack like any edit.
 */
export async function runImport(
  layer: ImportRouteLayer,
  file: File,
  query: Omit<ImportRequest, 'file_name' | 'dry_run'> & { dry_run: boolean },
) {
  if (plan.importing) return false;
  plan.importing = true;
  plan.problem = null;
  const request: ImportRequest = { ...query, dry_run: query.dry_run ? 'true' : 'false', file_name: file.name };
  try {
    if (query.dry_run) {
      plan.importResult = await importFile(layer, file, request);
      fitPreview();
      return true;
    }
    const target: PlanTarget = layer === 'zones' ? 'zones' : 'grids';
    if (plan.target !== target && layer !== 'stations') setTarget(target);
    let result: ImportResponse | null = null;
    const gridsBefore = plan.grids;
    const zonesBefore = plan.zones;
    const ok = await save(
      async () => {
        result = await importFile(layer, file, request);
      },
      'plan.notice.imported',
      null,
    );
    if (ok) {
      // Grids and zones the import replaced are deleted: note their versions, so undo can revive them.
      // (Plain Sets: lookups, not state.)
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const gridsNow = new Set(plan.grids.map((g) => g.properties.id));
      for (const g of gridsBefore)
        if (!gridsNow.has(g.properties.id)) deletedVersions.set(g.properties.id, g.properties.version);
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const zonesNow = new Set(plan.zones.map((z) => z.properties.id));
      for (const z of zonesBefore)
        if (!zonesNow.has(z.properties.id)) deletedZoneVersions.set(z.properties.id, z.properties.version);
      plan.importResult = result;
      if (layer !== 'stations') void loadSurroundingsAgain();
    } else {
      // The problem save() recorded (TypeScript can't see that save() set it).
      const problem = plan.problem as Problem | null;
      const error = problem?.kind === 'error' ? problem.error : null;
      if (error instanceof ApiError && error.code === 'import_refused') {
        plan.importResult = error.details as ImportResponse;
        plan.problem = null;
      }
    }
    return ok;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'import_refused')
      plan.importResult = error.details as ImportResponse;
    else plan.problem = problemOf(error, null);
    return false;
  } finally {
    plan.importing = false;
  }
}

function fitPreview() {
  const preview = plan.importResult?.preview;
  const features = (preview?.features ?? []).flatMap((f) =>
    f.geometry ? [{ type: 'Feature' as const, geometry: f.geometry, properties: {} }] : [],
  );
  if (!features.length) return;
  focusOn(turfBbox({ type: 'FeatureCollection', features }) as Bounds);
}

async function loadSurroundingsAgain() {
  const id = plan.communityId;
  const feature = communityFeature();
  if (id !== null && feature) await loadSurroundings(id, turfBbox(feature) as Bounds);
}

/** Saves a zone's "clip to grid" fix (after its grid's boundary moved), as one PATCH of the zone. */
export async function clipZoneToGrid(zoneId: string) {
  const warning = plan.zonesOutside.find((z) => z.id === zoneId);
  const fix = warning?.fixes[0];
  if (!warning || !fix) return false;
  plan.busy = true;
  try {
    await updateZone(zoneId, { version: warning.version, geometry: fix.geometry });
    plan.zonesOutside = plan.zonesOutside.filter((z) => z.id !== zoneId);
    await reloadZones();
    plan.notice = 'plan.notice.saved';
    void checkTopology();
    return true;
  } catch (error) {
    plan.problem = problemOf(error, null);
    return false;
  } finally {
    plan.busy = false;
  }
}

/** A draft grid as the tools see it: a grid-shaped feature with the id `draft:<sequence>`. */
export const draftId = (sequence: number) => `draft:${sequence}`;
const sequenceOf = (id: string) => Number(id.slice('draft:'.length));

/** Which draft grids the planner changed: their households and population are estimates since. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity
export const editedDraft = new Set<number>();

function setDraftFeatures(features: DraftGridsResponse['features']) {
  const draft = plan.draft;
  if (!draft) return;
  plan.draft = { ...draft, features };
}

let draftBase: DraftGridsResponse['features'] | null = null;

/**
 * Reshaped draft grids (from the edit mode, shared vertices included): the draft as the reshape
 * began, with these shapes in place (so an undo in the edit mode puts back whatever it moved).
 */
export function reshapeDraft(grids: GridFeature[]) {
  const draft = plan.draft;
  if (!draft) return;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, not state
  const byId = new Map(grids.map((g) => [g.properties.id, g]));
  setDraftFeatures(
    (draftBase ?? draft.features).map((f) => {
      const changed = byId.get(draftId(f.properties.sequence));
      if (!changed) return f;
      editedDraft.add(f.properties.sequence);
      return { ...f, geometry: changed.geometry, properties: { ...f.properties, area_m2: area_m2(changed.geometry) } };
    }),
  );
}

/**
 * Cuts a draft grid along a line, in the browser (the draft is not saved): the pieces share its
 * households and population by area (an estimate, marked as such) and take new sequence numbers.
 */
export function splitDraft(id: string, line: LineString): string | null {
  const draft = plan.draft;
  const feature = draft?.features.find((f) => draftId(f.properties.sequence) === id);
  if (!draft || !feature) return null;
  const result = splitByLine({ ...feature, id }, line);
  if (!result.ok) return result.message;
  const total = area_m2(feature.geometry);
  let next = Math.max(...draft.features.map((f) => f.properties.sequence));
  const pieces = result.pieces.map((piece, index) => {
    const share = area_m2(piece.geometry) / total;
    const sequence = index === 0 ? feature.properties.sequence : ++next;
    editedDraft.add(sequence);
    return {
      type: 'Feature' as const,
      geometry: piece.geometry,
      properties: {
        ...feature.properties,
        sequence,
        households: feature.properties.households * share,
        population: feature.properties.population * share,
        area_m2: area_m2(piece.geometry),
      },
    };
  });
  setDraftFeatures(draft.features.flatMap((f) => (f === feature ? pieces : [f])));
  plan.selected = pieces.map((p) => draftId(p.properties.sequence));
  return null;
}

/** Joins adjacent draft grids, in the browser: households and population add up exactly. */
export function mergeDraft(ids: readonly string[]): string | null {
  const draft = plan.draft;
  if (!draft || ids.length < 2) return null;
  const chosen = ids.map((id) => draft.features.find((f) => draftId(f.properties.sequence) === id));
  if (chosen.some((f) => !f)) return null;
  let merged = { ...chosen[0]!, id: ids[0]! };
  for (const [index, other] of chosen.slice(1).entries()) {
    const result = mergeAdjacent(merged, { ...other!, id: ids[index + 1]! });
    if (!result.ok) return result.message;
    merged = {
      ...result.merged,
      id: ids[0]!,
      properties: {
        ...merged.properties,
        households: merged.properties.households + other!.properties.households,
        population: merged.properties.population + other!.properties.population,
        blocks: merged.properties.blocks + other!.properties.blocks,
      },
    } as typeof merged;
  }
  const first = chosen[0]!;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, not state
  const gone = new Set(chosen.slice(1));
  const { id: _id, ...feature } = merged;
  void _id;
  setDraftFeatures(
    draft.features
      .filter((f) => !gone.has(f))
      .map((f) =>
        f === first ? { ...feature, properties: { ...feature.properties, area_m2: area_m2(feature.geometry) } } : f,
      ),
  );
  plan.selected = [ids[0]!];
  return null;
}

export { sequenceOf };
