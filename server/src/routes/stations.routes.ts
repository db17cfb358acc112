import { Router } from 'express';
import { z } from 'zod';
import { ROUTING_PROFILES, STATION_STATUSES } from '../contracts';
import type { stationsService } from '../services/stations.service';
import { Amenities, Bbox, Lat, Lng, StationKinds, csvOf, Minutes } from './validation';

export const StationsQuery = z.strictObject({
  bbox: Bbox.optional(),
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  status: csvOf(STATION_STATUSES, 'status').optional(),
});

const BooleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const NearestQuery = z.strictObject({
  lng: Lng,
  lat: Lat,
  limit: z.coerce.number().int().min(1).max(50).default(5),
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  open: BooleanFlag.optional().meta({ description: 'only stations open now (Beijing time)' }),
});

export const ReachableQuery = z.strictObject({
  lng: Lng,
  lat: Lat,
  mode: z.enum(ROUTING_PROFILES).default('walk'),
  minutes: Minutes,
  limit: z.coerce.number().int().min(1).max(50).default(5),
  kind: StationKinds.optional(),
  amenity: Amenities.optional(),
  open: BooleanFlag.optional().meta({ description: 'only stations open now (Beijing time)' }),
});

export function stationsRoutes(stations: ReturnType<typeof stationsService>) {
  const router = Router();
  router.get('/stations', async (req, res) => {
    const query = StationsQuery.parse(req.query);
    res.json(
      await stations.list({ bbox: query.bbox, kinds: query.kind, amenities: query.amenity, statuses: query.status }),
    );
  });
  router.get('/stations/nearest', async (req, res) => {
    const query = NearestQuery.parse(req.query);
    res.json(
      await stations.nearest({
        lng: query.lng,
        lat: query.lat,
        limit: query.limit,
        kinds: query.kind,
        amenities: query.amenity,
        openNow: query.open,
      }),
    );
  });
  router.get('/stations/reachable', async (req, res) => {
    const query = ReachableQuery.parse(req.query);
    res.json(
      await stations.reachable({
        lng: query.lng,
        lat: query.lat,
        mode: query.mode,
        minutes: query.minutes,
        limit: query.limit,
        kinds: query.kind,
        amenities: query.amenity,
        openNow: query.open,
      }),
    );
  });
  return router;
}
