import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { z } from 'zod';
import { Bbox, queryObject, uuidParam } from './params';

/** GET /api/zones */
export const ZonesQuery = queryObject({
  bbox: Bbox.optional(),
  grid: uuidParam('grid id').optional(),
});
export type ZonesRequest = z.input<typeof ZonesQuery>;
export type ZonesParams = z.output<typeof ZonesQuery>;

export type ZoneProps = {
  id: string;
  communityId: number;
  gridId: string | null;
  gridCode: string | null;
  name: string;
  /** The responsible unit (包保单位). */
  unit: string;
  version: number;
};
export type ZoneCollection = FeatureCollection<Polygon | MultiPolygon, ZoneProps>;
