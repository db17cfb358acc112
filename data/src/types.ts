/**
 * The demo city as the generator writes it (data/generated/demo-city.json) and the loader reads it.
 * Everything is WGS84 `[lng, lat]`. Regions, grids and zones refer to each other by code, not by
 * database id, so the file stays independent of any database.
 */
import type { FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';

export type DemoRegionProps = {
  code: string; // 6 (district), 9 (subdistrict) or 12 (community) digits
  parentCode: string | null;
  level: 'district' | 'subdistrict' | 'community';
  name: string;
};

export type DemoGridProps = {
  code: string; // community code (12) + 3-digit sequence, numbered west→east, north→south
  communityCode: string;
  name: string; // e.g. "六砂社区第3网格"
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  workerName: string;
  workerPhone: string;
};

export type DemoZoneProps = {
  communityCode: string;
  gridCode: string;
  name: string;
  unit: string; // 包保单位
};

export type DemoStationProps = {
  kind: 'rider_station' | 'outdoor_worker_station' | 'party_service_centre' | 'convenience_station';
  name: string;
  address: string;
  amenities: string[];
  openingHours: string; // OSM opening_hours syntax
  operator: string;
  phone: string;
  status: 'active' | 'suspended' | 'planned';
  communityCode: string | null;
};

export type DemoRoadProps = {
  class: 'motorway' | 'trunk' | 'primary' | 'secondary' | 'tertiary' | 'residential' | 'service' | 'footway';
  name: string | null;
  oneway: boolean;
};

export type DemoWaterProps = { kind: 'lake' | 'river'; name: string | null };

/** Compact demand points: [lng, lat, weight]. Weight is people (households) or workers. */
export type DemoDemandPoints = { household: [number, number, number][]; worker: [number, number, number][] };

export type DemoCity = {
  /** sha256 of everything else; the loader skips a load whose version is already in the database. */
  version: string;
  seed: number;
  regions: FeatureCollection<MultiPolygon, DemoRegionProps>;
  grids: FeatureCollection<Polygon | MultiPolygon, DemoGridProps>;
  zones: FeatureCollection<Polygon | MultiPolygon, DemoZoneProps>;
  stations: FeatureCollection<Point, DemoStationProps>;
  demand: DemoDemandPoints;
  roads: FeatureCollection<LineString, DemoRoadProps>;
  water: FeatureCollection<Polygon | MultiPolygon | LineString, DemoWaterProps>;
};
