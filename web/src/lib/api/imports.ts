import type { ImportRequest, ImportResponse, ImportRouteLayer } from '../types';
import { sendFile } from './client';

/**
 * POST /api/import/:layer: the file's bytes, the options in the query. A dry run answers the report
 * and a preview and writes nothing; a refused commit throws ApiError 422 `import_refused` with the
 * same `{ report, preview }` in its details.
 */
export const importFile = (layer: ImportRouteLayer, file: Blob, query: ImportRequest) =>
  sendFile<ImportResponse>(`import/${layer}`, file, query);
