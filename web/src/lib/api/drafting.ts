import type { DraftGridsRequest, DraftGridsResponse } from '../types';
import { sendJson } from './client';

/** POST /api/regions/:id/draft-grids: a proposal of balanced grids for a community (saves nothing). */
export const draftGrids = (communityId: number, body: DraftGridsRequest, init?: RequestInit) =>
  sendJson<DraftGridsResponse>('POST', `regions/${communityId}/draft-grids`, body, init);
