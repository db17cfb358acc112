import { Router } from 'express';
import { z } from 'zod';
import type { zonesService } from '../services/zones.service';
import { Bbox } from './validation';

export const ZonesQuery = z.strictObject({
  bbox: Bbox.optional(),
  grid: z.uuid({ error: 'grid must be a grid id (UUID)' }).optional(),
});

export function zonesRoutes(zones: ReturnType<typeof zonesService>) {
  const router = Router();
  router.get('/zones', async (req, res) => {
    const query = ZonesQuery.parse(req.query);
    res.json(await zones.list({ bbox: query.bbox, gridId: query.grid }));
  });
  return router;
}
