import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { DemoCity } from './demo-city.types';
import {
  datasetVersion,
  insertDemandPoints,
  insertGrids,
  insertRegions,
  insertStations,
  insertWater,
  insertZones,
  recordDataset,
  truncateAll,
} from '../queries/dataset.queries';
import { writeSegments } from '../roads-import/import';
import { writeDemoAccounts } from './demo-accounts';
import { nodeRoads } from '../roads-import/normalize';
import { parseGeojson } from '../roads-import/parse-geojson';

export const DEMO_DATASET = 'demo-city';

/** Large enough to amortise round trips, small enough to keep each statement's parameters modest. */
const BATCH = 2000;

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type LoadResult = { loaded: boolean; version: string; duration_ms: number; counts: Record<string, number> };

/**
 * Replaces all data with the demo city, in one transaction: a failed load leaves the database as it
 * was. Idempotent: when the same version is already loaded it does nothing unless `force`.
 */
export async function loadDemoCity(
  db: Kysely<DB>,
  city: DemoCity,
  options: { force?: boolean } = {},
): Promise<LoadResult> {
  const started = performance.now();
  const current = await datasetVersion(db, DEMO_DATASET).executeTakeFirst();
  const counts = {
    regions: city.regions.features.length,
    grids: city.grids.features.length,
    zones: city.zones.features.length,
    stations: city.stations.features.length,
    demand_points: city.demand.household.length + city.demand.worker.length,
    roads: city.roads.features.length,
    water: city.water.features.length,
  };
  if (current?.version === city.version && !options.force) {
    return { loaded: false, version: city.version, duration_ms: 0, counts };
  }
  await db.transaction().execute(async (tx) => {
    await truncateAll().execute(tx);

    // Parents before children: district, then subdistricts, then communities.
    const regionIds = new Map<string, number>();
    for (const level of ['district', 'subdistrict', 'community'] as const) {
      const rows = city.regions.features
        .filter((f) => f.properties.level === level)
        .map((f) => ({
          parentId: f.properties.parentCode ? (regionIds.get(f.properties.parentCode) ?? null) : null,
          level,
          code: f.properties.code,
          name: f.properties.name,
          geojson: JSON.stringify(f.geometry),
        }));
      for (const batch of chunks(rows, 200)) {
        for (const r of await insertRegions(tx, batch).execute()) regionIds.set(r.code, r.id);
      }
    }
    const communityId = (code: string) => {
      const id = regionIds.get(code);
      if (id === undefined) throw new Error(`Demo data refers to unknown community ${code}`);
      return id;
    };

    const gridIds = new Map<string, string>();
    const grids = city.grids.features.map((f) => ({
      communityId: communityId(f.properties.communityCode),
      code: f.properties.code,
      name: f.properties.name,
      kind: f.properties.kind,
      households: f.properties.households,
      population: f.properties.population,
      workerName: f.properties.workerName,
      workerPhone: f.properties.workerPhone,
      geojson: JSON.stringify(f.geometry),
    }));
    for (const batch of chunks(grids, 500)) {
      for (const g of await insertGrids(tx, batch).execute()) gridIds.set(g.code, g.id);
    }

    const zones = city.zones.features.map((f) => ({
      communityId: communityId(f.properties.communityCode),
      gridId: gridIds.get(f.properties.gridCode) ?? null,
      name: f.properties.name,
      unit: f.properties.unit,
      geojson: JSON.stringify(f.geometry),
    }));
    for (const batch of chunks(zones, 500)) await insertZones(tx, batch).execute();

    const stations = city.stations.features.map((f) => ({
      ...f.properties,
      lng: f.geometry.coordinates[0]!,
      lat: f.geometry.coordinates[1]!,
      communityId: f.properties.communityCode ? (regionIds.get(f.properties.communityCode) ?? null) : null,
    }));
    for (const batch of chunks(stations)) await insertStations(tx, batch).execute();

    for (const batch of chunks(city.demand.household, 10000))
      await insertDemandPoints(tx, 'household', batch).execute();
    for (const batch of chunks(city.demand.worker, 10000)) await insertDemandPoints(tx, 'worker', batch).execute();

    // The same path as `npm run import:roads`: the demo's segments are already noded, so this
    // writes them unchanged, and a change to the import rules shows up in the demo too.
    const { segments } = nodeRoads(parseGeojson(city.roads));
    counts.roads = await writeSegments(tx, segments);

    const water = city.water.features.map((f) => ({ ...f.properties, geojson: JSON.stringify(f.geometry) }));
    await insertWater(tx, water).execute();

    await recordDataset(tx, DEMO_DATASET, city.version).execute();
    await writeDemoAccounts(tx);
  });
  return { loaded: true, version: city.version, duration_ms: Math.round(performance.now() - started), counts };
}
