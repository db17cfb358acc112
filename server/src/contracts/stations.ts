import type { FeatureCollection, LineString, Point } from 'geojson';
import type { z } from 'zod';
import type { LngLat } from './common';
import {
  NEAREST_MODES,
  STATION_STATUSES,
  type Amenity,
  type NearestMode,
  type StationKind,
  type StationStatus,
} from './enums';
import {
  Amenities,
  Bbox,
  BooleanFlag,
  Instant,
  Lat,
  Lng,
  StationKinds,
  csvOf,
  enumParam,
  integerParam,
  queryObject,
} from './params';

/** GET /api/stations */
export const StationsQuery = queryObject({
  bbox: Bbox.optional(),
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  status: csvOf(STATION_STATUSES, 'status').optional(),
});
export type StationsRequest = z.input<typeof StationsQuery>;
export type StationsParams = z.output<typeof StationsQuery>;

/** GET /api/stations/nearest */
export const NearestQuery = queryObject({
  lng: Lng,
  lat: Lat,
  limit: integerParam({ what: 'count', min: 1, max: 20, rangeMessage: 'limit must be 1–20' }).default(5),
  mode: enumParam(NEAREST_MODES).default('straight').meta({
    description: 'straight: by geodesic metres; walk or ebike: by travel time on the street network, with each route',
  }),
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  open: BooleanFlag.optional().meta({
    description: 'only stations open at the time open_at gives: Beijing time, holidays applied',
  }),
  open_at: Instant.optional().meta({
    description: "the time for `open` and each station's openState: ISO 8601 with offset; now by default",
  }),
});
export type NearestStationsRequest = z.input<typeof NearestQuery>;
export type NearestStationsParams = z.output<typeof NearestQuery>;

export type StationProps = {
  id: string;
  kind: StationKind;
  name: string;
  address: string;
  amenities: Amenity[];
  /** OpenStreetMap opening_hours syntax, e.g. "Mo-Su 08:00-22:00". */
  openingHours: string;
  /** Whether the station is open at the time of the request (server clock, Asia/Shanghai). */
  openNow: boolean;
  /**
   * Open or not at the time asked (`open_at`, else now), China's public holidays and make-up
   * working days applied, and when that next changes (ISO), within 7 days; null if not.
   */
  openState: { open: boolean; nextChange: string | null };
  operator: string;
  phone: string;
  status: StationStatus;
  communityId: number | null;
  /** Bumped by every edit; a PATCH or DELETE names the version it was based on. */
  version: number;
};
export type StationCollection = FeatureCollection<Point, StationProps>;

/**
 * One nearest station. `distance_m` is geodesic metres for `mode=straight`, and metres along the
 * route for `walk` and `ebike`, which also carry the rest.
 */
export type NearestStationProps = StationProps & {
  distance_m: number;
  /** Geodesic metres from the point to the station, in every mode. */
  straight_m: number;
  /** Network modes: seconds by the requested mode, the walks to and from the street included. */
  duration_s?: number;
  /** Network modes: seconds on foot and by e-bike along each one's own best route; null when unreachable. */
  walk_s?: number | null;
  ebike_s?: number | null;
  /** Network modes: from the point to the station's door, along the streets of the requested mode. */
  route?: LineString;
};
export type NearestStationCollection = FeatureCollection<Point, NearestStationProps> & {
  origin: LngLat;
  mode: NearestMode;
  /** The time open/closed was judged at (open_at, or now), ISO. */
  at: string;
  /** Network modes: stations that pass the filters but no street reaches within 500 m, left out. */
  offNetwork?: number;
};
