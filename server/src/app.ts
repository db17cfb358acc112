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
import { coverageRoutes } from './routes/coverage.routes';
import { gridsRoutes } from './routes/grids.routes';
import { healthRoutes } from './routes/health.routes';
import { hereRoutes } from './routes/here.routes';
import { openApiDocument } from './routes/openapi';
import { regionsRoutes } from './routes/regions.routes';
import { stationsRoutes } from './routes/stations.routes';
import { zonesRoutes } from './routes/zones.routes';
import { basemapService } from './services/basemap.service';
import { coverageService } from './services/coverage.service';
import { gridsService } from './services/grids.service';
import { hereService } from './services/here.service';
import { regionsService } from './services/regions.service';
import { stationsService } from './services/stations.service';
import { zonesService } from './services/zones.service';
import { routingService } from './services/routing.service';
import { isochronesService } from './services/isochrones.service';
import { isochronesRoutes } from './routes/isochrones.routes';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function createServices(database: Database, config: Pick<Config, 'showPersonalData'>) {
  const { db } = database;
  const regions = regionsService(db);
  const grids = gridsService(db, { showPersonalData: config.showPersonalData });
  const zones = zonesService(db);
  const routing = routingService(db);
  const stations = stationsService(db, routing);
  return {
    routing,
    regions,
    grids,
    zones,
    stations,
    here: hereService({ regions, grids, zones, stations }),
    coverage: coverageService(db, routing),
    isochrones: isochronesService(routing),
    basemap: basemapService(db),
  };
}

export type Services = ReturnType<typeof createServices>;

/** The Express app; tests drive it with supertest, main.ts listens with it. */
export function createApp(deps: {
  database: Database;
  config: Pick<Config, 'showPersonalData' | 'basemapStyleUrl'>;
  logger: Logger;
  services?: Services;
  webDist?: string | null;
}) {
  const services = deps.services ?? createServices(deps.database, deps.config);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // MapLibre and deck.gl create blob: workers and compile shaders; tiles may come from an
          // online style when BASEMAP_STYLE_URL is set.
          'worker-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:', ...(deps.config.basemapStyleUrl ? ['https:'] : [])],
          'connect-src': ["'self'", ...(deps.config.basemapStyleUrl ? ['https:'] : [])],
        },
      },
    }),
  );
  // GeoJSON compresses about 5:1, and riders load the map over phone networks.
  app.use(compression());
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  app.use(express.json({ limit: '10mb' }));

  const api = express.Router();
  api.use(
    healthRoutes({ db: deps.database.db, kind: deps.database.kind, basemapStyleUrl: deps.config.basemapStyleUrl }),
  );
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  api.use(regionsRoutes(services.regions));
  api.use(gridsRoutes(services.grids));
  api.use(zonesRoutes(services.zones));
  api.use(stationsRoutes(services.stations));
  api.use(hereRoutes(services.here));
  api.use(coverageRoutes(services.coverage));
  api.use(isochronesRoutes(services.isochrones));
  api.use(basemapRoutes(services.basemap));
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
  app.use(errorHandler(deps.logger));
  return app;
}
