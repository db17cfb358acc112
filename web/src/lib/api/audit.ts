import type {
  AuditRequest,
  AuditResponse,
  AuditSitesRequest,
  AuditSitesResponse,
  SuggestedSiteProps,
  CreateStationRequest,
  StationCollection,
  StationKind,
  StationProps,
} from '../types';
import type { Feature, Point } from 'geojson';
import { getJson, sendJson } from './client';

/** GET /api/audit (officials, planners in scope, admins). */
export const fetchAudit = (query: AuditRequest, init?: RequestInit) =>
  getJson<AuditResponse>(
    'audit',
    {
      region: query.region,
      minutes: query.minutes,
      mode: query.mode,
      method: query.method,
      kind: query.kind,
      demand: query.demand,
      h3: query.h3,
      redundancy: query.redundancy ? true : undefined,
      include_planned: query.include_planned === 'true' ? true : undefined,
    },
    init,
  );

export type { AuditSitesResponse, SuggestedSiteProps };
export type SuggestedSite = Feature<Point, SuggestedSiteProps>;

/** POST /api/audit/sites. Not a write, but a POST: the session's CSRF token goes with it. */
export const suggestSites = (body: AuditSitesRequest, init?: RequestInit) =>
  sendJson<AuditSitesResponse>('POST', 'audit/sites', body, init);

/** GET /api/stations with every status, so the audit map can show planned and suspended stations too. */
export const fetchAuditStations = (init?: RequestInit) =>
  getJson<StationCollection>('stations', { status: 'active,suspended,planned' }, init);

/** POST /api/stations with `status: 'planned'`: a suggested site taken as a planned station. */
export const addPlannedStation = (
  { kind, name, at, address = '' }: { kind: StationKind; name: string; at: [number, number]; address?: string },
  init?: RequestInit,
) => {
  const body: CreateStationRequest = {
    kind,
    name,
    address,
    geometry: { type: 'Point', coordinates: at },
    status: 'planned',
  };
  return sendJson<Feature<Point, StationProps>>('POST', 'stations', body, init);
};
