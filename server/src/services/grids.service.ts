import type { Kysely } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { GridCollection, GridProps } from '../contracts';
import type { DB } from '../db/schema';
import { type Bbox, gridAt, listGrids } from '../queries/grids.queries';
import { toFeatureCollection } from './geojson';

type GridRow = Awaited<ReturnType<ReturnType<typeof listGrids>['execute']>>[number];

export function gridsService(db: Kysely<DB>, options: { showPersonalData: boolean }) {
  // Grid workers' names and phones are personal data: only planners and officials may see them.
  const toProps = (row: GridRow): GridProps => ({
    id: row.id,
    communityId: row.community_id,
    communityName: row.community_name,
    code: row.code,
    name: row.name,
    kind: row.kind,
    households: row.households,
    population: row.population,
    workerName: options.showPersonalData ? row.worker_name : null,
    workerPhone: options.showPersonalData ? row.worker_phone : null,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  });
  return {
    async list(filter: { bbox?: Bbox | undefined; communityId?: number | undefined }): Promise<GridCollection> {
      return toFeatureCollection<GridRow, MultiPolygon, GridProps>(await listGrids(db, filter).execute(), toProps);
    },
    async at(lng: number, lat: number): Promise<GridProps | null> {
      const row = await gridAt(db, lng, lat).executeTakeFirst();
      return row ? toProps(row) : null;
    },
  };
}
