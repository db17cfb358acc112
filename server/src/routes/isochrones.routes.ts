import { Router } from 'express';
import { IsochronesQuery } from '../contracts';
import type { isochronesService } from '../services/isochrones.service';
import { access } from './access';

export function isochronesRoutes(service: ReturnType<typeof isochronesService>) {
  const router = Router();
  router.get('/isochrones', access.public, async (req, res) => {
    res.json(await service.from(IsochronesQuery.parse(req.query)));
  });
  return router;
}
