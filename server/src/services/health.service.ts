import { sql } from 'kysely';
import type { ConfigResponse, HealthResponse } from '../contracts';
import type { Database } from '../db/client';
import { postgisVersion } from '../db/postgis';
import { isDatabaseUnavailable } from '../errors';
import { districtExtent } from '../queries/regions.queries';
import { SPEEDS_M_PER_MIN } from './coverage.service';

/** How long the health check waits for the database before it reports it down. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

class CheckTimeout extends Error {}

/**
 * Liveness and the start-up settings the web app reads. The health check never hangs: a monitor
 * (or a load balancer) needs an answer, down or not, within about a second.
 */
export function healthService(database: Pick<Database, 'db' | 'kind'>, options: { checkTimeoutMs?: number } = {}) {
  const { db, kind } = database;
  const checkTimeoutMs = options.checkTimeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;

  return {
    /** `SELECT postgis_lib_version()` within the timeout; `status: 'unavailable'` says which part is down. */
    async check(): Promise<HealthResponse> {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const query = sql<{ version: string }>`SELECT ${postgisVersion()} AS version`.execute(db);
        // The query may still finish (or fail) after the timeout; nobody waits for it then.
        query.catch(() => undefined);
        const { rows } = await Promise.race([
          query,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new CheckTimeout()), checkTimeoutMs);
          }),
        ]);
        return {
          status: 'ok',
          database: kind,
          postgis: rows[0]?.version ?? 'unknown',
          components: {
            database: { status: 'up', latency_ms: Math.round((performance.now() - started) * 10) / 10 },
          },
        };
      } catch (error) {
        // Our own words only: the driver's text may name hosts and users.
        const message =
          error instanceof CheckTimeout
            ? `The database did not answer within ${checkTimeoutMs} ms; it may be down or overloaded.`
            : isDatabaseUnavailable(error)
              ? 'The database is unavailable; try again shortly.'
              : 'The database answered the health check with an error.';
        return { status: 'unavailable', database: kind, components: { database: { status: 'down', message } } };
      } finally {
        clearTimeout(timer);
      }
    },

    /** What the web app needs before it draws: basemap, the district's bounds, travel speeds. */
    async clientConfig(basemapStyleUrl: string | undefined): Promise<ConfigResponse> {
      const extent = await districtExtent(db).executeTakeFirst();
      return {
        basemapStyleUrl: basemapStyleUrl ?? null,
        bounds: extent?.bounds ?? null,
        defaultRegionId: extent?.first_id ?? null,
        speeds_m_per_min: SPEEDS_M_PER_MIN,
      };
    },
  };
}
