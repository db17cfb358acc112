import type { FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import type { z } from 'zod';
import type { RoadClass } from './enums';
import { Bbox, queryObject } from './params';

/** GET /api/basemap */
export const BasemapQuery = queryObject({ bbox: Bbox.optional() });
export type BasemapRequest = z.input<typeof BasemapQuery>;
export type BasemapParams = z.output<typeof BasemapQuery>;

export type BasemapProps =
  | { layer: 'road'; class: RoadClass; name: string | null }
  | { layer: 'water'; kind: 'lake' | 'river'; name: string | null };
export type BasemapCollection = FeatureCollection<LineString | MultiLineString | Polygon | MultiPolygon, BasemapProps>;
