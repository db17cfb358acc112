import type { FeatureCollection, Point } from 'geojson';
import type { z } from 'zod';
import type { LngLat } from './common';
import { STATION_STATUSES, type Amenity, type StationKind, type StationStatus } from './enums';
import { Amenities, Bbox, BooleanFlag, Lat, Limit, Lng, StationKinds, csvOf, queryObject } from './params';

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
  open: BooleanFlag.optional().meta({ description: 'only stations open now (Beijing time)' }),
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
