import type { Kysely } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { ZoneCollection, ZoneProps } from '../contracts';
import type { DB } from '../db/schema';
import type { Bbox } from '../queries/grids.queries';
import { listZones, zoneAt } from '../queries/zones.queries';
import { toFeatureCollection } from './geojson';

type ZoneRow = Awaited<ReturnType<ReturnType<typeof listZones>['execute']>>[number];

const toProps = (row: ZoneRow): ZoneProps => ({
  id: row.id,
  communityId: row.community_id,
  gridId: row.grid_id,
  gridCode: row.grid_code,
  name: row.name,
  unit: row.unit,
  version: row.version,
});

export function zonesService(db: Kysely<DB>) {
  return {
    async list(filter: { bbox?: Bbox | undefined; gridId?: string | undefined }): Promise<ZoneCollection> {
      return toFeatureCollection<ZoneRow, MultiPolygon, ZoneProps>(await listZones(db, filter).execute(), toProps);
    },
    async at(lng: number, lat: number): Promise<ZoneProps | null> {
      const row = await zoneAt(db, lng, lat).executeTakeFirst();
      return row ? toProps(row) : null;
    },
  };
}
