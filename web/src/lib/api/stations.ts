import type {
  Amenity,
  NearestMode,
  NearestStationCollection,
  ReachableStationCollection,
  RoutingProfile,
  StationCollection,
  StationKind,
} from '../types';
import { ApiError, apiUrl, getJson } from './client';

/** GET /api/stations */
export const fetchStations = (init?: RequestInit) => getJson<StationCollection>('stations', {}, init);

/**
 * GET /api/stations with the time the list was made: the response's Date header, which a copy
 * from the service worker's cache keeps, so an offline page can say how old its list is.
 * (A public GET with no session: `getJson`'s re-authentication has nothing to do here.)
 */
export async function fetchStationsWithDate(
  init?: RequestInit,
): Promise<{ stations: StationCollection; fetchedAt: Date | null }> {
  const response = await fetch(apiUrl('stations'), { ...init, headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new ApiError(
      `${response.status} ${response.statusText || 'error'} (stations)`,
      response.status,
      'http_error',
    );
  }
  const stations = (await response.json()) as StationCollection;
  const date = new Date(response.headers.get('Date') ?? '');
  return { stations, fetchedAt: Number.isNaN(date.getTime()) ? null : date };
}

export type NearestStationsQuery = {
  lng: number;
  lat: number;
  limit?: number;
  /** straight (the default): geodesic metres; walk or ebike: travel time on the streets, with routes. */
  mode?: NearestMode;
  kind?: StationKind | null;
  amenity?: Amenity | null;
  /** More amenities the station must all have (joined with `amenity`, sent as one comma list). */
  amenities?: readonly Amenity[];
  /** true: only stations open at `openAt`; the server widens its search until it has `limit`. */
  open?: boolean;
  /** The time to judge opening hours at (ISO 8601 with offset); now by default. */
  openAt?: string | null;
};

/** GET /api/stations/nearest?lng=&lat=&limit=&mode=&kind=&amenity=&open=&open_at= */
export const fetchNearestStations = (
  { lng, lat, limit = 5, mode, kind, amenity, amenities = [], open, openAt }: NearestStationsQuery,
  init?: RequestInit,
) => {
  const allAmenities = [...new Set([...(amenity ? [amenity] : []), ...amenities])];
  return getJson<NearestStationCollection>(
    'stations/nearest',
    {
      lng,
      lat,
      limit,
      mode,
      kind,
      amenity: allAmenities.join(','),
      // Left out rather than `open=false`, which would mean the same as nothing.
      open: open ? true : undefined,
      open_at: openAt,
    },
    init,
  );
};

export type ReachableStationsQuery = {
  lng: number;
  lat: number;
  mode: RoutingProfile;
  minutes?: number;
  limit?: number;
  kind?: StationKind | null;
  amenity?: Amenity | null;
  /** true: only stations open now. Left out (not `open=false`) otherwise. */
  openOnly?: boolean;
};

/** GET /api/stations/reachable?lng=&lat=&mode=&minutes=&limit=&kind=&amenity=&open=: fastest first. */
export const fetchReachableStations = (
  { lng, lat, mode, minutes = 15, limit = 5, kind, amenity, openOnly }: ReachableStationsQuery,
  init?: RequestInit,
) =>
  getJson<ReachableStationCollection>(
    'stations/reachable',
    { lng, lat, mode, minutes, limit, kind, amenity, open: openOnly ? true : undefined },
    init,
  );
