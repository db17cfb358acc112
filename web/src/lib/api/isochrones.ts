import type { IsochroneCollection, RoutingProfile } from '../types';
import { getJson } from './client';

export type IsochronesQuery = {
  lng: number;
  lat: number;
  mode: RoutingProfile;
  /** Band limits in minutes, e.g. [5, 10, 15]; sent as `minutes=5,10,15`. */
  minutes: readonly number[];
};

/**
 * GET /api/isochrones?lng=&lat=&mode=&minutes=5,10,15. A point more than 500 m from a street the
 * mode may use is a 422 with code `no_street_nearby` (an `ApiError`).
 */
export const fetchIsochrones = ({ lng, lat, mode, minutes }: IsochronesQuery, init?: RequestInit) =>
  getJson<IsochroneCollection>('isochrones', { lng, lat, mode, minutes: minutes.join(',') }, init);
