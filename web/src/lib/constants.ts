import type {
  Amenity,
  CoverageMethod,
  RoadClass,
  RoutingProfile,
  StationKind,
  StationStatus,
  TravelMode,
} from './types';

/**
 * Runtime copies of the contract's enumerations. The contract module may only be imported with
 * `import type`, so the lists are repeated here; `Exhaustive` makes the type checker fail if the
 * contract gains or loses a member.
 */
type Exhaustive<All, Listed extends readonly All[]> = [All] extends [Listed[number]] ? Listed : never;

const stationKinds = [
  'rider_station',
  'outdoor_worker_station',
  'party_service_centre',
  'convenience_station',
] as const;
export const STATION_KINDS: Exhaustive<StationKind, typeof stationKinds> = stationKinds;

const amenities = [
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
export const AMENITIES: Exhaustive<Amenity, typeof amenities> = amenities;

const stationStatuses = ['active', 'suspended', 'planned'] as const;
export const STATION_STATUSES: Exhaustive<StationStatus, typeof stationStatuses> = stationStatuses;

const travelModes = ['walk', 'ebike'] as const;
export const TRAVEL_MODES: Exhaustive<TravelMode, typeof travelModes> = travelModes;

const routingProfiles = ['walk', 'ebike', 'car'] as const;
export const ROUTING_PROFILES: Exhaustive<RoutingProfile, typeof routingProfiles> = routingProfiles;

const coverageMethods = ['radius', 'network'] as const;
export const COVERAGE_METHODS: Exhaustive<CoverageMethod, typeof coverageMethods> = coverageMethods;

const roadClasses = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'residential',
  'service',
  'footway',
] as const;
export const ROAD_CLASSES: Exhaustive<RoadClass, typeof roadClasses> = roadClasses;

export const COVERAGE_MINUTES = [5, 10, 15] as const;
export type CoverageMinutes = (typeof COVERAGE_MINUTES)[number];

/** The isochrone bands the "here" panel asks for, smallest first. */
export const ISOCHRONE_MINUTES = [5, 10, 15] as const;
