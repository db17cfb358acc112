import { Router } from 'express';
import { DraftGridsBody, DraftGridsPath, NoQuery, RegionsQuery, TopologyPath } from '../contracts';
import type { DraftingService } from '../services/drafting.service';
import type { regionsService } from '../services/regions.service';
import type { TopologyService } from '../services/topology.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';

/**
 * `topology`: the whole-community check (issue 7); without it, the regions list alone.
 * `drafting`: grid drafts for a community (issue 8).
 */
export function regionsRoutes(
  regions: ReturnType<typeof regionsService>,
  topology?: TopologyService,
  drafting?: DraftingService,
) {
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
  if (!drafting) return router;
  // Admins anywhere; planners inside their scopes (checked by the service). A proposal: saves nothing.
  router.post(
    '/regions/:id/draft-grids',
    access.roles('admin', 'planner'),
    jsonBody({ limit: '1kb' }),
    async (req, res) => {
      NoQuery.parse(req.query);
      const { id } = DraftGridsPath.parse(req.params);
      res.json(await drafting.draft(callerOf(req), id, DraftGridsBody.parse(req.body)));
    },
  );
  return router;
}
