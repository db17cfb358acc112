import { Router } from 'express';
import { ZonesQuery } from '../contracts';
import type { zonesService } from '../services/zones.service';
import { access } from './access';

export function zonesRoutes(zones: ReturnType<typeof zonesService>) {
  const router = Router();
  router.get('/zones', access.public, async (req, res) => {
    const query = ZonesQuery.parse(req.query);
    res.json(await zones.list({ bbox: query.bbox, gridId: query.grid }));
  });
  return router;
}
