import { Router } from 'express';
import { DATABASE_RETRY_AFTER_S } from '../errors';
import type { healthService } from '../services/health.service';
import { access } from './access';

export function healthRoutes(health: ReturnType<typeof healthService>, deps: { basemapStyleUrl: string | undefined }) {
  const router = Router();
  router.get('/health', access.public, async (_req, res) => {
    const body = await health.check();
    // A 503 lets a load balancer or monitor see the outage without reading the body.
    if (body.status !== 'ok') res.status(503).set('Retry-After', String(DATABASE_RETRY_AFTER_S));
    res.json(body);
  });
  router.get('/config', access.public, async (_req, res) => {
    res.json(await health.clientConfig(deps.basemapStyleUrl));
  });
  return router;
}
