import { fetchBasemap } from '../api/basemap';
import { fetchConfig } from '../api/config';
import { fetchGrids } from '../api/grids';
import { fetchRegions } from '../api/regions';
import { fetchStations } from '../api/stations';
import { fetchZones } from '../api/zones';
import type { Bbox } from '../api/client';
import { regionLabelPoints } from '../layers/labels';
import { selection } from './selection.svelte';
import type { BasemapCollection } from '../types';
import type { BoundaryData } from '../map/offline-style';
import type { LabelPoint } from '../layers/labels';
import type { ConfigResponse, GridCollection, StationCollection, ZoneCollection } from '../types';

/**
 * Data loaded once at start. `$state.raw`: GeoJSON is replaced, never mutated, and deep proxies
 * over thousands of polygons would only slow deck.gl's accessors down.
 */
class AppData {
  config = $state.raw<ConfigResponse | null>(null);
  regions = $state.raw<BoundaryData | null>(null);
  labels = $state.raw<{ subdistrict: LabelPoint[]; community: LabelPoint[] }>({ subdistrict: [], community: [] });
  grids = $state.raw<GridCollection | null>(null);
  zones = $state.raw<ZoneCollection | null>(null);
  stations = $state.raw<StationCollection | null>(null);
  /** A fatal start-up error, shown as a banner. */
  loadError = $state<string | null>(null);
}

export const appData = new AppData();

/** Config, region boundaries and (offline) the basemap: everything the style needs. */
export async function loadBasemapData(): Promise<{ config: ConfigResponse; basemap: BasemapCollection | null }> {
  const config = await fetchConfig();
  appData.config = config;
  const [district, subdistrict, community, basemap] = await Promise.all([
    fetchRegions('district'),
    fetchRegions('subdistrict'),
    fetchRegions('community'),
    config.basemapStyleUrl ? Promise.resolve(null) : fetchBasemap(),
  ]);
  appData.regions = { district, subdistrict, community };
  appData.labels = {
    subdistrict: regionLabelPoints(subdistrict),
    community: regionLabelPoints(community),
  };
  return { config, basemap };
}

/**
 * Grids, zones and stations, loaded once for the whole district (about 600 grids and 2,500
 * zones, small enough not to need refetching by viewport). Each lands as soon as it arrives;
 * the first failure is rethrown after the others settle.
 */
export async function loadLayerData(bbox: Bbox | null): Promise<void> {
  layerBbox = bbox;
  const results = await Promise.allSettled([
    loadGrids(),
    fetchZones(bbox).then((zones) => (appData.zones = zones)),
    fetchStations().then((stations) => (appData.stations = stations)),
  ]);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/** The bbox the layers were loaded for, so a reload asks for the same grids. */
let layerBbox: Bbox | null = null;
/** The latest grids request: an older answer (sent as another caller) must not land after it. */
let gridsRequest = 0;

async function loadGrids(): Promise<GridCollection> {
  const request = ++gridsRequest;
  const grids = await fetchGrids(layerBbox);
  if (request === gridsRequest) appData.grids = grids;
  return grids;
}

/**
 * Reloads the grids after a sign-in or sign-out: the API fills `workerName` and `workerPhone` for
 * staff only. An open grid panel is pointed at the reloaded grid, keeping its clicked point.
 */
export async function reloadGrids(): Promise<void> {
  const request = gridsRequest + 1;
  const grids = await loadGrids();
  if (request !== gridsRequest) return;
  const selected = selection.selected;
  if (selected?.type !== 'grid') return;
  const fresh = grids.features.find((feature) => feature.properties.id === selected.feature.properties.id);
  if (fresh) selection.selected = { ...selected, feature: fresh };
}
