/**
 * The CPU-heavy routing computations as plain-data tasks, so the same function runs in a worker
 * thread (./routing.worker.ts) or in this thread, with the same result.
 */
import { type IsochroneOptions, isochrones } from './isochrone';
import { travelTimes } from './matrix';
import { type Route, timesAndRoutes } from './route';
import { snapPoint, withAccessWalk } from './snap';
import type { IsochroneBand, Profile, RoadGraph, Snap } from './types';

export type RoutingTask =
  | {
      kind: 'isochrones';
      profile: Profile;
      origins: Snap[];
      minutes: number[];
      options?: IsochroneOptions | undefined;
    }
  | {
      /**
       * The network-coverage cover: every point snapped (with its walk to the street) and one
       * multi-source band, as GeoJSON text for SQL. Snapping a few hundred stations and making the
       * text happen here too, sparing the main thread the snaps and a 10k-vertex clone and stringify.
       */
      kind: 'coverGeoJson';
      profile: Profile;
      points: [number, number][];
      maxSnap_m: number;
      minutes: number;
      options?: IsochroneOptions | undefined;
    }
  | { kind: 'travelTimes'; profile: Profile; origins: Snap[]; targets: Snap[]; limit_s: number }
  | {
      /** One search from `origin`: each target's time (plus its extra), and routes to the fastest few. */
      kind: 'timesAndRoutes';
      profile: Profile;
      origin: Snap;
      targets: Snap[];
      extra_s: number[];
      limit_s: number;
      routeCount: number;
    };

export type RoutingTaskResult<T extends RoutingTask> = T extends { kind: 'isochrones' }
  ? IsochroneBand[]
  : T extends { kind: 'coverGeoJson' }
    ? { geometry: string; originCount: number }
    : T extends { kind: 'timesAndRoutes' }
      ? { times: Float64Array; best: { target: number; route: Route }[] }
      : Float64Array;

const EMPTY_MULTIPOLYGON = JSON.stringify({ type: 'MultiPolygon', coordinates: [] });

export function runRoutingTask<T extends RoutingTask>(graph: RoadGraph, task: T): RoutingTaskResult<T> {
  switch (task.kind) {
    case 'isochrones':
      return isochrones(graph, task.profile, task.origins, task.minutes, task.options) as RoutingTaskResult<T>;
    case 'coverGeoJson': {
      const origins: Snap[] = [];
      for (const [lng, lat] of task.points) {
        const snap = snapPoint(graph, lng, lat, task.profile, task.maxSnap_m);
        // A station deep in a compound first walks out to its street.
        if (snap) origins.push(withAccessWalk(snap));
      }
      const band = origins.length
        ? isochrones(graph, task.profile, origins, [task.minutes], task.options)[0]
        : undefined;
      const geometry = band ? JSON.stringify(band.geometry) : EMPTY_MULTIPOLYGON;
      return { geometry, originCount: origins.length } as RoutingTaskResult<T>;
    }
    case 'travelTimes':
      return travelTimes(graph, task.profile, task.origins, task.targets, task.limit_s) as RoutingTaskResult<T>;
    case 'timesAndRoutes':
      return timesAndRoutes(
        graph,
        task.profile,
        task.origin,
        task.targets,
        task.extra_s,
        task.limit_s,
        task.routeCount,
      ) as RoutingTaskResult<T>;
  }
  throw new Error(`unknown routing task ${(task as { kind: string }).kind}`);
}
