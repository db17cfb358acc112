import { Router } from 'express';
import { NoQuery, RegionsQuery, TopologyPath } from '../contracts';
import type { regionsService } from '../services/regions.service';
import type { TopologyService } from '../services/topology.service';
import { access, callerOf } from './access';

/** `topology`: the whole-community check (issue 7); without it, the regions list alone. */
export function regionsRoutes(regions: ReturnType<typeof regionsService>, topology?: TopologyService) {
  const router = Router();
  router.get('/regions', access.public, async (req, res) => {
    const query = RegionsQuery.parse(req.query);
    res.json(await regions.list({ level: query.level, parentId: query.parent }));
  });
  if (!topology) return router;
  // Admins and officials anywhere; planners inside their scopes (checked by the service).
  router.get('/regions/:id/topology', access.roles('admin', 'official', 'planner'), async (req, res) => {
    NoQuery.parse(req.query);
    const { id } = TopologyPath.parse(req.params);
    res.json(await topology.check(callerOf(req), id));
  });
  return router;
}
