import type { Kysely } from 'kysely';
import type { BasemapCollection, BasemapProps, RoadClass } from '../contracts';
import type { DB } from '../db/schema';
import type { Bbox } from '../queries/grids.queries';
import { listRoads, listWater } from '../queries/basemap.queries';

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
            properties: { layer: 'road', class: r.class as RoadClass, name: r.name } satisfies BasemapProps,
          })),
        ],
      };
    },
  };
}
