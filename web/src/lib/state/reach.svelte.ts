import { ApiError } from '../api/client';
import { fetchIsochrones } from '../api/isochrones';
import { errorText } from '../i18n/index.svelte';
import { fetchReachableStations } from '../api/stations';
import { ISOCHRONE_MINUTES } from '../constants';
import type { CoverageMinutes } from '../constants';
import type { IsochroneCollection, LngLat, ReachableStationCollection, TravelMode } from '../types';
import { isAbortError, latestRequest } from './latest-request';
import { fitFeature } from './map.svelte';

/** A failed request: `code` is the server's error code (`no_street_nearby` gets its own message). */
export type ReachError = { status: 'error'; code: string; message: string };
export type ReachRemote<T> = { status: 'loading' } | { status: 'done'; data: T } | ReachError;

/**
 * Street-network answers for the "here" point: isochrone bands drawn on request, and the stations
 * reachable within `minutes`, asked as soon as the "here" answer arrives. Kept apart from
 * `selection` so that module only has to call `clearReach`.
 */
class ReachState {
  /** Shared by the isochrones and the reachable-stations list. */
  mode = $state<TravelMode>('walk');
  minutes = $state<CoverageMinutes>(15);
  isochrones = $state.raw<ReachRemote<IsochroneCollection> | null>(null);
  reachable = $state.raw<ReachRemote<ReachableStationCollection> | null>(null);
}

export const reach = new ReachState();

/** How many stations the reachable list asks for. */
export const REACHABLE_LIMIT = 5;
/** A reachable station's walk off the streets is shown from this many metres (less is noise). */
export const WALK_NOTE_MIN_M = 50;

const isochroneRequests = latestRequest();
const reachableRequests = latestRequest();

function toError(error: unknown): ReachError {
  // In the page's language; `no_street_nearby` gets its own sentence in the panel.
  return { status: 'error', code: error instanceof ApiError ? error.code : 'error', message: errorText(error) };
}

/** Forgets both answers and cancels their requests; the mode and minutes stay as chosen. */
export function clearReach() {
  clearIsochrones();
  reachableRequests.abort();
  reach.reachable = null;
}

export function clearIsochrones() {
  isochroneRequests.abort();
  reach.isochrones = null;
}

/** GET /api/isochrones for 5, 10 and 15 minutes from `origin`, then fits the largest band. */
export async function drawIsochrones(origin: LngLat) {
  const { signal, current } = isochroneRequests.start();
  reach.isochrones = { status: 'loading' };
  try {
    const data = await fetchIsochrones(
      { lng: origin.lng, lat: origin.lat, mode: reach.mode, minutes: ISOCHRONE_MINUTES },
      { signal },
    );
    if (!current()) return;
    reach.isochrones = { status: 'done', data };
    const largest = data.features.reduce<(typeof data.features)[number] | null>(
      (best, feature) => (!best || feature.properties.minutes > best.properties.minutes ? feature : best),
      null,
    );
    if (largest) fitFeature(largest, 16);
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    reach.isochrones = toError(error);
  }
}

/** GET /api/stations/reachable from `origin` with the chosen mode and minutes, fastest first. */
export async function findReachableStations(origin: LngLat) {
  const { signal, current } = reachableRequests.start();
  reach.reachable = { status: 'loading' };
  try {
    const data = await fetchReachableStations(
      { lng: origin.lng, lat: origin.lat, mode: reach.mode, minutes: reach.minutes, limit: REACHABLE_LIMIT },
      { signal },
    );
    if (current()) reach.reachable = { status: 'done', data };
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    reach.reachable = toError(error);
  }
}
