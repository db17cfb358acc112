import { IncomingMessage, type Server, ServerResponse, createServer } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { SESSION_COOKIE } from './authenticate';

/**
 * One public GET route answered without Express's router, for the query riders send thousands of
 * times a second (GET /api/stations/nearest: 5,000 a second on two cores is the target).
 *
 * Measured on this route with 10,000 stations in memory, Express's per-request work costs more than
 * the answer: its router tests every layer of 14 routers, and res.json sets each header through
 * several layers of helpers. The fast path keeps what the answer depends on and drops only the
 * dispatch:
 * - the same middleware instances the app uses, in the app's order (security headers, compression,
 *   the request log, the timeout, the per-address rate limit);
 * - the route's own query → answer function (the Express route calls the same one);
 * - the body sent as res.json sends it: JSON, `application/json; charset=utf-8`, Content-Length and
 *   the app's ETag;
 * - any error handed to the app's error handler, as Express would.
 *
 * Requests whose answer could differ take Express's way as before: other methods (HEAD included), any
 * other spelling of the path (case, a trailing slash, escapes), conditional requests (Express may
 * answer 304), and callers with credentials (an API token or the session cookie: authentication may
 * refuse them or refresh the cookie; without credentials every caller is anonymous, and this route is
 * public). tests/api/fast-path.test.ts compares the two ways on every kind of request.
 */
export type FastRoute = {
  path: string;
  /**
   * The app-wide middleware, the same instances `app.use` was given, in the app's order: the
   * security headers (helmet), then compression, then the rest (the request log, the timeout, the
   * rate limit).
   */
  securityHeaders: RequestHandler;
  compression: RequestHandler;
  before: readonly RequestHandler[];
  /** The answer for a parsed query string, as UTF-8 JSON; the Express route sends the same function's. */
  json: (query: Request['query']) => Promise<Buffer>;
  errorHandler: ErrorRequestHandler;
};

type HeaderValue = string | number | readonly string[];

/**
 * The headers a middleware sets on every response, found by running it once on a stand-in. Helmet's
 * headers depend on its options alone (no per-request nonce is configured), so they are set from this
 * list instead of through helmet's 13 middleware on each request; the fast-path test checks that
 * both ways send the same headers.
 */
function headersSetBy(middleware: RequestHandler): [string, HeaderValue][] {
  const headers: [string, HeaderValue][] = [];
  let finished = false;
  const res = {
    setHeader(name: string, value: HeaderValue) {
      headers.push([name, value]);
      return res;
    },
    getHeader: () => undefined,
    removeHeader: () => undefined,
  };
  void middleware(
    { method: 'GET', url: '/', headers: {} } as Request,
    res as unknown as Response,
    (error?: unknown) => {
      if (error) throw error;
      finished = true;
    },
  );
  if (!finished) throw new Error('the security-headers middleware must finish at once to be used on the fast path');
  return headers;
}

/**
 * Whether compression could choose an encoding for this request. Without an Accept-Encoding header (or
 * with only `identity`), compression sends the body as it is and adds only `Vary: Accept-Encoding` to
 * a JSON response; the fast path does that itself and saves compression's wrapping of the response.
 * Any other Accept-Encoding runs the compression middleware, which decides as it does for Express.
 */
function mayCompress(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding'];
  return accept !== undefined && accept.trim() !== '' && accept.trim() !== 'identity';
}

const { isPrototypeOf } = Object.prototype;

/** The Content-Type res.json sends. */
export const JSON_TYPE = 'application/json; charset=utf-8';

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Whether Express must answer: conditional or credentialed requests (see above). */
function needsExpress(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    h.authorization !== undefined ||
    h['if-none-match'] !== undefined ||
    h['if-modified-since'] !== undefined ||
    (h.cookie !== undefined && h.cookie.includes(`${SESSION_COOKIE}=`))
  );
}

/** A route as served: its helmet headers captured, and its middleware with and without compression. */
type Compiled = {
  route: FastRoute;
  securityHeaders: readonly [string, HeaderValue][];
  plain: readonly RequestHandler[];
  compressed: readonly RequestHandler[];
};

