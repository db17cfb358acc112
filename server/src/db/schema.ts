/**
 * Table types for Kysely. They mirror migrations/ exactly; when a migration changes a table,
 * change its type here and in COLUMNS below in the same commit (tests/api/schema.test.ts checks them).
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
  updated_by: number | null;
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
  updated_by: number | null;
}

/** One change to a grid or zone: its whole state before and after (`{ geometry, properties }`). */
export interface EditHistoryTable {
  id: Generated<string>;
  table_name: 'grid' | 'zone';
  row_id: string;
  version: number;
  action: 'insert' | 'update' | 'delete' | 'restore' | 'split' | 'merge' | 'renumber' | 'import';
  before: unknown;
  after: unknown;
  user_id: number | null;
  at: Timestamp;
  change_id: string;
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
  version: Generated<number>;
  updated_by: number | null;
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

/** Per-table change counter, bumped by a statement trigger on every write (migration 1809). */
export interface DataVersionTable {
  table_name: string;
  /** bigint: pg returns it as a string. */
  version: ColumnType<string, never, never>;
  changed_at: ColumnType<Date, never, never>;
}

export type UserRole = 'admin' | 'planner' | 'official';

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: Generated<string>;
  role: UserRole;
  /** argon2id, PHC string format. */
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserScopeTable {
  user_id: number;
  region_id: number;
}

export interface UserSessionTable {
  /** SHA-256 (hex) of the cookie's session id; the id itself is never stored. */
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  address: Generated<string>;
  user_agent: Generated<string>;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuthThrottleTable {
  key: string;
  failures: Generated<number>;
  window_started_at: Timestamp;
  locked_until: Date | null;
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
  data_version: DataVersionTable;
  app_user: AppUserTable;
  user_scope: UserScopeTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  auth_throttle: AuthThrottleTable;
  edit_history: EditHistoryTable;
}

/**
 * Every column of every table, checked against the migrated database by tests/api/schema.test.ts.
 * The `satisfies` clause makes TypeScript insist on exactly the columns of the interfaces above, so
 * a migration, its table type and this list can't drift apart unnoticed.
 */
export const COLUMNS = {
  region: { id: true, parent_id: true, level: true, code: true, name: true, geom: true },
  grid: {
    id: true,
    community_id: true,
    code: true,
    name: true,
    kind: true,
    geom: true,
    households: true,
    population: true,
    worker_name: true,
    worker_phone: true,
    version: true,
    updated_at: true,
    updated_by: true,
  },
  zone: {
    id: true,
    community_id: true,
    grid_id: true,
    name: true,
    unit: true,
    geom: true,
    version: true,
    updated_at: true,
    updated_by: true,
  },
  station: {
    id: true,
    kind: true,
    name: true,
    address: true,
    geom: true,
    amenities: true,
    opening_hours: true,
    operator: true,
    phone: true,
    status: true,
    community_id: true,
    updated_at: true,
    version: true,
    updated_by: true,
  },
  demand_point: { id: true, kind: true, weight: true, geom: true },
  road: { id: true, class: true, name: true, oneway: true, geom: true },
  water: { id: true, kind: true, name: true, geom: true },
  dataset: { name: true, version: true, loaded_at: true },
  data_version: { table_name: true, version: true, changed_at: true },
  app_user: {
    id: true,
    username: true,
    display_name: true,
    role: true,
    password_hash: true,
    disabled: true,
    created_at: true,
    updated_at: true,
  },
  user_scope: { user_id: true, region_id: true },
  user_session: {
    id_hash: true,
    user_id: true,
    csrf_token: true,
    created_at: true,
    expires_at: true,
    address: true,
    user_agent: true,
  },
  api_token: {
    id: true,
    user_id: true,
    name: true,
    token_hash: true,
    prefix: true,
    created_at: true,
    last_used_at: true,
    revoked_at: true,
  },
  auth_throttle: { key: true, failures: true, window_started_at: true, locked_until: true },
  edit_history: {
    id: true,
    table_name: true,
    row_id: true,
    version: true,
    action: true,
    before: true,
    after: true,
    user_id: true,
    at: true,
    change_id: true,
  },
} as const satisfies { [T in keyof DB]: { [C in keyof DB[T]]-?: true } };
