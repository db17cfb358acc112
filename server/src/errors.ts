import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, isStatementTimeout } from './db/faults';

export { isDatabaseUnavailable, isStatementTimeout };

/** An error the client can fix; it becomes `{ error: { code, message, details } }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers to send with it, such as `{ 'Retry-After': '5' }` on a 429 or 503. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string | number) =>
  new HttpError(404, 'not_found', `${what} ${id} does not exist.`);

/** How long a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 5;

export const DATABASE_UNAVAILABLE = {
  code: 'database_unavailable',
  message: 'The database is unavailable; try again shortly.',
} as const;

export const STATEMENT_TIMEOUT = {
  code: 'timeout',
  message: 'The database took too long to answer this request and it was stopped; try a smaller area or fewer minutes.',
} as const;

/**
 * PostGIS/Postgres errors caused by the input rather than by the server, each with our own message.
 * The database's text (which names types, columns and values) is logged, never sent.
 */
const CLIENT_SQLSTATES: Record<string, { status: number; code: string; message: string }> = {
  '22P02': {
    status: 400,
    code: 'invalid_input',
    message: 'A value in the request has the wrong form; check the ids, numbers and dates you sent.',
  },
  '22007': { status: 400, code: 'invalid_input', message: 'A date or time in the request is not valid.' },
  '22008': { status: 400, code: 'invalid_input', message: 'A date or time in the request is out of range.' },
  '22023': {
    status: 400,
    code: 'invalid_geometry',
    message: 'The geometry is not valid; check that rings close and that edges do not cross.',
  },
  '22003': {
    status: 400,
    code: 'out_of_range',
    message: 'A number in the request is out of range; check the ids and counts you sent.',
  },
  '22001': { status: 400, code: 'too_long', message: 'A text value in the request is longer than allowed.' },
  '23505': { status: 409, code: 'conflict', message: 'This would duplicate a record that already exists.' },
  '23503': {
    status: 400,
    code: 'invalid_reference',
    message: 'The request refers to a record that does not exist, or one that others still refer to.',
  },
  '23514': {
    status: 400,
    code: 'constraint_violation',
    message: 'A value breaks a rule for this record; check the fields you sent.',
  },
};

function zodMessage(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} kB`;

/**
 * body-parser's errors (http-errors with a `type`), as `{ status, code, message }` that say what to
 * send instead. Null for anything else.
 */
function bodyParserError(error: unknown): { status: number; code: string; message: string } | null {
  const e = error as { status?: unknown; type?: unknown; message?: unknown; expose?: unknown } & Record<
    string,
    unknown
  >;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  switch (e.type) {
    case 'entity.too.large':
      return {
        status: 413,
        code: 'body_too_large',
        message:
          typeof e.limit === 'number'
            ? `The request body is larger than this endpoint's limit of ${sizeText(e.limit)}; send a smaller body.`
            : 'The request body is too large; send a smaller body.',
      };
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'invalid_json',
        message: `The request body is not valid JSON (${String(e.message)}); send well-formed JSON.`,
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        code: 'unsupported_encoding',
        message:
          'The request body has a Content-Encoding the server does not read; send it plain, or gzip, deflate or br.',
      };
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_charset', message: 'Send the request body as UTF-8.' };
    case 'request.aborted':
      return { status: 400, code: 'request_aborted', message: 'The request body was cut off before it ended.' };
    case 'request.size.invalid':
      return {
        status: 400,
        code: 'invalid_body_size',
        message: 'The request body is not as long as its Content-Length header says.',
      };
    case 'parameters.too.many':
      return { status: 413, code: 'too_many_parameters', message: 'The request body has too many parameters.' };
    default:
      return {
        status: e.status,
        code: 'bad_request',
        // http-errors marks 4xx messages as safe to show (`expose`); anything else gets ours.
        message: e.expose === true && typeof e.message === 'string' ? e.message : 'The request could not be read.',
      };
  }
}

function sendError(res: Response, status: number, body: { code: string; message: string; details?: unknown }) {
  res.status(status).json({ error: body });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      // Usually a handler finishing after the request timeout already answered 503: nothing to send.
      if (res.writableEnded) {
        logger.debug({ err: error, url: req.originalUrl }, 'error after the response was sent');
      } else {
        logger.error({ err: error, url: req.originalUrl }, 'error while sending a response');
        res.destroy();
      }
      return;
    }
    if (error instanceof ZodError) {
      sendError(res, 400, {
        code: 'invalid_request',
        message: zodMessage(error),
        details: error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })),
      });
      return;
    }
    if (error instanceof HttpError) {
      if (error.headers) res.set(error.headers);
      sendError(res, error.status, { code: error.code, message: error.message, details: error.details });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      // Warn, not error: in an outage every request lands here, and the pool logs the cause once.
      logger.warn(
        { err: { message: (error as Error).message, code: (error as { code?: unknown }).code }, url: req.originalUrl },
        'database unavailable',
      );
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_S));
      sendError(res, 503, DATABASE_UNAVAILABLE);
      return;
    }
    if (isStatementTimeout(error)) {
      logger.warn({ err: error, url: req.originalUrl }, 'statement timeout');
      sendError(res, 503, STATEMENT_TIMEOUT);
      return;
    }
    const bodyError = bodyParserError(error);
    if (bodyError) {
      sendError(res, bodyError.status, { code: bodyError.code, message: bodyError.message });
      return;
    }
    const sqlState = (error as { code?: unknown }).code;
    if (typeof sqlState === 'string' && Object.hasOwn(CLIENT_SQLSTATES, sqlState)) {
      const known = CLIENT_SQLSTATES[sqlState]!;
      logger.warn({ err: error, url: req.originalUrl }, 'database refused the input');
      sendError(res, known.status, { code: known.code, message: known.message });
      return;
    }
    logger.error({ err: error, url: req.originalUrl }, 'unhandled error');
    sendError(res, 500, { code: 'internal', message: 'Internal server error.' });
  };
}
