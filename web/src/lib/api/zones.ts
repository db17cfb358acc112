import type { ZoneCollection } from '../types';
import { bboxParam, getJson, type Bbox } from './client';

/** GET /api/zones?bbox= */
export const fetchZones = (bbox?: Bbox | null, init?: RequestInit) =>
  getJson<ZoneCollection>('zones', { bbox: bboxParam(bbox) }, init);
