import type { GridCollection } from '../types';
import { bboxParam, getJson, type Bbox } from './client';

/** GET /api/grids?bbox= */
export const fetchGrids = (bbox?: Bbox | null, init?: RequestInit) =>
  getJson<GridCollection>('grids', { bbox: bboxParam(bbox) }, init);
