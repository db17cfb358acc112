import type { Kysely } from 'kysely';
import type { BasemapCollection, BasemapProps, RoadClass } from '../contracts';
import type { DB } from '../db/schema';
import type { Bbox } from '../queries/grids.queries';
import { listRoads, listWater } from '../queries/basemap.queries';
import type { RoadClass as StoredRoadClass } from '../routing/profiles';

/**
 * The road table holds the router's 20 OSM classes; the map draws eight. Links draw as their road,
 * minor streets as residential, tracks as service, and every path for people as a footway. A class
 * written into the table by hand that is not on the list draws as a service road.
 */
const DRAW_CLASS: Readonly<Record<StoredRoadClass, RoadClass>> = {
  motorway: 'motorway',
  motorway_link: 'motorway',
  trunk: 'trunk',
  trunk_link: 'trunk',
  primary: 'primary',
  primary_link: 'primary',
  secondary: 'secondary',
  secondary_link: 'secondary',
  tertiary: 'tertiary',
  tertiary_link: 'tertiary',
  unclassified: 'residential',
  residential: 'residential',
  living_street: 'residential',
  service: 'service',
  track: 'service',
  pedestrian: 'footway',
  footway: 'footway',
  path: 'footway',
  steps: 'footway',
  cycleway: 'footway',
};

export const drawClass = (stored: string): RoadClass =>
  Object.hasOwn(DRAW_CLASS, stored) ? DRAW_CLASS[stored as StoredRoadClass] : 'service';

export function basemapService(db: Kysely<DB>) {
  return {
    /** Roads and water as one FeatureCollection, tagged by `properties.layer`. */
    async features(bbox: Bbox | undefined): Promise<BasemapCollection> {
      const [water, roads] = await Promise.all([listWater(db, bbox).execute(), listRoads(db, bbox).execute()]);
      return {
        type: 'FeatureCollection',
        features: [
          ...water.map((w) => ({
            type: 'Feature' as const,
            id: `water-${w.id}`,
            geometry: w.geometry as BasemapCollection['features'][number]['geometry'],
            properties: { layer: 'water', kind: w.kind, name: w.name } satisfies BasemapProps,
          })),
          ...roads.map((r) => ({
            type: 'Feature' as const,
            id: `road-${r.id}`,
            geometry: r.geometry as BasemapCollection['features'][number]['geometry'],
            properties: { layer: 'road', class: drawClass(r.class), name: r.name } satisfies BasemapProps,
          })),
        ],
      };
    },
  };
}
