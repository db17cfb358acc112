import type { Express, Request, RequestHandler, Router } from 'express';
import type { UserRole } from '../contracts/enums';
import { HttpError } from '../errors';
import { ANONYMOUS, type Caller } from '../services/caller';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authenticate middleware on every /api request; anonymous when signed out. */
    caller?: Caller;
  }
}

/** The caller resolved for this request (anonymous when nothing resolved one). */
export const callerOf = (req: Request): Caller => req.caller ?? ANONYMOUS;

export type AccessRule = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'roles'; roles: readonly UserRole[] };

const RULE = Symbol('access rule');
type AccessHandler = RequestHandler & { [RULE]: AccessRule };

/** What a rule answers for a caller: allowed, 401 (sign in first) or 403 (signed in, not allowed). */
export function decide(rule: AccessRule, caller: Caller): 200 | 401 | 403 {
  if (rule.kind === 'public') return 200;
  if (caller.kind === 'anonymous') return 401;
  if (rule.kind === 'signed-in') return 200;
  return rule.roles.includes(caller.role) ? 200 : 403;
}

export const describeRule = (rule: AccessRule): string =>
  rule.kind === 'public' ? 'anyone' : rule.kind === 'signed-in' ? 'any signed-in account' : rule.roles.join(', ');

function guard(rule: AccessRule): AccessHandler {
  const handler: RequestHandler = (req, _res, next) => {
    const caller = callerOf(req);
    const verdict = decide(rule, caller);
    if (verdict === 401) {
      next(
        caller.kind === 'anonymous' && caller.sessionExpired
          ? new HttpError(401, 'session_expired', 'Your session has expired or was ended; sign in again.')
          : new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.'),
      );
      return;
    }
    if (verdict === 403) {
      next(
        new HttpError(
          403,
          'forbidden',
          `This needs the role ${describeRule(rule)}; you are signed in as ${caller.role}.`,
        ),
      );
      return;
    }
    next();
  };
  return Object.assign(handler, { [RULE]: rule });
}

/**
 * Every route names its access rule as its first handler, beside its definition:
 * `router.get('/grids', access.public, handler)`. `assertEveryRouteHasAccess` makes the app refuse
 * to start when one doesn't. Scopes (which regions a planner may edit) are checked by the services
 * and queries, not here: a rule only knows the role.
 */
export const access = {
  public: guard({ kind: 'public' }),
  signedIn: guard({ kind: 'signed-in' }),
  roles: (...roles: UserRole[]) => guard({ kind: 'roles', roles }),
};

export type RouteEntry = { method: string; path: string; rule: AccessRule | null };

type Layer = {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
};

const joinPath = (prefix: string, path: string) => `${prefix}${path === '/' ? '' : path}` || '/';

/** Walks Express's router stack: every route with its method, full path and access rule. */
export function routeTable(router: Express | Router, prefix = ''): RouteEntry[] {
  const stack = ((router as Express).router?.stack ??
    (router as unknown as { stack?: Layer[] }).stack ??
    []) as Layer[];
  const entries: RouteEntry[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const first = layer.route.stack[0]?.handle as Partial<AccessHandler> | undefined;
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
        for (const path of paths) {
          entries.push({ method: method.toUpperCase(), path: joinPath(prefix, path), rule: first?.[RULE] ?? null });
        }
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '';
      entries.push(...routeTable(layer.handle as unknown as Router, joinPath(prefix, mount === '/' ? '' : mount)));
    }
  }
  return entries;
}

/** Throws, naming them, when an API route has no access rule as its first handler. */
export function assertEveryRouteHasAccess(app: Express) {
  const missing = routeTable(app).filter((r) => r.path.startsWith('/api') && !r.rule);
  if (missing.length) {
    throw new Error(
      `Refusing to start: these routes declare no access rule (add access.public / access.roles(…) as the first handler): ${missing
        .map((r) => `${r.method} ${r.path}`)
        .join(', ')}`,
    );
  }
}
