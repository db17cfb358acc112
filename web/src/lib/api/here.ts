import type { HereResponse, LngLat } from '../types';
import { getJson } from './client';

/** GET /api/here?lng=&lat=: "who is responsible here". */
export const fetchHere = ({ lng, lat }: LngLat, init?: RequestInit) =>
  getJson<HereResponse>('here', { lng, lat }, init);
