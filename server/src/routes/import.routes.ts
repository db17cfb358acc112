import express, { type RequestHandler, Router } from 'express';
import { IMPORT_MAX_BYTES, ImportPath, ImportQuery } from '../contracts';
import { HttpError } from '../errors';
import type { ImportService } from '../services/import.service';
import { access, callerOf } from './access';

const FILE_TYPE = 'application/octet-stream';

/**
 * The file's bytes as `req.body` (a Buffer), at most IMPORT_MAX_BYTES. Answers, as `{ error }`:
 * 415 for a body that isn't application/octet-stream (a JSON body would otherwise be read as a
 * GeoJSON file by accident of its type), 413 beyond the limit (body-parser's `entity.too.large`,
 * refused from its Content-Length before it is read), and 400 for no body at all.
 */
function fileBody(): RequestHandler {
  const parse = express.raw({ type: FILE_TYPE, limit: IMPORT_MAX_BYTES });
  const none = () =>
    new HttpError(
      400,
      'body_required',
      `This endpoint takes the file's bytes as the body, with Content-Type: ${FILE_TYPE}.`,
    );
  return (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!(length > 0 || chunked)) {
      next(none());
      return;
    }
    if (!req.is(FILE_TYPE)) {
      const sent = req.headers['content-type'];
      next(
        new HttpError(
          415,
          'unsupported_media_type',
          `Send the file's bytes as the body, with Content-Type: ${FILE_TYPE}${sent ? ` (not ${sent.slice(0, 100)})` : ''}.`,
        ),
      );
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error) next(error);
      else if (!Buffer.isBuffer(req.body) || req.body.length === 0) next(none());
      else next();
    });
  };
}

/**
 * `POST /api/import/:layer?file_name=…`: one file into one layer (issue 8), from the planner
 * workspace's import dialog. Planners import grids, zones and stations inside their scopes, admins
 * any layer (the service decides, by the caller). The query is checked before the body is read.
 */
export function importRoutes(imports: ImportService) {
  const router = Router();
  router.post(
    '/import/:layer',
    access.roles('admin', 'planner'),
    (req, _res, next) => {
      ImportPath.parse(req.params);
      ImportQuery.parse(req.query);
      next();
    },
    fileBody(),
    async (req, res) => {
      const { layer } = ImportPath.parse(req.params);
      const query = ImportQuery.parse(req.query);
      // Closed before the answer: the client went away or the request timed out; stop before committing.
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      res.json(await imports.importFile(callerOf(req), layer, req.body as Buffer, query, gone.signal));
    },
  );
  return router;
}
