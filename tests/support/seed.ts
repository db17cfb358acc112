import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import type { Database } from '../../server/src/db/client';
import { insertDemandPoints, insertRegions, insertStations } from '../../server/src/queries/dataset.queries';

export type SeedRegion = {
  code: string;
  name: string;
  level: 'district' | 'subdistrict' | 'community';
  parentCode?: string;
  geometry: Polygon | MultiPolygon;
};

/** Inserts regions in the order given (parents first); returns `code → id`. */
export async function seedRegions(database: Database, regions: SeedRegion[]) {
  const ids = new Map<string, number>();
  for (const region of regions) {
    const rows = await insertRegions(database.db, [
      {
        parentId: region.parentCode ? (ids.get(region.parentCode) ?? null) : null,
        level: region.level,
        code: region.code,
        name: region.name,
        geojson: JSON.stringify(region.geometry),
      },
    ]).execute();
    ids.set(region.code, rows[0]!.id);
  }
  return ids;
}

export type SeedStationProps = {
  name: string;
  kind?: 'rider_station' | 'outdoor_worker_station' | 'party_service_centre' | 'convenience_station';
  amenities?: string[];
  openingHours?: string;
  status?: 'active' | 'suspended' | 'planned';
};

export async function seedStations(database: Database, stations: Feature<Point, SeedStationProps>[]) {
  if (!stations.length) return;
  await insertStations(
    database.db,
    stations.map((f) => ({
      kind: f.properties.kind ?? 'rider_station',
      name: f.properties.name,
      address: '',
      lng: f.geometry.coordinates[0]!,
      lat: f.geometry.coordinates[1]!,
      amenities: f.properties.amenities ?? [],
      openingHours: f.properties.openingHours ?? '24/7',
      operator: '',
      phone: '',
      status: f.properties.status ?? 'active',
      communityId: null,
    })),
  ).execute();
}

export async function seedDemand(
  database: Database,
  points: FeatureCollection<Point, { weight: number; kind?: 'household' | 'worker' }>,
) {
  for (const kind of ['household', 'worker'] as const) {
    const rows = points.features
      .filter((f) => (f.properties.kind ?? 'household') === kind)
      .map((f) => [f.geometry.coordinates[0]!, f.geometry.coordinates[1]!, f.properties.weight] as const);
    if (rows.length) await insertDemandPoints(database.db, kind, rows).execute();
  }
}

/** A lng/lat rectangle as a closed counter-clockwise polygon. */
export const rectangle = (minLng: number, minLat: number, maxLng: number, maxLat: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [minLng, minLat],
      [maxLng, minLat],
      [maxLng, maxLat],
      [minLng, maxLat],
      [minLng, minLat],
    ],
  ],
});
