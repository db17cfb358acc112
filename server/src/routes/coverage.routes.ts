import { Router } from 'express';
import { z } from 'zod';
import { COVERAGE_METHODS, TRAVEL_MODES } from '../contracts';
import type { coverageService } from '../services/coverage.service';
import { StationKinds, csvOf, Minutes } from './validation';

export const CoverageQuery = z.strictObject({
  region: z.coerce.number({ error: 'region must be a region id' }).int().positive(),
  minutes: Minutes,
  mode: z.enum(TRAVEL_MODES).default('walk'),
  method: z.enum(COVERAGE_METHODS, { error: 'method must be "radius" or "network"' }).default('radius'),
  reach_m: z.coerce
    .number()
    .min(0, 'reach_m must be 0–500 metres')
    .max(500, 'reach_m must be 0–500 metres')
    .optional()
    .meta({ description: 'network method: metres from a reached street counted as covered (default 150)' }),
  kind: StationKinds.optional(),
  demand: csvOf(['household', 'worker'] as const, 'demand kind').default(['household', 'worker']),
});

export function coverageRoutes(coverage: ReturnType<typeof coverageService>) {
  const router = Router();
  router.get('/coverage', async (req, res) => {
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
