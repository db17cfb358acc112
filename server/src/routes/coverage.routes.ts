import { Router } from 'express';
import { CoverageQuery } from '../contracts';
import type { coverageService } from '../services/coverage.service';
import { access } from './access';

export function coverageRoutes(coverage: ReturnType<typeof coverageService>) {
  const router = Router();
  router.get('/coverage', access.public, async (req, res) => {
    const query = CoverageQuery.parse(req.query);
    res.json(
      await coverage.compute({
        regionId: query.region,
        minutes: query.minutes,
        mode: query.mode,
        method: query.method,
        reach_m: query.reach_m,
        kinds: query.kind,
        demand: query.demand,
      }),
    );
  });
  return router;
}
