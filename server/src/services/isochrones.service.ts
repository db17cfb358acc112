import type { IsochroneCollection, LngLat, RoutingProfile } from '../contracts';
import { withAccessWalk } from '../routing';
import { roundTo } from './geojson';
import type { routingService } from './routing.service';

export function isochronesService(routing: ReturnType<typeof routingService>) {
  return {
    /**
     * Street-network isochrones from one point, one band per minutes value, smallest first. The
     * walk from the point to its street comes out of every band's minutes.
     */
    async from(query: LngLat & { mode: RoutingProfile; minutes: number[] }): Promise<IsochroneCollection> {
      const { graph, snap } = await routing.snap(query.lng, query.lat, query.mode);
      // In a worker thread, behind the heavy-work limiter: a 60-minute car isochrone rasterises
      // millions of cells, and the event loop must stay free for everyone else.
      const bands = await routing.heavy.run(() =>
        routing.compute(graph, {
          kind: 'isochrones',
          profile: query.mode,
          origins: [withAccessWalk(snap)],
          minutes: query.minutes,
        }),
      );
      return {
        type: 'FeatureCollection',
        origin: { lng: query.lng, lat: query.lat },
        snapped: { lng: snap.point[0], lat: snap.point[1], distance_m: roundTo(snap.distance_m, 1) },
        features: bands.map((band) => ({
          type: 'Feature',
          geometry: band.geometry,
          properties: {
            minutes: band.properties.minutes,
            mode: query.mode,
            area_m2: roundTo(band.properties.area_m2, 0),
          },
        })),
      };
    },
  };
}
