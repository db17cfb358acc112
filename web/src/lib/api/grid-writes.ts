/**
 * The planner workspace's writes to grids (issue 7). Each throws `ApiError` (client.ts): 401 and a
 * refused CSRF token are handled in the client; 403, 409 `version_conflict` and 422 `grid_rule` reach
 * the caller with their details, for the page to show.
 */
import type {
  AreaDeleted,
  CommunityHistory,
  CreateGridRequest,
  EditHistory,
  GridChangesRequest,
  GridChangesResult,
  GridCollection,
  GridFeature,
  RenumberedGrids,
  UpdateGridRequest,
} from '../types';
import type { LineString } from 'geojson';
import { getJson, sendJson } from './client';

/** GET /api/grids?community= */
export const fetchCommunityGrids = (community: number, init?: RequestInit) =>
  getJson<GridCollection>('grids', { community }, init);

export const createGrid = (body: CreateGridRequest) => sendJson<GridFeature>('POST', 'grids', body);

export const updateGrid = (id: string, body: UpdateGridRequest) =>
  sendJson<GridFeature>('PATCH', `grids/${encodeURIComponent(id)}`, body);

export const deleteGrid = (id: string, version: number) =>
  sendJson<AreaDeleted>('DELETE', `grids/${encodeURIComponent(id)}?version=${version}`);

export const splitGrid = (id: string, version: number, line: LineString) =>
  sendJson<GridCollection>('POST', `grids/${encodeURIComponent(id)}/split`, { version, line });

export const mergeGrids = (grids: { id: string; version: number }[]) =>
  sendJson<GridFeature>('POST', 'grids/merge', { grids });

/** Several writes as one change, all or nothing (shared-vertex moves, undo, redo). */
export const applyGridChanges = (body: GridChangesRequest) =>
  sendJson<GridChangesResult>('POST', 'grids/changes', body);

export const fetchGridHistory = (id: string, init?: RequestInit) =>
  getJson<EditHistory>(`grids/${encodeURIComponent(id)}/history`, {}, init);

export const restoreGrid = (id: string, version: number, toVersion: number) =>
  sendJson<GridFeature>('POST', `grids/${encodeURIComponent(id)}/restore`, { version, to_version: toVersion });

/** POST /api/grids/renumber: every grid of the community, at the version the page holds. */
export const renumberGrids = (community: number, grids: { id: string; version: number }[]) =>
  sendJson<RenumberedGrids>('POST', 'grids/renumber', { community, grids });

/** GET /api/grids/history?community=: the community's changes, newest first, a page at a time. */
export const fetchCommunityHistory = (community: number, before?: string | null, init?: RequestInit) =>
  getJson<CommunityHistory>('grids/history', { community, limit: 50, before: before ?? undefined }, init);
