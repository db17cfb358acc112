/** Shapes shared by every feature. Geometry is RFC 7946 GeoJSON: WGS84, `[lng, lat]`. */

export type LngLat = { lng: number; lat: number };

export type ErrorBody = {
  error: { code: string; message: string; details?: unknown };
};
