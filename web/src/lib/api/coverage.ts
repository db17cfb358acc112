import type { CoverageResponse, StationKind, TravelMode } from '../types';
import { getJson } from './client';

export type CoverageQuery = {
  region: number;
  minutes: number;
  mode: TravelMode;
  kind?: StationKind | null;
};

/** GET /api/coverage?region=&minutes=&mode=&kind= */
export const fetchCoverage = ({ region, minutes, mode, kind }: CoverageQuery, init?: RequestInit) =>
  getJson<CoverageResponse>('coverage', { region, minutes, mode, kind }, init);
