import { Router } from 'express';
import { z } from 'zod';
import type { basemapService } from '../services/basemap.service';
import { Bbox } from './validation';

export const BasemapQuery = z.strictObject({ bbox: Bbox.optional() });

export function basemapRoutes(basemap: ReturnType<typeof basemapService>) {
  const router = Router();
  router.get('/basemap', async (req, res) => {
    const query = BasemapQuery.parse(req.query);
    // The basemap changes only when data is reloaded; let the browser reuse it for a while.
    res.set('Cache-Control', 'public, max-age=300');
    res.json(await basemap.features(query.bbox));
  });
  return router;
}