function serve(
  { route, securityHeaders, plain, compressed }: Compiled,
  etagOf: ((body: Buffer) => string | undefined) | undefined,
  req: Request,
  res: Response,
) {
  const fail = (error: unknown) => {
    try {
      route.errorHandler(error, req, res, () => undefined);
    } catch (e) {
      // The error handler answers everything it is given; if even it fails, drop the connection
      // rather than leave the client waiting.
      res.destroy(e as Error);
    }
  };
  const send = (buffer: Buffer) => {
    try {
      res.setHeader('Content-Type', JSON_TYPE);
      res.setHeader('Content-Length', buffer.length);
      const etag = etagOf?.(buffer);
      if (etag) res.setHeader('ETag', etag);
      res.end(buffer);
    } catch (error) {
      // E.g. the timeout answered first: the error handler logs it, as it does for Express routes.
      fail(error);
    }
  };
  for (const [name, value] of securityHeaders) res.setHeader(name, value);
  const before = mayCompress(req) ? compressed : plain;
  // What compression adds to every JSON response it leaves as it is.
  if (before === plain) res.setHeader('Vary', 'Accept-Encoding');
  let i = 0;
  const next = (error?: unknown): void => {
    if (error !== undefined) return fail(error);
    const middleware = before[i++];
    if (!middleware) {
      let answer: Promise<Buffer>;
      try {
        answer = route.json(req.query);
      } catch (e) {
        return fail(e);
      }
      answer.then(send, fail);
      return;
    }
    try {
      const result = middleware(req, res, next);
      if (isPromise(result)) result.then(undefined, fail);
    } catch (e) {
      fail(e);
    }
  };
  next();
}

/**
 * Serves `routes` on `app` (see above): express() returns a function that calls `app.handle`, so
 * listen(), supertest and main.ts all pass through here.
 */
export function useFastPath(app: Express, routes: readonly FastRoute[]) {
  // How many requests took the fast way: tests check that it is taken, and when it is not.
  const stats = { served: 0 };
  app.locals.fastPath = stats;
  const byPath = new Map<string, Compiled>(
    routes.map((route) => [
      route.path,
      {
        route,
        securityHeaders: headersSetBy(route.securityHeaders),
        plain: route.before,
        compressed: [route.compression, ...route.before],
      },
    ]),
  );
  const etagOf = app.get('etag fn') as ((body: Buffer) => string | undefined) | undefined;
  const expressHandle = (app as unknown as { handle: (req: Request, res: Response, done?: unknown) => void }).handle;
  (app as unknown as { handle: typeof expressHandle }).handle = function (req, res, done) {
    if (done === undefined && req.method === 'GET' && !needsExpress(req)) {
      const url = req.url;
      const q = url.indexOf('?');
      const fast = byPath.get(q === -1 ? url : url.slice(0, q));
      if (fast) {
        // What Express's app.handle does before its router. A server from createAppServer makes req
        // and res with these prototypes already: changing an object's prototype on every request
        // costs V8 a map migration and its inline caches (measured: a third of this route's time).
        if (!isPrototypeOf.call(app.request, req)) Object.setPrototypeOf(req, app.request);
        if (!isPrototypeOf.call(app.response, res)) Object.setPrototypeOf(res, app.response);
        req.originalUrl = url;
        req.res = res;
        res.req = req;
        res.locals ??= Object.create(null) as Response['locals'];
        stats.served++;
        return serve(fast, etagOf, req, res);
      }
    }
    return expressHandle.call(this, req, res, done);
  };
}

/**
 * An HTTP server for `app` whose requests and responses are born with the app's Express prototypes
 * (two classes made once here), so no request needs its prototype changed on the fast path. Express
 * sets the same prototypes again for the routes it serves, as it always does.
 */
export function createAppServer(app: Express): Server {
  class AppRequest extends IncomingMessage {}
  class AppResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
