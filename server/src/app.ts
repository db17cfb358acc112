import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import compression from 'compression';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { Database } from './db/client';
import { HttpError, errorHandler } from './errors';
import { basemapRoutes } from './routes/basemap.routes';
import { exportRoutes } from './routes/export.routes';
import { exportService } from './export/export.service';
import { importRoutes } from './routes/import.routes';
import { importService } from './services/import.service';
import { coverageRoutes } from './routes/coverage.routes';
import { auditRoutes } from './routes/audit.routes';
import { gridsRoutes } from './routes/grids.routes';
import { access, assertEveryRouteHasAccess, routeTable } from './routes/access';
import { authRoutes } from './routes/auth.routes';
import { authenticate } from './routes/authenticate';
import { healthRoutes } from './routes/health.routes';
import { usersRoutes } from './routes/users.routes';
import { requestTimeout } from './routes/request-timeout';
import { useFastPath } from './routes/fast-path';
import { rateLimiters } from './routes/rate-limit';
import { hereRoutes } from './routes/here.routes';
import { openApiDocument } from './routes/openapi';
import { regionsRoutes } from './routes/regions.routes';
import { nearestStationsJson, stationsRoutes } from './routes/stations.routes';
import { zonesRoutes } from './routes/zones.routes';
import { DEFAULT_AUTH_OPTIONS, type AuthOptions, authService } from './services/auth.service';
import { basemapService } from './services/basemap.service';
import { usersService } from './services/users.service';
import { healthService } from './services/health.service';
import { coverageService } from './services/coverage.service';
import { auditService } from './services/audit.service';
import { auditSitesService } from './services/audit-sites.service';
import { sitingPool } from './siting';
import { gridsService } from './services/grids.service';
import { hereService } from './services/here.service';
import { regionsService } from './services/regions.service';
import { stationEditsService, stationsService } from './services/stations.service';
import { zonesService } from './services/zones.service';
import { gridEditsService } from './services/grid-edits.service';
import { topologyService } from './services/topology.service';
import { draftingService } from './services/drafting.service';
import { routingService } from './services/routing.service';
import { isochronesService } from './services/isochrones.service';
import { isochronesRoutes } from './routes/isochrones.routes';

/** `TRUST_PROXY`: a hop count ("1"), true/false, or Express's names and addresses ("loopback", "10.0.0.0/8"). */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^[0-9]+$/.test(value) ? Number(value) : value;
}

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export type AppConfig = Pick<Config, 'basemapStyleUrl'> &
  Partial<Pick<Config, 'hidePersonalData' | 'requestTimeoutMs' | 'trustProxy' | 'rateLimits' | 'sessionTtl_s'>> & {
    /** Sign-in sessions, lockouts and slow-downs; the defaults suit production, tests shorten them. */
    auth?: Partial<AuthOptions>;
    /** Serve the nearest-station route without Express's router (routes/fast-path.ts); tests compare both ways. */
    fastPath?: boolean;
  };

export function createServices(database: Database, config: Omit<AppConfig, 'basemapStyleUrl'> = {}) {
  const { db } = database;
  const regions = regionsService(db);
  const grids = gridsService(db, { hidePersonalData: config.hidePersonalData ?? false });
  const zones = zonesService(db);
  const routing = routingService(db, { databaseKind: database.kind });
  const stations = stationsService(db, routing);
  const audit = auditService(db, routing);
  const siting = sitingPool();
  return {
    routing,
    regions,
    grids,
    zones,
    stations,
    here: hereService({ regions, grids, zones, stations }),
    coverage: coverageService(db, routing),
    audit,
    siting,
    auditSites: auditSitesService(audit, siting, routing.heavy),
    isochrones: isochronesService(routing),
    basemap: basemapService(db),
    health: healthService(database),
    stationEdits: stationEditsService(db),
    gridEdits: gridEditsService(db, { hidePersonalData: config.hidePersonalData ?? false }),
    topology: topologyService(db),
    exports: exportService(db, { hidePersonalData: config.hidePersonalData ?? false }),
    drafting: draftingService(db),
    imports: importService(db),
    auth: authService(db, {
      ...DEFAULT_AUTH_OPTIONS,
      ...(config.sessionTtl_s ? { sessionTtl_s: config.sessionTtl_s } : {}),
      ...config.auth,
    }),
    users: usersService(db),
  };
}

