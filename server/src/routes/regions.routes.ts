import { Router } from 'express';
import { RegionsQuery } from '../contracts';
import type { regionsService } from '../services/regions.service';
import { access } from './access';

export function regionsRoutes(regions: ReturnType<typeof regionsService>) {
  const router = Router();
  router.get('/regions', access.public, async (req, res) => {
    const query = RegionsQuery.parse(req.query);
    res.json(await regions.list({ level: query.level, parentId: query.parent }));
  });
  return router;
}
