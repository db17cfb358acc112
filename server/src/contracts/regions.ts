import type { FeatureCollection, MultiPolygon } from 'geojson';
import type { z } from 'zod';
import { REGION_LEVELS, type RegionLevel } from './enums';
import { enumParam, queryObject, serialId } from './params';

/** GET /api/regions */
export const RegionsQuery = queryObject({
  level: enumParam(REGION_LEVELS).optional(),
  parent: serialId('region id').optional().meta({ description: 'parent region id' }),
});
export type RegionsRequest = z.input<typeof RegionsQuery>;
export type RegionsParams = z.output<typeof RegionsQuery>;

export type RegionProps = {
  id: number;
  parentId: number | null;
  level: RegionLevel;
  /** National statistical code (统计用区划代码): 6, 9 or 12 digits. */
  code: string;
  name: string;
  area_m2: number;
  population: number;
};
export type RegionCollection = FeatureCollection<MultiPolygon, RegionProps>;
