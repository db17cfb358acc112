import type { CoverageMethod, CoverageResponse, StationKind, TravelMode } from '../types';
import { getJson } from './client';

export type CoverageQuery = {
  region: number;
  minutes: number;
  mode: TravelMode;
  kind?: StationKind | null;
  /** radius: straight-line circles; network: along the streets. The server's default is radius. */
  method?: CoverageMethod | null;
};

/** GET /api/coverage?region=&minutes=&mode=&kind=&method= */
export const fetchCoverage = ({ region, minutes, mode, kind, method }: CoverageQuery, init?: RequestInit) =>
  getJson<CoverageResponse>('coverage', { region, minutes, mode, kind, method }, init);
