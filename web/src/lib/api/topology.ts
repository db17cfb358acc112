import type { TopologyResponse } from '../types';
import { getJson } from './client';

/** GET /api/regions/:id/topology: the whole-community check (gaps, overlaps, slivers, strays). */
export const fetchTopology = (communityId: number, init?: RequestInit) =>
  getJson<TopologyResponse>(`regions/${communityId}/topology`, {}, init);
