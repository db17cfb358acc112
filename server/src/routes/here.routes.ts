import { Router } from 'express';
import { z } from 'zod';
import type { hereService } from '../services/here.service';
import { Lat, Lng } from './validation';

export const HereQuery = z.strictObject({ lng: Lng, lat: Lat });

export function hereRoutes(here: ReturnType<typeof hereService>) {
  const router = Router();
  router.get('/here', async (req, res) => {
    res.json(await here.at(HereQuery.parse(req.query)));
  });
  return router;
}
