import type { Feature, Point } from 'geojson';
import type { z } from 'zod';
import type { LngLat } from './common';
import type { GridProps } from './grids';
import { Lat, Lng, queryObject } from './params';
import type { RegionProps } from './regions';
import type { NearestStationProps } from './stations';
import type { ZoneProps } from './zones';

/** GET /api/here?lng=&lat= */
export const HereQuery = queryObject({ lng: Lng, lat: Lat });
export type HereRequest = z.input<typeof HereQuery>;
export type HereParams = z.output<typeof HereQuery>;

/** GET /api/here?lng=&lat=: "who is responsible here". */
export type HereResponse = {
  point: LngLat;
  district: RegionProps | null;
  subdistrict: RegionProps | null;
  community: RegionProps | null;
  grid: GridProps | null;
  zone: ZoneProps | null;
  nearestStation: Feature<Point, NearestStationProps> | null;
};
