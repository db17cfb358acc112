/**
 * The nearest stations without a connection: by straight line from the cached station list,
 * with the chosen needs applied, and "open" judged from the openState the list was fetched with
 * (it may be stale; the page says when the list was fetched).
 */
import { distance } from '@turf/turf';
import type { LngLat, NearestStationProps, StationCollection } from '../types';
import type { FindFeature } from './find-types';
import { meetsNeeds, type NeedId } from './needs';

export type OfflineQuery = { origin: LngLat; needs: readonly NeedId[]; openOnly: boolean; limit: number };

/**
 * Stations ranked by great-circle metres (turf's haversine: within 0.5 % of the server's
 * geodesic, enough to rank stations a few km apart).
 */
export function offlineNearest(stations: StationCollection, query: OfflineQuery): FindFeature[] {
  const { origin, needs, openOnly, limit } = query;
  const from = [origin.lng, origin.lat];
  const ranked: FindFeature[] = [];
  for (const feature of stations.features) {
    const props = feature.properties;
    if (props.status !== 'active') continue;
    if (openOnly && !props.openState.open) continue;
    if (!meetsNeeds(props.amenities, needs)) continue;
    const straight_m = distance(from, feature.geometry.coordinates, { units: 'meters' });
    const nearest: NearestStationProps = { ...props, distance_m: straight_m, straight_m };
    ranked.push({ type: 'Feature', geometry: feature.geometry, properties: nearest });
  }
  ranked.sort((a, b) => a.properties.distance_m - b.properties.distance_m);
  return ranked.slice(0, limit);
}
