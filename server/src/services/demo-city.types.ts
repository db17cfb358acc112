/**
 * The demo city file (data/generated/demo-city.json) as the server reads it: only what the loader
 * uses, typed by the server. data/ writes the file with its own types (data/src/types.ts) and the
 * server never imports data/; tests/unit/demo-city-file.test.ts checks at compile time that what
 * data/ writes is assignable to this.
 *
 * Everything is WGS84 `[lng, lat]`. Regions, grids and zones refer to each other by code, not by
 * database id, so the file stays independent of any database.
 */
import type { FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type { RegionLevel, RoadClass, StationKind, StationStatus } from '../contracts/enums';

export type DemoCityRegionProps = {
  /** 6 (district), 9 (subdistrict) or 12 (community) digits. */
  code: string;
  parentCode: string | null;
  level: RegionLevel;
  name: string;
};

export type DemoCityGridProps = {
  code: string;
  communityCode: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  workerName: string;
  workerPhone: string;
};

export type DemoCityZoneProps = {
  communityCode: string;
  gridCode: string;
  name: string;
  /** 包保单位 */
  unit: string;
};

export type DemoCityStationProps = {
  kind: StationKind;
  name: string;
  address: string;
  amenities: string[];
  /** OSM opening_hours syntax. */
  openingHours: string;
  operator: string;
  phone: string;
  status: StationStatus;
  communityCode: string | null;
};

export type DemoCityRoadProps = { class: RoadClass; name: string | null; oneway: boolean };

export type DemoCityWaterProps = { kind: 'lake' | 'river'; name: string | null };

/** Compact demand points: `[lng, lat, weight]`; weight is people (households) or workers. */
export type DemoCityDemandPoints = {
  household: [number, number, number][];
  worker: [number, number, number][];
};

export type DemoCity = {
  /** sha256 of everything else; the loader skips a load whose version is already in the database. */
  version: string;
  regions: FeatureCollection<MultiPolygon, DemoCityRegionProps>;
  grids: FeatureCollection<Polygon | MultiPolygon, DemoCityGridProps>;
  zones: FeatureCollection<Polygon | MultiPolygon, DemoCityZoneProps>;
  stations: FeatureCollection<Point, DemoCityStationProps>;
  demand: DemoCityDemandPoints;
  roads: FeatureCollection<LineString, DemoCityRoadProps>;
  water: FeatureCollection<Polygon | MultiPolygon | LineString, DemoCityWaterProps>;
};
