/**
 * The rider page's state: where the rider is, what they need, and the stations that answer it.
 * One request at a time wins (a newer search drops an older answer), and a dropped connection
 * falls back to the cached station list, ranked by straight line in the browser.
 */
import { ApiError } from '../api/client';
import { fetchNearestStations, fetchStationsWithDate } from '../api/stations';
import type { LngLat, NearestMode, StationCollection } from '../types';
import type { FindFeature } from './find-types';
import { mergeRanked } from './merge-results';
import { amenityQueries, type NeedId } from './needs';
import { offlineNearest } from './offline-nearest';

/** Cards shown: enough to choose from, few enough to read on a phone. */
export const FIND_LIMIT = 5;
/** Ask the phone for a fix this fresh at most, and give up after this long. */
const LOCATION_MAX_AGE_MS = 60_000;
const LOCATION_TIMEOUT_MS = 15_000;

export type LocationStatus = 'idle' | 'asking' | 'granted' | 'denied' | 'unavailable' | 'timeout' | 'unsupported';
export type OriginSource = 'gps' | 'map' | 'search';

export type FindResult = {
  origin: LngLat;
  features: FindFeature[];
  /** How the list is ranked: `ebike` by e-bike time, `straight` by straight-line metres. */
  mode: NearestMode;
  /** From the cached list, with no connection. */
  offline: boolean;
  /** When the offline list was fetched. */
  fetchedAt: Date | null;
  /** Why the list is by straight line though e-bike time was asked for. */
  notice: 'noStreet' | 'straightFallback' | null;
  /** The time open/closed was judged at. */
  at: Date;
};

class FindState {
  origin = $state.raw<LngLat | null>(null);
  originSource = $state<OriginSource | null>(null);
  location = $state<LocationStatus>('idle');
  needs = $state<NeedId[]>([]);
  openOnly = $state(true);
  result = $state.raw<FindResult | null>(null);
  loading = $state(false);
  /** The last failure, shown with `errorText` so it follows the page's language. */
  error = $state.raw<unknown>(null);
  selectedId = $state<string | null>(null);
  stations = $state.raw<StationCollection | null>(null);
  stationsFetchedAt = $state.raw<Date | null>(null);
}

export const find = new FindState();

let latestSearch = 0;
let searchAbort: AbortController | null = null;

/** fetch rejects with a TypeError when the network is down (or the service worker has no copy). */
const isNetworkError = (error: unknown) =>
  error instanceof TypeError || (typeof navigator !== 'undefined' && navigator.onLine === false);

/** Asks the phone where it is, once per call; on failure the page offers the map and the search. */
export function locate(): void {
  if (typeof navigator === 'undefined' || !navigator.geolocation) {
    find.location = 'unsupported';
    return;
  }
  find.location = 'asking';
  navigator.geolocation.getCurrentPosition(
    (position) => {
      find.location = 'granted';
      setOrigin({ lng: position.coords.longitude, lat: position.coords.latitude }, 'gps');
    },
    (failure) => {
      find.location =
        failure.code === failure.PERMISSION_DENIED
          ? 'denied'
          : failure.code === failure.TIMEOUT
            ? 'timeout'
            : 'unavailable';
    },
    { enableHighAccuracy: true, maximumAge: LOCATION_MAX_AGE_MS, timeout: LOCATION_TIMEOUT_MS },
  );
}

export function setOrigin(origin: LngLat, source: OriginSource): void {
  find.origin = origin;
  find.originSource = source;
  void search();
}

export function toggleNeed(need: NeedId): void {
  find.needs = find.needs.includes(need) ? find.needs.filter((id) => id !== need) : [...find.needs, need];
  void search();
}

export function setOpenOnly(openOnly: boolean): void {
  find.openOnly = openOnly;
  void search();
}

export function selectStation(id: string | null): void {
  find.selectedId = id;
}

/** The station list for the search box and the offline fallback (the service worker keeps a copy). */
export async function loadStations(): Promise<StationCollection | null> {
  try {
    const { stations, fetchedAt } = await fetchStationsWithDate();
    find.stations = stations;
    find.stationsFetchedAt = fetchedAt;
    return stations;
  } catch {
    // Offline with nothing cached: the search box has fewer places; the cards say why if asked.
    return null;
  }
}

async function askNearest(origin: LngLat, mode: NearestMode, signal: AbortSignal) {
  const answers = await Promise.all(
    amenityQueries(find.needs).map((amenities) =>
      fetchNearestStations(
        { lng: origin.lng, lat: origin.lat, limit: FIND_LIMIT, mode, amenities, open: find.openOnly },
        { signal },
      ),
    ),
  );
  // A server without network ranking yet answers straight metres, with no times: rank it as such.
  const ranked: NearestMode =
    mode !== 'straight' && answers.every((a) => a.features.every((f) => typeof f.properties.duration_s === 'number'))
      ? mode
      : 'straight';
  return {
    features: mergeRanked(
      answers.map((a) => a.features),
      ranked,
      FIND_LIMIT,
    ),
    mode: ranked,
    at: new Date(answers[0]?.at ?? Date.now()),
  };
}

async function onlineResult(origin: LngLat, signal: AbortSignal): Promise<FindResult> {
  const base = { origin, offline: false, fetchedAt: null };
  try {
    return { ...base, ...(await askNearest(origin, 'ebike', signal)), notice: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // More than 500 m from any street: the network can't rank it, a straight line still helps.
    if (error.code === 'no_street_nearby') {
      return { ...base, ...(await askNearest(origin, 'straight', signal)), notice: 'noStreet' };
    }
    // TODO(find): drop once every server ranks by mode (a server without it refuses `mode`).
    if (error.status === 400) {
      return { ...base, ...(await askNearest(origin, 'straight', signal)), notice: 'straightFallback' };
    }
    throw error;
  }
}

async function offlineResult(origin: LngLat): Promise<FindResult> {
  const stations = find.stations ?? (await loadStations());
  if (!stations) throw new TypeError('offline, and no cached station list');
  return {
    origin,
    features: offlineNearest(stations, { origin, needs: find.needs, openOnly: find.openOnly, limit: FIND_LIMIT }),
    mode: 'straight',
    offline: true,
    fetchedAt: find.stationsFetchedAt,
    notice: null,
    at: find.stationsFetchedAt ?? new Date(),
  };
}

/** Asks for the nearest stations from the current origin with the current needs. */
export async function search(): Promise<void> {
  const origin = find.origin;
  if (!origin) return;
  const request = ++latestSearch;
  searchAbort?.abort();
  const abort = (searchAbort = new AbortController());
  find.loading = true;
  find.error = null;
  try {
    let result: FindResult;
    try {
      result = await onlineResult(origin, abort.signal);
    } catch (error) {
      if (abort.signal.aborted || !isNetworkError(error)) throw error;
      result = await offlineResult(origin);
    }
    if (request !== latestSearch) return;
    find.result = result;
    if (!result.features.some((f) => f.properties.id === find.selectedId)) {
      find.selectedId = result.features[0]?.properties.id ?? null;
    }
  } catch (error) {
    if (request !== latestSearch || abort.signal.aborted) return;
    find.error = error;
  } finally {
    if (request === latestSearch) find.loading = false;
  }
}
