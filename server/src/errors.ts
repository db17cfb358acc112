import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';

/** An error the client can fix; it becomes `{ error: { code, message, details } }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string | number) =>
  new HttpError(404, 'not_found', `${what} ${id} does not exist.`);

/** PostGIS/Postgres errors caused by the input rather than by the server. */
const CLIENT_SQLSTATES: Record<string, string> = {
  '22P02': 'invalid_input',
  '22023': 'invalid_geometry',
  '22003': 'out_of_range',
  '23505': 'conflict',
  '23503': 'invalid_reference',
  '23514': 'constraint_violation',
};

function zodMessage(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ZodError) {
      res.status(400).json({
        error: {
          code: 'invalid_request',
          message: zodMessage(error),
          details: error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })),
        },
      });
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    // body-parser errors (malformed JSON, too large) carry their own 4xx status.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({
        error: { code: (error as { type?: string }).type ?? 'bad_request', message: (error as Error).message },
      });
      return;
    }
    const sqlState = (error as { code?: unknown }).code;
    if (typeof sqlState === 'string' && sqlState in CLIENT_SQLSTATES) {
      res.status(sqlState === '23505' ? 409 : 400).json({
        error: { code: CLIENT_SQLSTATES[sqlState], message: (error as Error).message },
      });
      return;
    }
    logger.error({ err: error, url: req.originalUrl }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Internal server error.' } });
  };
}
