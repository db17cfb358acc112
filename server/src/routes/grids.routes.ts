import { Router } from 'express';
import {
  CommunityHistoryQuery,
  CreateGridBody,
  DeleteAreaQuery,
  GridChangesBody,
  GridIdPath,
  GridsQuery,
  MergeGridsBody,
  NoQuery,
  RenumberGridsBody,
  RestoreAreaBody,
  SplitGridBody,
  UpdateGridBody,
} from '../contracts';
import type { GridEditsService } from '../services/grid-edits.service';
import type { gridsService } from '../services/grids.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';

/** `edits`: the write routes (issue 7); without it, the read-only API of before. */
export function gridsRoutes(grids: ReturnType<typeof gridsService>, edits?: GridEditsService) {
  const router = Router();
  router.get('/grids', access.public, async (req, res) => {
    const query = GridsQuery.parse(req.query);
    res.json(await grids.list({ bbox: query.bbox, communityId: query.community }, callerOf(req)));
  });
  if (!edits) return router;

  // Planners inside their scopes (checked by the service), admins anywhere.
  const editors = access.roles('admin', 'planner');
  // 20,000 vertices of GeoJSON at 7 decimals is about 600 kB.
  const areaBody = jsonBody({ limit: '1mb' });

  router.post('/grids', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    res.status(201).json(await edits.grids.create(callerOf(req), CreateGridBody.parse(req.body)));
  });
  // Before '/grids/:id' routes: "merge", "changes", "renumber" and "history" are not grid ids.
  // A community's worth of reshaped grids (an undo of a big merge) can run to a few megabytes.
  router.post('/grids/changes', editors, jsonBody({ limit: '8mb' }), async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await edits.grids.applyChanges(callerOf(req), GridChangesBody.parse(req.body)));
  });
  router.post('/grids/merge', editors, jsonBody({ limit: '8kb' }), async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await edits.grids.merge(callerOf(req), MergeGridsBody.parse(req.body)));
  });
  // 999 entries of { id, version } are about 70 kB.
  router.post('/grids/renumber', editors, jsonBody({ limit: '128kb' }), async (req, res) => {
    NoQuery.parse(req.query);
    res.json(await edits.grids.renumber(callerOf(req), RenumberGridsBody.parse(req.body)));
  });
  router.get('/grids/history', editors, async (req, res) => {
    res.json(await edits.grids.communityHistory(callerOf(req), CommunityHistoryQuery.parse(req.query)));
  });
  router.post('/grids/:id/split', editors, jsonBody({ limit: '64kb' }), async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = GridIdPath.parse(req.params);
    const body = SplitGridBody.parse(req.body);
    res.json(await edits.grids.split(callerOf(req), id, body.version, body.line));
  });
  router.patch('/grids/:id', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = GridIdPath.parse(req.params);
    res.json(await edits.grids.update(callerOf(req), id, UpdateGridBody.parse(req.body)));
  });
  router.delete('/grids/:id', editors, async (req, res) => {
    const { id } = GridIdPath.parse(req.params);
    const { version } = DeleteAreaQuery.parse(req.query);
    res.json(await edits.grids.remove(callerOf(req), id, version));
  });
  router.get('/grids/:id/history', editors, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = GridIdPath.parse(req.params);
    res.json(await edits.grids.history(callerOf(req), id));
  });
  // areaBody: a restore may carry the geometry of a fix.
  router.post('/grids/:id/restore', editors, areaBody, async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = GridIdPath.parse(req.params);
    const body = RestoreAreaBody.parse(req.body);
    res.json(await edits.grids.restore(callerOf(req), id, body.version, body.to_version, body.geometry));
  });
  return router;
}