export type Services = ReturnType<typeof createServices>;

/** The Express app; tests drive it with supertest, main.ts listens with it. */
export function createApp(deps: {
  database: Database;
  config: AppConfig;
  logger: Logger;
  services?: Services;
  webDist?: string | null;
}) {
  const services = deps.services ?? createServices(deps.database, deps.config);
  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy) app.set('trust proxy', trustProxyValue(deps.config.trustProxy));
  app.set('query parser', 'simple');
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        // MapLibre and deck.gl create blob: workers and compile shaders; tiles may come from an
        // online style when BASEMAP_STYLE_URL is set.
        'worker-src': ["'self'", 'blob:'],
        'img-src': ["'self'", 'data:', 'blob:', ...(deps.config.basemapStyleUrl ? ['https:'] : [])],
        'connect-src': ["'self'", ...(deps.config.basemapStyleUrl ? ['https:'] : [])],
      },
    },
  });
  // GeoJSON compresses about 5:1, and riders load the map over phone networks.
  const compress = compression();
  const httpLog = pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/api/health' } });
  // pino-http logs every request at info, and serializes each request into a child logger as it
  // arrives, whether or not the line is written: above info it writes nothing, so don't run it.
  const requestLog: express.RequestHandler = (req, res, next) =>
    deps.logger.isLevelEnabled('info') ? httpLog(req, res, next) : next();
  const timeout = requestTimeout(deps.config.requestTimeoutMs ?? 30_000);
  const limiters = rateLimiters(deps.config.rateLimits);
  const errors = errorHandler(deps.logger);
  app.use(securityHeaders, compress, requestLog);
  app.use('/api', timeout);

  const api = express.Router();
  // Who is calling, before any route: every route's access rule and every service read it.
  // Per address, before any work (main.ts passes RATE_LIMIT_*; without them, as in tests, no limits).
  api.use(limiters.api);
  api.use(authenticate(services.auth));
  api.use(healthRoutes(services.health, { basemapStyleUrl: deps.config.basemapStyleUrl }));
  api.use(authRoutes(services.auth));
  api.use(usersRoutes(services.users));
  // Built once the routes exist: it reads their access rules, and throws if one is undescribed.
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  api.get('/openapi.json', access.public, (_req, res) => {
    res.json((openApi ??= openApiDocument(routeTable(app))));
  });
  api.use(regionsRoutes(services.regions, services.topology, services.drafting));
  api.use(gridsRoutes(services.grids, services.gridEdits));
  api.use(zonesRoutes(services.zones, services.gridEdits));
  api.use(stationsRoutes(services.stations, services.stationEdits));
  api.use(hereRoutes(services.here));
  api.use(coverageRoutes(services.coverage));
  api.use(auditRoutes(services.audit, services.auditSites));
  api.use(isochronesRoutes(services.isochrones));
  api.use(basemapRoutes(services.basemap));
  api.use(exportRoutes(services.exports));
  api.use(importRoutes(services.imports));
  api.use((req) => {
    throw new HttpError(
      404,
      'not_found',
      `No API route ${req.method} ${req.baseUrl}${req.path}. See /api/openapi.json.`,
    );
  });
  app.use('/api', api);

  const webDist = deps.webDist === undefined ? WEB_DIST : deps.webDist;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/).*/, (_req, res) => {
      res.sendFile(join(webDist, 'index.html'));
    });
  }
  app.use(errors);
  assertEveryRouteHasAccess(app);
  openApi = openApiDocument(routeTable(app));
  if (deps.config.fastPath !== false) {
    // A rider's nearest-station query is the one asked thousands of times a second. The same
    // middleware as above, in the same order; of the API's, only the general rate limit applies to
    // an anonymous GET of this path (rateLimiters' `api`), and authentication has nothing to do.
    useFastPath(app, [
      {
        path: '/api/stations/nearest',
        securityHeaders,
        compression: compress,
        before: [requestLog, timeout, limiters.general],
        json: (query) => nearestStationsJson(services.stations, query),
        errorHandler: errors,
      },
    ]);
  }
  return app;
}
