import { Router } from 'express';
import {
  CreateStationBody,
  DeleteStationQuery,
  NearestQuery,
  NoQuery,
  ReachableQuery,
  StationIdPath,
  StationsQuery,
  UpdateStationBody,
} from '../contracts';
import type { stationEditsService, stationsService } from '../services/stations.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';
import { JSON_TYPE } from './fast-path';

/** GET /api/stations/nearest's answer as JSON text; the fast path (fast-path.ts) serves the same function. */
export function nearestStationsJson(stations: ReturnType<typeof stationsService>, rawQuery: unknown) {
  const query = NearestQuery.parse(rawQuery);
  return stations.nearestJson({
    lng: query.lng,
    lat: query.lat,
    limit: query.limit,
    mode: query.mode,
    kinds: query.kind,
    amenities: query.amenity,
    openNow: query.open,
    now: query.open_at,
  });
}

export function stationsRoutes(
  stations: ReturnType<typeof stationsService>,
  edits: ReturnType<typeof stationEditsService>,
) {
  const router = Router();
  // Planners inside their scope (checked by the service and in the write itself), admins anywhere.
  const editors = access.roles('admin', 'planner');
  const stationBody = jsonBody({ limit: '64kb' });

  router.post('/stations', editors, stationBody, async (req, res) => {
    NoQuery.parse(req.query);
    const body = CreateStationBody.parse(req.body);
    res.status(201).json(await edits.create(callerOf(req), body));
  });
  router.patch('/stations/:id', editors, stationBody, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = StationIdPath.parse(req.params);
    res.json(await edits.update(callerOf(req), id, UpdateStationBody.parse(req.body)));
  });
  router.delete('/stations/:id', editors, async (req, res) => {
    const { id } = StationIdPath.parse(req.params);
    const { version } = DeleteStationQuery.parse(req.query);
    await edits.remove(callerOf(req), id, version);
    res.status(204).end();
  });

  router.get('/stations', access.public, async (req, res) => {
    const query = StationsQuery.parse(req.query);
    res.json(
      await stations.list({ bbox: query.bbox, kinds: query.kind, amenities: query.amenity, statuses: query.status }),
    );
  });
  router.get('/stations/nearest', access.public, async (req, res) => {
    // The same headers res.json sets; the body is already JSON.
    res.type(JSON_TYPE).send(await nearestStationsJson(stations, req.query));
  });
  router.get('/stations/reachable', access.public, async (req, res) => {
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
