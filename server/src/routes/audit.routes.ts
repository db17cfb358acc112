import { Router } from 'express';
import { AuditQuery, AuditSitesBody, NoQuery } from '../contracts';
import type { auditSitesService } from '../services/audit-sites.service';
import type { auditService } from '../services/audit.service';
import { access, callerOf } from './access';
import { jsonBody } from './body';

export function auditRoutes(audit: ReturnType<typeof auditService>, sites: ReturnType<typeof auditSitesService>) {
  const router = Router();
  // Up to 5,000 candidate points of two numbers each.
  router.post(
    '/audit/sites',
    access.roles('official', 'planner', 'admin'),
    jsonBody({ limit: '256kb' }),
    async (req, res) => {
      NoQuery.parse(req.query);
      res.json(await sites.suggest(AuditSitesBody.parse(req.body), callerOf(req)));
    },
  );
  // Officials anywhere, planners inside their scopes (checked by the service), admins anywhere.
  router.get('/audit', access.roles('official', 'planner', 'admin'), async (req, res) => {
    const query = AuditQuery.parse(req.query);
    res.json(
      await audit.audit(
        {
          regionId: query.region,
          minutes: query.minutes,
          mode: query.mode,
          method: query.method,
          reach_m: query.reach_m,
          kinds: query.kind,
          demand: query.demand,
          h3: query.h3,
          redundancy: query.redundancy,
          withPlanned: query.include_planned,
        },
        callerOf(req),
      ),
    );
  });
  return router;
}
