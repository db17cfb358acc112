import type { FeatureCollection, Point } from 'geojson';
import type { z } from 'zod';
import type { LngLat } from './common';
import { STATION_STATUSES, type Amenity, type StationKind, type StationStatus } from './enums';
import { Amenities, Bbox, BooleanFlag, Instant, Lat, Limit, Lng, StationKinds, csvOf, queryObject } from './params';

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
  limit: Limit,
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

export type NearestStationProps = StationProps & { distance_m: number };
export type NearestStationCollection = FeatureCollection<Point, NearestStationProps> & {
  origin: LngLat;
};
