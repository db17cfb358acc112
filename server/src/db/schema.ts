/**
 * Table types for Kysely. They mirror migrations/ exactly; when a migration changes a table,
 * change its type here in the same commit (tests/api/schema.test.ts checks the columns).
 */
import type { ColumnType, Generated } from 'kysely';

/** A PostGIS geometry as it travels through SQL (EWKB hex); never parsed in JS. */
export type Geom = string & { readonly __geom: unique symbol };

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RegionTable {
  id: Generated<number>;
  parent_id: number | null;
  level: 'district' | 'subdistrict' | 'community';
  code: string;
  name: string;
  geom: Geom;
}

export interface GridTable {
  id: Generated<string>;
  community_id: number;
  code: string;
  name: string;
  kind: Generated<'basic' | 'dedicated'>;
  geom: Geom;
  households: Generated<number>;
  population: Generated<number>;
  worker_name: string | null;
  worker_phone: string | null;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface ZoneTable {
  id: Generated<string>;
  community_id: number;
  grid_id: string | null;
  name: string;
  unit: string;
  geom: Geom;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface StationTable {
  id: Generated<string>;
  kind: 'rider_station' | 'outdoor_worker_station' | 'party_service_centre' | 'convenience_station';
  name: string;
  address: Generated<string>;
  geom: Geom;
  amenities: Generated<string[]>;
  opening_hours: Generated<string>;
  operator: Generated<string>;
  phone: Generated<string>;
  status: Generated<'active' | 'suspended' | 'planned'>;
  community_id: number | null;
  updated_at: Timestamp;
}

export interface DemandPointTable {
  id: Generated<number>;
  kind: 'household' | 'worker';
  weight: number;
  geom: Geom;
}

export interface RoadTable {
  id: Generated<number>;
  class: string;
  name: string | null;
  oneway: Generated<boolean>;
  geom: Geom;
}

export interface WaterTable {
  id: Generated<number>;
  kind: 'lake' | 'river';
  name: string | null;
  geom: Geom;
}

/** One row per loaded data set, so loading is idempotent and restarts skip a reload. */
export interface DatasetTable {
  name: string;
  version: string;
  loaded_at: Timestamp;
}

export interface DB {
  region: RegionTable;
  grid: GridTable;
  zone: ZoneTable;
  station: StationTable;
  demand_point: DemandPointTable;
  road: RoadTable;
  water: WaterTable;
  dataset: DatasetTable;
}
