/**
 * Travel speeds per profile and road class.
 *
 * Sources and assumptions:
 * - walk: 4.8 km/h (1.33 m/s), the usual planning figure (GB 50180-2018 life circles assume roughly
 *   300 / 500 / 800–1,000 m in 5 / 10 / 15 minutes, i.e. 60–80 m/min; 80 m/min = 4.8 km/h). The same
 *   speed on every walkable class, steps included: the issue asks for one figure, and the error on a
 *   few flights of steps is below the raster resolution of the isochrones.
 *   Motorways and their ramps are not walkable. Trunk roads are: Chinese urban trunk roads (快速路 and
 *   主干路 tagged trunk in OSM) almost always carry sidewalks or side roads. Trunk *links* are not:
 *   they are ramps of grade-separated interchanges.
 * - ebike: GB 17761-2018 limits e-bikes to 25 km/h; riders average about 15 km/h door to door once
 *   junctions and traffic lights are counted (delivery platforms plan with 15–18 km/h), so roads get
 *   15 km/h, slower on shared or rough ways, and nothing exceeds the 25 km/h cap. Motorways and
 *   trunk ramps are closed to non-motor vehicles; footways, steps and pedestrian streets (步行街) are
 *   pedestrian-only. Cycleways and paths are allowed.
 * - car: realistic *urban* averages including junction delay, not free-flow speeds. OSRM's car
 *   profile uses free-flow 90/85/65/55/40/25 km/h for motorway/trunk/primary/secondary/tertiary/
 *   residential; AMap's (高德) annual traffic reports put peak-hour average speeds in Chinese cities at
 *   20–35 km/h, so these are scaled down to that range. Cars may not use footways, paths, steps,
 *   pedestrian streets or cycleways.
 * - Unknown classes (`road`, `busway`, `construction`, …) behave as `unclassified`: usable by
 *   everyone at a modest speed, which over-reaches less than excluding them under-reaches.
 *
 * Oneway is respected for `car` only: pedestrians may walk both ways along a oneway street, and the
 * issue asks oneway for cars. E-bikes in China routinely ride against oneway streets on the
 * non-motor lane, so treating them as cars would under-state their reach.
 */
import type { Profile } from './types';

export const PROFILES: readonly Profile[] = ['walk', 'ebike', 'car'];

/**
 * The classes the `road` table holds: OSM `highway=*` values the importer keeps and the router
 * knows. The importer (server/src/roads-import/normalize.ts) maps tags onto exactly this list.
 */
export const ROAD_CLASSES = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'pedestrian',
  'footway',
  'path',
  'steps',
  'cycleway',
  'track',
] as const;

export type RoadClass = (typeof ROAD_CLASSES)[number];

/** E-bikes are speed-limited to 25 km/h in China (GB 17761-2018). */
export const EBIKE_MAX_KMH = 25;
export const WALK_KMH = 4.8;

/**
 * Slip roads of ordinary roads take their road's speed; motorway and trunk links have their own
 * entries because walking and e-bikes are banned from grade-separated ramps.
 */
type LinkedClass = Exclude<RoadClass, 'primary_link' | 'secondary_link' | 'tertiary_link'>;
const LINK_OF: Readonly<Record<string, LinkedClass>> = {
  primary_link: 'primary',
  secondary_link: 'secondary',
  tertiary_link: 'tertiary',
};

/** km/h per class; null = not allowed. */
const KMH: Record<Profile, Record<LinkedClass, number | null>> = {
  walk: {
    motorway: null,
    motorway_link: null,
    trunk: WALK_KMH,
    trunk_link: null,
    primary: WALK_KMH,
    secondary: WALK_KMH,
    tertiary: WALK_KMH,
    unclassified: WALK_KMH,
    residential: WALK_KMH,
    living_street: WALK_KMH,
    service: WALK_KMH,
    pedestrian: WALK_KMH,
    footway: WALK_KMH,
    path: WALK_KMH,
    steps: WALK_KMH,
    cycleway: WALK_KMH,
    track: WALK_KMH,
  },
  ebike: {
    motorway: null,
    motorway_link: null,
    trunk: 15,
    trunk_link: null,
    primary: 15,
    secondary: 15,
    tertiary: 15,
    unclassified: 15,
    residential: 14,
    living_street: 10,
    service: 10,
    pedestrian: null,
    footway: null,
    path: 12,
    steps: null,
    cycleway: 16,
    track: 10,
  },
  car: {
    motorway: 70,
    motorway_link: 40,
    trunk: 45,
    trunk_link: 30,
    primary: 32,
    secondary: 28,
    tertiary: 24,
    unclassified: 20,
    residential: 15,
    living_street: 7,
    service: 10,
    pedestrian: null,
    footway: null,
    path: null,
    steps: null,
    cycleway: null,
    track: 10,
  },
};

const hasSpeed = (roadClass: string): roadClass is LinkedClass => Object.hasOwn(KMH.walk, roadClass);

/** Speed in m/s for `profile` on a road of `roadClass`, or null when the profile may not use it. */
export function speedMetersPerSecond(profile: Profile, roadClass: string): number | null {
  const base = LINK_OF[roadClass] ?? roadClass;
  const known: LinkedClass = hasSpeed(base) ? base : 'unclassified';
  const kmh = KMH[profile][known];
  if (kmh === null) return null;
  const capped = profile === 'ebike' ? Math.min(kmh, EBIKE_MAX_KMH) : kmh;
  return capped / 3.6;
}

/** Whether `profile` must respect the digitised direction of oneway roads (see the file comment). */
export const respectsOneway = (profile: Profile): boolean => profile === 'car';
