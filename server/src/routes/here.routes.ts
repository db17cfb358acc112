import { Router } from 'express';
import { HereQuery } from '../contracts';
import type { hereService } from '../services/here.service';
import { access, callerOf } from './access';

export function hereRoutes(here: ReturnType<typeof hereService>) {
  const router = Router();
  router.get('/here', access.public, async (req, res) => {
    res.json(await here.at(HereQuery.parse(req.query), callerOf(req)));
  });
  return router;
}
