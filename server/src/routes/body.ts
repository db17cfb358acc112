import express, { type RequestHandler } from 'express';
import { HttpError } from '../errors';

/**
 * Deeper than this is no GeoJSON or form we take (a FeatureCollection of MultiPolygons is 7 deep);
 * it is an attempt to make the parser work hard.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Nesting depth of JSON text, counted without parsing (brackets inside strings don't count), so a
 * deeply nested body is refused before `JSON.parse` spends any time on it. Stops counting once the
 * depth passes `stopAbove`. Works on UTF-8 bytes: no byte of a multi-byte character is a bracket,
 * quote or backslash.
 */
export function jsonDepth(text: Buffer, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return max;
}

/**
 * Parses a JSON body on a route that takes one, with a size limit that fits that route and a
 * depth cap; no other route parses bodies at all. Answers, as `{ error: { code, message } }`:
 * - 415 for a body that isn't `Content-Type: application/json`;
 * - 413 for a body over `limit` (body-parser's `entity.too.large`, worded by the error handler),
 *   refused from its Content-Length before it is read when the client declares one;
 * - 400 for malformed JSON, for nesting deeper than `maxDepth`, and for no body at all unless
 *   `optional` is set (the route's schema would only say "expected object, received undefined").
 */
export function jsonBody(options: { limit: string; maxDepth?: number; optional?: boolean }): RequestHandler {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const parse = express.json({
    limit: options.limit,
    strict: true,
    verify: (_req, _res, buffer) => {
      // body-parser passes our HttpError on with its status (http-errors keeps an error's own status).
      if (jsonDepth(buffer, maxDepth) > maxDepth)
        throw new HttpError(
          400,
          'invalid_json',
          `The JSON body is nested deeper than ${maxDepth} levels; this endpoint takes at most ${maxDepth}.`,
        );
    },
  });
  return (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if ((length > 0 || chunked) && !req.is('application/json')) {
      const sent = req.headers['content-type'];
      next(
        new HttpError(
          415,
          'unsupported_media_type',
          `Send the body as JSON, with Content-Type: application/json${sent ? ` (not ${sent.slice(0, 100)})` : ''}.`,
        ),
      );
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error) next(error);
      // body-parser leaves req.body undefined when there is no body (or an empty chunked one).
      else if (req.body === undefined && !options.optional)
        next(
          new HttpError(
            400,
            'body_required',
            'This endpoint takes a JSON body; send one with Content-Type: application/json.',
          ),
        );
      else next();
    });
  };
}
