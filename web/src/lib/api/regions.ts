import type { RegionCollection, RegionLevel } from '../types';
import { getJson } from './client';

/** GET /api/regions?level= */
export const fetchRegions = (level: RegionLevel, init?: RequestInit) =>
  getJson<RegionCollection>('regions', { level }, init);
