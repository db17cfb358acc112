import type { FeatureCollection, MultiPolygon, Point } from 'geojson';
import type { z } from 'zod';
import type { LngLat } from './common';
import { ROUTING_PROFILES, type RoutingProfile } from './enums';
import {
  Amenities,
  BooleanFlag,
  Lat,
  Limit,
  Lng,
  Minutes,
  MinutesList,
  StationKinds,
  enumParam,
  queryObject,
} from './params';
import type { StationProps } from './stations';

/** GET /api/isochrones */
export const IsochronesQuery = queryObject({
  lng: Lng,
  lat: Lat,
  mode: enumParam(ROUTING_PROFILES).default('walk'),
  minutes: MinutesList.default([5, 10, 15]),
});
export type IsochronesRequest = z.input<typeof IsochronesQuery>;
export type IsochronesParams = z.output<typeof IsochronesQuery>;

/** GET /api/stations/reachable */
export const ReachableQuery = queryObject({
  lng: Lng,
  lat: Lat,
  mode: enumParam(ROUTING_PROFILES).default('walk'),
  minutes: Minutes,
  limit: Limit,
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  open: BooleanFlag.optional().meta({ description: 'only stations open now (Beijing time)' }),
});
export type ReachableStationsRequest = z.input<typeof ReachableQuery>;
export type ReachableStationsParams = z.output<typeof ReachableQuery>;

/** GET /api/isochrones: one feature per band, smallest first; each band contains the smaller ones. */
export type IsochroneProps = { minutes: number; mode: RoutingProfile; area_m2: number };
export type IsochroneCollection = FeatureCollection<MultiPolygon, IsochroneProps> & {
  origin: LngLat;
  /** Where the origin joined the street network, and how far it had to walk to get there. */
  snapped: LngLat & { distance_m: number };
};

/** GET /api/stations/reachable: stations whose street-network travel time to the point is within the minutes. */
export type ReachableStationProps = StationProps & {
  /** The whole trip: `network_s` plus `walk_m` on foot (80 m/min), rounded to the second. */
  duration_s: number;
  /** Along the streets, from the station's nearest street point to the point's. */
  network_s: number;
  /** Off the streets, on foot: from the station to its street, and from the point's street to the point. */
  walk_m: number;
};
export type ReachableStationCollection = FeatureCollection<Point, ReachableStationProps> & {
  origin: LngLat;
  minutes: number;
  mode: RoutingProfile;
};
