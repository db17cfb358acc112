/**
 * The API's request and response shapes. The web app imports these with `import type` only, so
 * nothing from the server is bundled into the client.
 *
 * Geometry is RFC 7946 GeoJSON: WGS84, `[lng, lat]`.
 */
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';

export type LngLat = { lng: number; lat: number };

export type ErrorBody = {
  error: { code: string; message: string; details?: unknown };
};

export type HealthResponse = {
  status: 'ok';
  database: 'embedded' | 'postgres';
  postgis: string;
};

export const REGION_LEVELS = ['district', 'subdistrict', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

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

export type GridProps = {
  id: string;
  communityId: number;
  communityName: string;
  /** CJ/T 349-2010 code: 12-digit community code + 3-digit sequence. */
  code: string;
  name: string;
  kind: 'basic' | 'dedicated';
  households: number;
  population: number;
  /** Personal data: null unless the caller may see it. */
  workerName: string | null;
  workerPhone: string | null;
  version: number;
  updatedAt: string;
};
export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProps>;

export type ZoneProps = {
  id: string;
  communityId: number;
  gridId: string | null;
  gridCode: string | null;
  name: string;
  /** The responsible unit (包保单位). */
  unit: string;
  version: number;
};
export type ZoneCollection = FeatureCollection<Polygon | MultiPolygon, ZoneProps>;

export const STATION_KINDS = [
  'rider_station',
  'outdoor_worker_station',
  'party_service_centre',
  'convenience_station',
] as const;
export type StationKind = (typeof STATION_KINDS)[number];

export const AMENITIES = [
  'water',
  'charging',
  'ebike_charging',
  'microwave',
  'toilet',
  'cooling',
  'heating',
  'rest',
  'reading',
  'first_aid',
  'tyre_inflation',
  'meals',
  'wifi',
] as const;
export type Amenity = (typeof AMENITIES)[number];

export const STATION_STATUSES = ['active', 'suspended', 'planned'] as const;
export type StationStatus = (typeof STATION_STATUSES)[number];

export type StationProps = {
  id: string;
  kind: StationKind;
  name: string;
  address: string;
  amenities: Amenity[];
  /** OpenStreetMap opening_hours syntax, e.g. "Mo-Su 08:00-22:00". */
  openingHours: string;
  /** Whether the station is open at the time of the request (server clock, Asia/Shanghai). */
  openNow: boolean;
  operator: string;
  phone: string;
  status: StationStatus;
  communityId: number | null;
};
export type StationCollection = FeatureCollection<Point, StationProps>;

export type NearestStationProps = StationProps & { distance_m: number };
export type NearestStationCollection = FeatureCollection<Point, NearestStationProps> & {
  origin: LngLat;
};

/** GET /api/here?lng=&lat=: "who is responsible here". */
export type HereResponse = {
  point: LngLat;
  district: RegionProps | null;
  subdistrict: RegionProps | null;
  community: RegionProps | null;
  grid: GridProps | null;
  zone: ZoneProps | null;
  nearestStation: Feature<Point, NearestStationProps> | null;
};

export const TRAVEL_MODES = ['walk', 'ebike'] as const;
export type TravelMode = (typeof TRAVEL_MODES)[number];

export type CoverageStats = {
  area_m2: number;
  covered_area_m2: number;
  covered_share: number;
  population: number;
  covered_population: number;
  covered_population_share: number;
};

export type CoverageRegionRow = CoverageStats & {
  id: number;
  code: string;
  name: string;
  level: RegionLevel;
};

export const COVERAGE_METHODS = ['radius', 'network'] as const;
export type CoverageMethod = (typeof COVERAGE_METHODS)[number];

export type CoverageResponse = {
  region: { id: number; code: string; name: string; level: RegionLevel };
  minutes: number;
  mode: TravelMode;
  /** radius: straight-line circles; network: isochrones that follow the streets. */
  method: CoverageMethod;
  speed_m_per_min: number;
  radius_m: number;
  stationCount: number;
  /** radius: one geodesic circle per station that touches the region; network: empty. */
  circles: FeatureCollection<Polygon | MultiPolygon, { stationId: string; name: string; kind: StationKind }>;
  /** The area some station reaches within the minutes, clipped to the region: the union of the circles or isochrones. */
  reach: FeatureCollection<Polygon | MultiPolygon, { minutes: number }>;
  /** The region minus the union of the circles; one feature per disjoint gap. */
  gaps: FeatureCollection<Polygon, { area_m2: number; population: number }>;
  stats: CoverageStats;
  /** The same figures for each child region, worst covered_population_share first. */
  by_region: CoverageRegionRow[];
};

export type BasemapProps =
  | { layer: 'road'; class: RoadClass; name: string | null }
  | { layer: 'water'; kind: 'lake' | 'river'; name: string | null };
export type BasemapCollection = FeatureCollection<LineString | MultiLineString | Polygon | MultiPolygon, BasemapProps>;

export const ROAD_CLASSES = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'residential',
  'service',
  'footway',
] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** GET /api/config: what the web app needs before it draws. */
export type ConfigResponse = {
  /** An online MapLibre style URL when BASEMAP_STYLE_URL is set; null means the offline basemap. */
  basemapStyleUrl: string | null;
  /** [minLng, minLat, maxLng, maxLat] of the demo district (or of all regions). */
  bounds: [number, number, number, number] | null;
  /** The district (top-level) region's id, the default for the coverage panel. */
  defaultRegionId: number | null;
  speeds_m_per_min: Record<TravelMode, number>;
};

/** Profiles of the street-network router. The coverage audit uses walk and e-bike; car is for routing. */
export const ROUTING_PROFILES = ['walk', 'ebike', 'car'] as const;
export type RoutingProfile = (typeof ROUTING_PROFILES)[number];

/** GET /api/isochrones: one feature per band, smallest first; each band contains the smaller ones. */
export type IsochroneProps = { minutes: number; mode: RoutingProfile; area_m2: number };
export type IsochroneCollection = FeatureCollection<MultiPolygon, IsochroneProps> & {
  origin: LngLat;
  /** Where the origin joined the street network, and how far it had to walk to get there. */
  snapped: LngLat & { distance_m: number };
};

/** GET /api/stations/reachable: stations whose street-network travel time to the point is within the minutes. */
export type ReachableStationProps = StationProps & {
  /** The whole trip: `network_s` plus `walk_m` on foot (80 m/min), rounded to the second. */
  duration_s: number;
  /** Along the streets, from the station's nearest street point to the point's. */
  network_s: number;
  /** Off the streets, on foot: from the station to its street, and from the point's street to the point. */
  walk_m: number;
};
export type ReachableStationCollection = FeatureCollection<Point, ReachableStationProps> & {
  origin: LngLat;
  minutes: number;
  mode: RoutingProfile;
};
