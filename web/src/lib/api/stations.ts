import type { Amenity, NearestStationCollection, StationCollection, StationKind } from '../types';
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
