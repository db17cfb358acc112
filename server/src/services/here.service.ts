import type { HereResponse, LngLat } from '../contracts';
import type { Caller } from './caller';
import type { gridsService } from './grids.service';
import type { regionsService } from './regions.service';
import type { stationsService } from './stations.service';
import type { zonesService } from './zones.service';

/** "Who is responsible here": the community, grid, zone (with its unit) and nearest station. */
export function hereService(deps: {
  regions: ReturnType<typeof regionsService>;
  grids: ReturnType<typeof gridsService>;
  zones: ReturnType<typeof zonesService>;
  stations: ReturnType<typeof stationsService>;
}) {
  return {
    async at(point: LngLat, caller: Caller): Promise<HereResponse> {
      const [regions, grid, zone, nearest] = await Promise.all([
        deps.regions.at(point.lng, point.lat),
        deps.grids.at(point.lng, point.lat, caller),
        deps.zones.at(point.lng, point.lat),
        deps.stations.nearest({ ...point, limit: 1 }),
      ]);
      return {
        point,
        district: regions.district ?? null,
        subdistrict: regions.subdistrict ?? null,
        community: regions.community ?? null,
        grid,
        zone,
        nearestStation: nearest.features[0] ?? null,
      };
    },
  };
}
