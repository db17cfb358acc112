/**
 * Every enumeration of the API contract that code needs at run time, with its type.
 *
 * This module imports nothing, so the web app may import it as a value (not just `import type`)
 * without pulling any server code into its bundle, and so may data/.
 */

export const REGION_LEVELS = ['district', 'subdistrict', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

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

export const TRAVEL_MODES = ['walk', 'ebike'] as const;
export type TravelMode = (typeof TRAVEL_MODES)[number];

/** How `GET /api/stations/nearest` ranks: straight-line metres, or travel time on the streets. */
export const NEAREST_MODES = ['straight', 'walk', 'ebike'] as const;
export type NearestMode = (typeof NEAREST_MODES)[number];

export const COVERAGE_METHODS = ['radius', 'network'] as const;
export type CoverageMethod = (typeof COVERAGE_METHODS)[number];

/** Profiles of the street-network router. The coverage audit uses walk and e-bike; car is for routing. */
export const ROUTING_PROFILES = ['walk', 'ebike', 'car'] as const;
export type RoutingProfile = (typeof ROUTING_PROFILES)[number];

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

/** The minutes presets the coverage panel offers. */
export const COVERAGE_MINUTES = [5, 10, 15] as const;
export type CoverageMinutes = (typeof COVERAGE_MINUTES)[number];

/** The isochrone bands the "here" panel asks for, smallest first. */
export const ISOCHRONE_MINUTES = [5, 10, 15] as const;
export type IsochroneMinutes = (typeof ISOCHRONE_MINUTES)[number];

/** Roles of accounts; a caller with no account has the role `public`. */
export const USER_ROLES = ['admin', 'planner', 'official'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Account rules the web checks before sending (the server's zod schemas use the same values). */
export const MIN_PASSWORD_LENGTH = 10;
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
