import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import type { ConfigResponse, HealthResponse } from '../contracts';
import type { DatabaseKind } from '../db/client';
import type { DB } from '../db/schema';
import { postgisVersion } from '../db/postgis';
import { districtExtent } from '../queries/regions.queries';
import { SPEEDS_M_PER_MIN } from '../services/coverage.service';

export function healthRoutes(deps: { db: Kysely<DB>; kind: DatabaseKind; basemapStyleUrl: string | undefined }) {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const { rows } = await sql<{ version: string }>`SELECT ${postgisVersion()} AS version`.execute(deps.db);
    const body: HealthResponse = { status: 'ok', database: deps.kind, postgis: rows[0]?.version ?? 'unknown' };
    res.json(body);
  });
  router.get('/config', async (_req, res) => {
    const extent = await districtExtent(deps.db).executeTakeFirst();
    const body: ConfigResponse = {
      basemapStyleUrl: deps.basemapStyleUrl ?? null,
      bounds: extent?.bounds ?? null,
      defaultRegionId: extent?.first_id ?? null,
      speeds_m_per_min: SPEEDS_M_PER_MIN,
    };
    res.json(body);
  });
  return router;
}
