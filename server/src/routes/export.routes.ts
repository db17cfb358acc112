import { Router } from 'express';
import { ExportPath, ExportQuery } from '../contracts/export';
import type { ExportService } from '../export/export.service';
import { access, callerOf } from './access';

/**
 * `GET /api/export/:layer?format=&crs=`: one layer as a file to download (issue 8). Any signed-in
 * account; grid workers' names and phones are in it only for those who may see them (the service
 * decides, by the caller).
 */
export function exportRoutes(exports: ExportService) {
  const router = Router();
  router.get('/export/:layer', access.signedIn, async (req, res) => {
    const { layer } = ExportPath.parse(req.params);
    const query = ExportQuery.parse(req.query);
    const file = await exports.exportLayer(callerOf(req), layer, query);
    res.setHeader('Content-Type', file.contentType);
    // RFC 6266: an ASCII name for old clients and the UTF-8 one (the names are ASCII anyway).
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    );
    res.setHeader('X-Export-Features', String(file.features));
    res.setHeader('X-Export-Personal-Data', file.personalData ? 'included' : 'left out');
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(file.body);
  });
  return router;
}
