import { Router } from 'express';
import { GridsQuery } from '../contracts';
import type { gridsService } from '../services/grids.service';
import { access, callerOf } from './access';

export function gridsRoutes(grids: ReturnType<typeof gridsService>) {
  const router = Router();
  router.get('/grids', access.public, async (req, res) => {
    const query = GridsQuery.parse(req.query);
    res.json(await grids.list({ bbox: query.bbox, communityId: query.community }, callerOf(req)));
  });
  return router;
}
