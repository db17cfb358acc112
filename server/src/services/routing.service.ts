import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { listRoadSegments, roadsStamp } from '../queries/roads.queries';
import { type RoadGraph, buildGraph, snapPoint } from '../routing';
import type { Profile, Snap } from '../routing/types';

/** How far a point may be from the nearest usable street before we refuse to route from it. */
export const MAX_SNAP_M = 500;

/**
 * Holds the routing graph, built from the `road` table once per data version: each call checks a
 * cheap fingerprint of the roads and rebuilds when it changed (an import, an edit).
 */
export function routingService(db: Kysely<DB>) {
  let current: { stamp: string; graph: Promise<RoadGraph> } | null = null;

  async function graph(): Promise<RoadGraph> {
    const { stamp } = (await roadsStamp(db).executeTakeFirst()) ?? { stamp: '' };
    if (current?.stamp !== stamp) {
      const building = listRoadSegments(db)
        .execute()
        .then((rows) =>
          buildGraph(
            rows.map((r) => ({ id: Number(r.id), class: r.class, oneway: r.oneway, coordinates: r.coordinates })),
          ),
        );
      current = { stamp, graph: building };
      building.catch(() => {
        if (current?.graph === building) current = null;
      });
    }
    return current.graph;
  }

  return {
    graph,
    /** Snaps a point to the street network, or explains in a 422 why it cannot. */
    async snap(lng: number, lat: number, profile: Profile): Promise<{ graph: RoadGraph; snap: Snap }> {
      const g = await graph();
      const snap = snapPoint(g, lng, lat, profile, MAX_SNAP_M);
      if (!snap) {
        throw new HttpError(
          422,
          'no_street_nearby',
          `No street usable by ${profile} within ${MAX_SNAP_M} m of ${lng.toFixed(6)}, ${lat.toFixed(6)}; pick a point nearer a street.`,
        );
      }
      return { graph: g, snap };
    },
  };
}
