import type { TravelMode } from './enums';

/**
 * GET /api/health: 200 with `status: 'ok'`, or 503 with `status: 'unavailable'` and the part that is
 * down (with Retry-After). The check gives up after about a second, so it never hangs.
 */
export type HealthResponse =
  | {
      status: 'ok';
      database: 'embedded' | 'postgres';
      postgis: string;
      components: { database: { status: 'up'; latency_ms: number } };
    }
  | {
      status: 'unavailable';
      database: 'embedded' | 'postgres';
      components: { database: { status: 'down'; message: string } };
    };

/** GET /api/config: what the web app needs before it draws. Served beside /health (health.routes.ts). */
export type ConfigResponse = {
  /** An online MapLibre style URL when BASEMAP_STYLE_URL is set; null means the offline basemap. */
  basemapStyleUrl: string | null;
  /** [minLng, minLat, maxLng, maxLat] of the demo district (or of all regions). */
  bounds: [number, number, number, number] | null;
  /** The district (top-level) region's id, the default for the coverage panel. */
  defaultRegionId: number | null;
  speeds_m_per_min: Record<TravelMode, number>;
};
