import type { Kysely } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { GridCollection, GridProps } from '../contracts';
import type { DB } from '../db/schema';
import { type Bbox, gridAt, listGrids } from '../queries/grids.queries';
import { type Caller, maySeePersonalData } from './caller';
import { toFeatureCollection } from './geojson';

type GridRow = Awaited<ReturnType<ReturnType<typeof listGrids>['execute']>>[number];

/** A grid row as the API shows it; the worker's name and phone only when `personal`. */
export function gridProps(
  row: Omit<GridRow, 'geometry' | 'updated_at'> & { updated_at: Date | string },
  personal: boolean,
): GridProps {
  return {
    id: row.id,
    communityId: row.community_id,
    communityName: row.community_name,
    code: row.code,
    name: row.name,
    kind: row.kind,
    households: row.households,
    population: row.population,
    workerName: personal ? row.worker_name : null,
    workerPhone: personal ? row.worker_phone : null,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function gridsService(db: Kysely<DB>, options: { hidePersonalData: boolean }) {
  // Grid workers' names and phones are personal data: the caller decides whether they are shown.
  const toProps = (row: GridRow, caller: Caller): GridProps =>
    gridProps(row, maySeePersonalData(caller, options.hidePersonalData));
  return {
    async list(
      filter: { bbox?: Bbox | undefined; communityId?: number | undefined },
      caller: Caller,
    ): Promise<GridCollection> {
      return toFeatureCollection<GridRow, MultiPolygon, GridProps>(await listGrids(db, filter).execute(), (row) =>
        toProps(row, caller),
      );
    },
    async at(lng: number, lat: number, caller: Caller): Promise<GridProps | null> {
      const row = await gridAt(db, lng, lat).executeTakeFirst();
      return row ? toProps(row, caller) : null;
    },
  };
}
