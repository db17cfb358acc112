import { Router } from 'express';
import { z } from 'zod';
import type { gridsService } from '../services/grids.service';
import { Bbox } from './validation';

export const GridsQuery = z.strictObject({
  bbox: Bbox.optional(),
  community: z.coerce.number().int().positive().optional().meta({ description: 'community region id' }),
});

export function gridsRoutes(grids: ReturnType<typeof gridsService>) {
  const router = Router();
  router.get('/grids', async (req, res) => {
    const query = GridsQuery.parse(req.query);
    res.json(await grids.list({ bbox: query.bbox, communityId: query.community }));
  });
  return router;
}
