/**
 * The audit page's state: its inputs (mirrored in the URL), the audit and site suggestions in
 * flight or answered, and what the map should outline and zoom to. A change of inputs aborts the
 * request it replaces (one `latestRequest` per kind of request), so a slow street-network audit
 * never overwrites a newer answer.
 */
import { bbox as turfBbox } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { ApiError } from '../api/client';
import {
  addPlannedStation,
  fetchAudit,
  fetchAuditStations,
  suggestSites,
  type AuditSitesResponse,
  type SuggestedSite,
} from '../api/audit';
import { fetchGrids } from '../api/grids';
import { fetchRegions } from '../api/regions';
import type { BoundaryData } from '../map/offline-style';
import { isAbortError as isAbort, latestRequest } from '../state/latest-request';
import type { AuditResponse, AuditRow, GridCollection, MeResponse, StationCollection, StationKind } from '../types';
import {
  auditRequest,
  inputsQuery,
  parseInputs,
  sitesRequest,
  type AuditInputs,
  type SitesInputs,
} from './audit-inputs';

export type Bounds = [number, number, number, number];
export type AuditTable = 'by_region' | 'by_grid';

/** Progress shows only for a computation that takes longer than this (issue 10). */
export const PROGRESS_AFTER_MS = 500;

type Running = { startedAt: number; elapsed_ms: number };

class AuditPageState {
  inputs = $state<AuditInputs>(parseInputs('').inputs);
  sitesInputs = $state<SitesInputs>(parseInputs('').sites);
  regions = $state.raw<BoundaryData | null>(null);
  grids = $state.raw<GridCollection | null>(null);
  stations = $state.raw<StationCollection | null>(null);
  loadError = $state.raw<unknown>(null);

  result = $state.raw<AuditResponse | null>(null);
  running = $state<Running | null>(null);
  error = $state.raw<unknown>(null);

  sites = $state.raw<AuditSitesResponse | null>(null);
  sitesRunning = $state<Running | null>(null);
  sitesError = $state.raw<unknown>(null);
  /** Site ids (order) already taken as planned stations, with the new station's id. */
  added = $state.raw<Record<number, string>>({});

  table = $state<AuditTable>('by_region');
  selected = $state.raw<{ table: AuditTable; id: number | string } | null>(null);
  /** The map fits these bounds whenever `key` changes. */
  focus = $state.raw<{ bounds: Bounds; key: number } | null>(null);
}

export const audit = new AuditPageState();

const auditRequests = latestRequest();
const sitesRequests = latestRequest();
let focusKey = 0;

function ticker(target: 'running' | 'sitesRunning') {
  const timer = setInterval(() => {
    const running = audit[target];
    if (running) audit[target] = { ...running, elapsed_ms: Date.now() - running.startedAt };
  }, 100);
  return () => clearInterval(timer);
}

