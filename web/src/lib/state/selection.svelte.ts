import type { Feature, Point, Polygon, MultiPolygon } from 'geojson';
import { fetchHere } from '../api/here';
import { errorText } from '../i18n/index.svelte';
import { fetchNearestStations } from '../api/stations';
import { isAbortError, latestRequest } from './latest-request';
import { fitPoints, revealPoint } from './map.svelte';
import { clearReach, findReachableStations } from './reach.svelte';
import type {
  Amenity,
  GridProps,
  HereResponse,
  LngLat,
  NearestStationProps,
  StationKind,
  StationProps,
  ZoneProps,
} from '../types';

export type StationSelection = {
  type: 'station';
  feature: Feature<Point, StationProps | NearestStationProps>;
  /** Opened from the nearest-stations list, so the panel offers a way back to it. */
  fromNearest: boolean;
};
export type Selection =
  | StationSelection
  | { type: 'grid'; feature: Feature<Polygon | MultiPolygon, GridProps>; at?: LngLat }
  | { type: 'zone'; feature: Feature<Polygon | MultiPolygon, ZoneProps>; at?: LngLat }
  | { type: 'gap'; feature: Feature<Polygon, { area_m2: number; population: number }>; at?: LngLat };

export type Remote<T> = { status: 'loading' } | { status: 'done'; data: T } | { status: 'error'; message: string };

export type NearestResult = { origin: LngLat; features: Feature<Point, NearestStationProps>[] };

class SelectionState {
  selected = $state.raw<Selection | null>(null);
  /** The "who is responsible here" point and its answer. */
  herePoint = $state.raw<LngLat | null>(null);
  here = $state.raw<Remote<HereResponse> | null>(null);
  nearest = $state.raw<Remote<NearestResult> | null>(null);
  nearestFilters = $state<{ amenity: Amenity | ''; kind: StationKind | ''; openOnly: boolean }>({
    amenity: '',
    kind: '',
    openOnly: false,
  });
}

export const selection = new SelectionState();

/** In the page's language (i18n/api-errors.ts). */
const errorMessage = (error: unknown) => errorText(error);

/** Picks a feature on the map or in a list. Picking from the map forgets the "here" point. */
export function selectFeature(next: Selection) {
  if (!(next.type === 'station' && next.fromNearest)) clearHere();
  selection.selected = next;
}

export function clearSelection() {
  selection.selected = null;
}

export function clearHere() {
  hereRequests.abort();
  nearestRequests.abort();
  selection.herePoint = null;
  selection.here = null;
  selection.nearest = null;
  clearReach();
}

export function closeAll() {
  clearSelection();
  clearHere();
}

/** One "here" answer at a time: a newer click, or `refreshHere`, cancels the older request. */
const hereRequests = latestRequest();
const nearestRequests = latestRequest();

/** GET /api/here for a clicked point; a newer click cancels an older request. */
export async function askHere(point: LngLat) {
  clearHere();
  clearSelection();
  const { signal, current } = hereRequests.start();
  selection.herePoint = point;
  selection.here = { status: 'loading' };
  revealPoint(point.lng, point.lat);
  try {
    const data = await fetchHere(point, { signal });
    if (!current()) return;
    selection.here = { status: 'done', data };
    // Which stations are reachable along the streets: the coverage question for this one spot.
    void findReachableStations(point);
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    selection.here = { status: 'error', message: errorMessage(error) };
  }
}

/**
 * Asks /api/here again for the same point, after a sign-in or sign-out (the answer names the grid
 * worker for staff only). The old answer stays on the panel until the new one arrives; the nearest
 * and reachable lists don't depend on the caller and stay as they are.
 */
export async function refreshHere() {
  const point = selection.herePoint;
  if (!point || !selection.here) return;
  const { signal, current } = hereRequests.start();
  try {
    const data = await fetchHere(point, { signal });
    if (current()) selection.here = { status: 'done', data };
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    selection.here = { status: 'error', message: errorMessage(error) };
  }
}

/** GET /api/stations/nearest from the "here" point with the current filters. */
export async function findNearestStations(limit = 5) {
  const origin = selection.herePoint;
  if (!origin) return;
  const { signal, current } = nearestRequests.start();
  const { amenity, kind } = selection.nearestFilters;
  selection.nearest = { status: 'loading' };
  try {
    const collection = await fetchNearestStations(
      { lng: origin.lng, lat: origin.lat, limit, amenity: amenity || null, kind: kind || null },
      { signal },
    );
    if (current()) {
      selection.nearest = { status: 'done', data: { origin, features: collection.features } };
      // Show the clicked point and every station the list names.
      fitPoints([
        [origin.lng, origin.lat],
        ...collection.features.map((f) => f.geometry.coordinates as [number, number]),
      ]);
    }
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    selection.nearest = { status: 'error', message: errorMessage(error) };
  }
}

/**
 * Grids tile the whole district, so a click on the map nearly always lands on one. The polygon
 * panels keep the clicked point and offer the "here" and "nearest stations" answers for it.
 */
export function askHereWithNearest(point: LngLat) {
  void askHere(point);
  void findNearestStations();
}

/** The nearest stations after the client-side "open now" filter. */
export function visibleNearest(result: NearestResult, openOnly: boolean) {
  return openOnly ? result.features.filter((feature) => feature.properties.openNow) : result.features;
}
