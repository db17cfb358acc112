import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import { HttpError } from '../errors';

export type RateLimits = Config['rateLimits'];

/** The endpoints whose every request may cost seconds of database or CPU time. */
export const HEAVY_PATHS = ['/coverage', '/isochrones', '/stations/reachable'] as const;

const WINDOW_MS = 60_000;

const passThrough: RequestHandler = (_req, _res, next) => next();

/**
 * One limiter: `perMinute` requests per address per minute (0 = no limit). Beyond it, 429
 * `{ error: { code: "rate_limited", message } }` with Retry-After, through the app's error handler.
 * Addresses come from `req.ip` (set TRUST_PROXY behind a proxy, or every client shares the proxy's
 * address); express-rate-limit's default key groups IPv6 addresses by /56, as one home gets one.
 */
function limiter(perMinute: number, what: string): RequestHandler {
  if (!perMinute) return passThrough;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Each limiter has its own name so that draft-8's RateLimit-Policy headers don't collide.
    identifier: what.replace(/[^a-z]+/gi, '-'),
    handler: (_req, res, next) => {
      // express-rate-limit has set Retry-After (seconds to the window's reset) before calling this.
      const retryAfterS = Math.max(1, Number(res.getHeader('Retry-After')) || WINDOW_MS / 1000);
      next(
        new HttpError(
          429,
          'rate_limited',
          `Too many ${what} from your address: at most ${perMinute} a minute. Try again in ${retryAfterS} s.`,
          undefined,
          { 'Retry-After': String(retryAfterS) },
        ),
      );
    },
  });
}

/**
 * The per-address limiters, from the config (`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_HEAVY_PER_MINUTE`,
 * `RATE_LIMIT_LOGIN_PER_MINUTE`; a missing or 0 value turns that limiter off):
 * - `general`: every /api request;
 * - `heavy`: coverage, isochrones and reachable stations (mount it on HEAVY_PATHS);
 * - `login`: POST /api/auth/login (sign-in lockouts per account come on top);
 * - `api`: all three in one middleware for the /api router, choosing by method and path.
 */
export function rateLimiters(limits: Partial<RateLimits> = {}) {
  const general = limiter(limits.perMinute ?? 0, 'requests');
  const heavy = limiter(limits.heavyPerMinute ?? 0, 'coverage, isochrone and reachable-station requests');
  const login = limiter(limits.loginPerMinute ?? 0, 'sign-in attempts');
  const heavyPaths = new Set<string>(HEAVY_PATHS);
  const api: RequestHandler = (req, res, next) => {
    general(req, res, (error?: unknown) => {
      if (error) return next(error);
      // `/Coverage/` reaches the same route: Express's default routing ignores case and a trailing slash.
      const path = (req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path).toLowerCase();
      if (heavyPaths.has(path)) return heavy(req, res, next);
      if (req.method === 'POST' && path === '/auth/login') return login(req, res, next);
      next();
    });
  };
  return { general, heavy, login, api };
}
