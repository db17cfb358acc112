import type { Kysely } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { RegionCollection, RegionProps } from '../contracts';
import type { DB } from '../db/schema';
import { listRegions, regionsAt, type RegionLevel } from '../queries/regions.queries';
import { roundTo, toFeatureCollection } from './geojson';

type RegionRow = Awaited<ReturnType<ReturnType<typeof listRegions>['execute']>>[number];

export const toRegionProps = (row: Omit<RegionRow, 'geometry'>): RegionProps => ({
  id: row.id,
  parentId: row.parent_id,
  level: row.level,
  code: row.code,
  name: row.name,
  area_m2: roundTo(Number(row.area_m2), 0),
  population: Math.round(Number(row.population ?? 0)),
});

export function regionsService(db: Kysely<DB>) {
  return {
    async list(filter: { level?: RegionLevel | undefined; parentId?: number | undefined }): Promise<RegionCollection> {
      const rows = await listRegions(db, filter).execute();
      return toFeatureCollection<RegionRow, MultiPolygon, RegionProps>(rows, toRegionProps);
    },

    /** District, subdistrict and community covering a point (any may be null outside the data). */
    async at(lng: number, lat: number): Promise<Partial<Record<RegionLevel, RegionProps>>> {
      const ids = (await regionsAt(db, lng, lat).execute()).map((r) => r.id);
      if (!ids.length) return {};
      const rows = await listRegions(db, { ids }).execute();
      const result: Partial<Record<RegionLevel, RegionProps>> = {};
      for (const row of rows) result[row.level] ??= toRegionProps(row);
      return result;
    },
  };
}
