import type {
  Amenity,
  NearestStationCollection,
  ReachableStationCollection,
  RoutingProfile,
  StationCollection,
  StationKind,
} from '../types';
import { getJson } from './client';

/** GET /api/stations */
export const fetchStations = (init?: RequestInit) => getJson<StationCollection>('stations', {}, init);

export type NearestStationsQuery = {
  lng: number;
  lat: number;
  limit?: number;
  kind?: StationKind | null;
  amenity?: Amenity | null;
};

/** GET /api/stations/nearest?lng=&lat=&limit=&kind=&amenity= */
export const fetchNearestStations = (
  { lng, lat, limit = 5, kind, amenity }: NearestStationsQuery,
  init?: RequestInit,
) => getJson<NearestStationCollection>('stations/nearest', { lng, lat, limit, kind, amenity }, init);

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
