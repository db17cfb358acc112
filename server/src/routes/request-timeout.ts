import type { RequestHandler } from 'express';

/**
 * Answers 503 `timeout` when a request has not answered within `timeoutMs`, so a client never
 * waits on a stuck handler (a pool that can't hand out a connection, a slow computation). The
 * handler keeps running; when it finishes, its late answer is dropped (see errorHandler's
 * `headersSent` branch). The database side is bounded by `statement_timeout` (db/client.ts).
 */
export function requestTimeout(timeoutMs: number): RequestHandler {
  const seconds = +(timeoutMs / 1000).toFixed(1);
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      // A response already streaming can't turn into a 503; let it finish.
      if (res.headersSent) return;
      res.status(503).json({
        error: {
          code: 'timeout',
          message: `The server did not finish this request within ${seconds} s; try a smaller area, or try again later.`,
        },
      });
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