/** Writes the inputs into the address bar (replaceState: changing a setting is not a new page). */
export function writeUrl() {
  const query = inputsQuery(audit.inputs, audit.sitesInputs);
  const url = `${location.pathname}?${query}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(history.state, '', url);
}

/** The page's own URL for the printable report, with the same inputs. */
export const reportUrl = () => `/audit/report?${inputsQuery(audit.inputs, audit.sitesInputs)}`;

/** Regions, grids and stations. */
export async function loadAuditData() {
  try {
    const [district, subdistrict, community] = await Promise.all([
      fetchRegions('district'),
      fetchRegions('subdistrict'),
      fetchRegions('community'),
    ]);
    audit.regions = { district, subdistrict, community };
  } catch (error) {
    audit.loadError = error;
  }
  void fetchAuditStations()
    .then((stations) => (audit.stations = stations))
    .catch(() => undefined);
  void fetchGrids()
    .then((grids) => (audit.grids = grids))
    .catch(() => undefined);
}

/** Region ids a planner may audit: each scope and everything under it. */
export function regionIdsInScope(me: MeResponse | null, regions: BoundaryData | null): Set<number> | null {
  if (!me || me.role !== 'planner') return null;
  // A plain Set: a value computed from the state, not state itself.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const ids = new Set(me.scopes.map((scope) => scope.id));
  if (!regions) return ids;
  // Parents come before children: district, subdistricts, communities.
  for (const level of [regions.subdistrict, regions.community]) {
    for (const feature of level.features) {
      if (feature.properties.parentId !== null && ids.has(feature.properties.parentId)) ids.add(feature.properties.id);
    }
  }
  return ids;
}

/** The default region: the district for officials and admins, a planner's first scope. */
export function defaultRegion(me: MeResponse | null, regions: BoundaryData): number | null {
  if (me?.role === 'planner' && me.scopes[0]) return me.scopes[0].id;
  return regions.district.features[0]?.properties.id ?? null;
}

export function regionFeature(id: number | string | null) {
  const regions = audit.regions;
  if (regions === null || id === null) return null;
  for (const level of [regions.district, regions.subdistrict, regions.community]) {
    const found = level.features.find((feature) => feature.properties.id === id);
    if (found) return found;
  }
  return null;
}

function boundsOf(feature: Feature<Polygon | MultiPolygon>): Bounds {
  const [west, south, east, north] = turfBbox(feature);
  return [west, south, east, north];
}

function focusOn(bounds: Bounds) {
  focusKey += 1;
  audit.focus = { bounds, key: focusKey };
}

/** Runs the audit for the current inputs, aborting any audit still running. */
export async function runAudit() {
  const inputs = audit.inputs;
  if (inputs.region === null) return;
  const region = inputs.region;
  writeUrl();
  const { signal, current } = auditRequests.start();
  audit.running = { startedAt: Date.now(), elapsed_ms: 0 };
  audit.error = null;
  const stop = ticker('running');
  const regionChanged = audit.result?.region.id !== region;
  const shape = regionFeature(region);
  if (regionChanged && shape) focusOn(boundsOf(shape));
  try {
    const result = await fetchAudit(auditRequest({ ...inputs, region }), { signal });
    if (!current()) return;
    audit.result = result;
    if (regionChanged) audit.selected = null;
    // Sites suggested for other inputs no longer answer these.
    if (audit.sites && !sameSitesInputs()) audit.sites = null;
  } catch (error) {
    if (!current() || isAbort(error)) return;
    audit.error = error;
  } finally {
    stop();
    if (current()) audit.running = null;
  }
}

let sitesKey = '';
const sitesKeyOf = () =>
  audit.inputs.region === null
    ? ''
    : JSON.stringify(sitesRequest({ ...audit.inputs, region: audit.inputs.region }, audit.sitesInputs));
const sameSitesInputs = () => sitesKey === sitesKeyOf();

/** Changes some inputs, writes the URL and runs the audit again. */
export function setInputs(patch: Partial<AuditInputs>) {
  audit.inputs = { ...audit.inputs, ...patch };
  // The gap split is a view of the same answer.
  if (Object.keys(patch).every((key) => key === 'split')) {
    writeUrl();
    return;
  }
  void runAudit();
}

export function setSitesInputs(patch: Partial<SitesInputs>) {
  audit.sitesInputs = { ...audit.sitesInputs, ...patch };
  if (audit.sitesInputs.ran) writeUrl();
}

/** POST /api/audit/sites for the current inputs; a 404 means the server doesn't offer it yet. */
export async function runSites() {
  const inputs = audit.inputs;
  if (inputs.region === null) return;
  audit.sitesInputs = { ...audit.sitesInputs, ran: true };
  writeUrl();
  const { signal, current } = sitesRequests.start();
  audit.sitesRunning = { startedAt: Date.now(), elapsed_ms: 0 };
  audit.sitesError = null;
  const stop = ticker('sitesRunning');
  const key = sitesKeyOf();
  try {
    const answer = await suggestSites(sitesRequest({ ...inputs, region: inputs.region }, audit.sitesInputs), {
      signal,
    });
    if (!current()) return;
    audit.sites = answer;
    audit.added = {};
    sitesKey = key;
  } catch (error) {
    if (!current() || isAbort(error)) return;
    audit.sitesError = error;
  } finally {
    stop();
    if (current()) audit.sitesRunning = null;
  }
}

export const sitesUnavailable = (error: unknown) =>
  error instanceof ApiError && error.status === 404 && error.code === 'not_found';

/** Takes a suggestion as a planned station, then reloads the stations and runs the audit again. */
export async function addSiteAsPlanned(site: SuggestedSite, kind: StationKind, name: string) {
  const created = await addPlannedStation({ kind, name, at: site.geometry.coordinates as [number, number] });
  audit.added = { ...audit.added, [site.properties.order]: created.properties.id };
  try {
    audit.stations = await fetchAuditStations();
  } catch {
    // The station exists; the map shows it at the next load.
  }
  await runAudit();
}

/** The shape of a table row: a region from /api/regions, a grid from /api/grids. */
export function rowShape(table: AuditTable, row: AuditRow): Feature<Polygon | MultiPolygon> | null {
  if (table === 'by_region') return regionFeature(row.id);
  return audit.grids?.features.find((feature) => feature.properties.id === row.id) ?? null;
}

/** A click on a row: outline it and zoom to it. */
export function selectRow(table: AuditTable, row: AuditRow) {
  audit.selected = { table, id: row.id };
  const shape = rowShape(table, row);
  if (shape) focusOn(boundsOf(shape));
}

/** Zooms to the audited region again. */
export function focusRegion() {
  const shape = regionFeature(audit.inputs.region);
  if (shape) focusOn(boundsOf(shape));
}

export function focusPoint(at: [number, number]) {
  const pad = 0.01;
  focusOn([at[0] - pad, at[1] - pad, at[0] + pad, at[1] + pad]);
}

/** Reads the inputs from the URL at start. */
export function readUrl() {
  const { inputs, sites } = parseInputs(location.search);
  audit.inputs = inputs;
  audit.sitesInputs = sites;
}
