import { Router } from 'express';
import { BasemapQuery } from '../contracts';
import type { basemapService } from '../services/basemap.service';
import { access } from './access';

export function basemapRoutes(basemap: ReturnType<typeof basemapService>) {
  const router = Router();
  router.get('/basemap', access.public, async (req, res) => {
    const query = BasemapQuery.parse(req.query);
    // The basemap changes only when data is reloaded; let the browser reuse it for a while.
    res.set('Cache-Control', 'public, max-age=300');
    res.json(await basemap.features(query.bbox));
  });
  return router;
}
