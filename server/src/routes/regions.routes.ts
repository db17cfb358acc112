import { Router } from 'express';
import { z } from 'zod';
import { REGION_LEVELS } from '../contracts';
import type { regionsService } from '../services/regions.service';

export const RegionsQuery = z.strictObject({
  level: z.enum(REGION_LEVELS).optional(),
  parent: z.coerce.number().int().positive().optional().meta({ description: 'parent region id' }),
});

export function regionsRoutes(regions: ReturnType<typeof regionsService>) {
  const router = Router();
  router.get('/regions', async (req, res) => {
    const query = RegionsQuery.parse(req.query);
    res.json(await regions.list({ level: query.level, parentId: query.parent }));
  });
  return router;
}
