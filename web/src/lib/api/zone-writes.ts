/**
 * The planner workspace's writes to responsibility zones (责任区域), as grid-writes.ts does for grids:
 * 403, 409 `version_conflict` and 422 `grid_rule` reach the caller with their details.
 */
import type { AreaDeleted, CreateZoneRequest, EditHistory, UpdateZoneRequest, ZoneFeature } from '../types';
import type { MultiPolygon, Polygon } from 'geojson';
import { getJson, sendJson } from './client';

export const createZone = (body: CreateZoneRequest) => sendJson<ZoneFeature>('POST', 'zones', body);

export const updateZone = (id: string, body: UpdateZoneRequest) =>
  sendJson<ZoneFeature>('PATCH', `zones/${encodeURIComponent(id)}`, body);

export const deleteZone = (id: string, version: number) =>
  sendJson<AreaDeleted>('DELETE', `zones/${encodeURIComponent(id)}?version=${version}`);

/** Restores `toVersion` on top of `version`; for a deleted zone, `version` is the version deleted. */
export const restoreZone = (id: string, version: number, toVersion: number, geometry?: Polygon | MultiPolygon) =>
  sendJson<ZoneFeature>('POST', `zones/${encodeURIComponent(id)}/restore`, {
    version,
    to_version: toVersion,
    ...(geometry ? { geometry } : {}),
  });

export const fetchZoneHistory = (id: string, init?: RequestInit) =>
  getJson<EditHistory>(`zones/${encodeURIComponent(id)}/history`, {}, init);
