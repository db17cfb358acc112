import type { BasemapCollection } from '../types';
import { getJson } from './client';

/** GET /api/basemap: roads and water for the offline basemap. */
export const fetchBasemap = (init?: RequestInit) => getJson<BasemapCollection>('basemap', {}, init);
