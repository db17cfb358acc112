import { Router } from 'express';
import {
  CreateZoneBody,
  DeleteAreaQuery,
  NoQuery,
  RestoreAreaBody,
  UpdateZoneBody,
  ZoneIdPath,
  ZonesQuery,
} from '../contracts';
import type { GridEditsService } from '../services/grid-edits.service';
import type { zonesService } from '../services/zones.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';

/** `edits`: the write routes (issue 7); without it, the read-only API of before. */
export function zonesRoutes(zones: ReturnType<typeof zonesService>, edits?: GridEditsService) {
  const router = Router();
  router.get('/zones', access.public, async (req, res) => {
    const query = ZonesQuery.parse(req.query);
    res.json(await zones.list({ bbox: query.bbox, gridId: query.grid }));
  });
  if (!edits) return router;

  const editors = access.roles('admin', 'planner');
  const areaBody = jsonBody({ limit: '1mb' });

  router.post('/zones', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    res.status(201).json(await edits.zones.create(callerOf(req), CreateZoneBody.parse(req.body)));
  });
  router.patch('/zones/:id', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = ZoneIdPath.parse(req.params);
    res.json(await edits.zones.update(callerOf(req), id, UpdateZoneBody.parse(req.body)));
  });
  router.delete('/zones/:id', editors, async (req, res) => {
    const { id } = ZoneIdPath.parse(req.params);
    const { version } = DeleteAreaQuery.parse(req.query);
    res.json(await edits.zones.remove(callerOf(req), id, version));
  });
  router.get('/zones/:id/history', editors, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = ZoneIdPath.parse(req.params);
    res.json(await edits.zones.history(callerOf(req), id));
  });
  // areaBody: a restore may carry the geometry of a fix.
  router.post('/zones/:id/restore', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = ZoneIdPath.parse(req.params);
    const body = RestoreAreaBody.parse(req.body);
    res.json(await edits.zones.restore(callerOf(req), id, body.version, body.to_version, body.geometry));
  });
  return router;
}
