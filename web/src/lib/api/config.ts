import type { ConfigResponse } from '../types';
import { getJson } from './client';

/** GET /api/config */
export const fetchConfig = (init?: RequestInit) => getJson<ConfigResponse>('config', {}, init);
