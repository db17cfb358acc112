import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { z } from 'zod';
import { Bbox, queryObject, serialId } from './params';

/** GET /api/grids */
export const GridsQuery = queryObject({
  bbox: Bbox.optional(),
  community: serialId('community region id').optional().meta({ description: 'community region id' }),
});
export type GridsRequest = z.input<typeof GridsQuery>;
export type GridsParams = z.output<typeof GridsQuery>;

export type GridProps = {
  id: string;
  communityId: number;
  communityName: string;
  /** CJ/T 349-2010 code: 12-digit community code + 3-digit sequence. */
  code: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  /** Personal data: null unless the caller may see it. */
  workerName: string | null;
  workerPhone: string | null;
  version: number;
  updatedAt: string;
};
export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProps>;
