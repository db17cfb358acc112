import type { Kysely, Transaction } from 'kysely';
import type { Feature, Point } from 'geojson';
import type {
  Amenity,
  LngLat,
  NearestMode,
  ReachableStationCollection,
  ReachableStationProps,
  RoutingProfile,
  NearestStationCollection,
  NearestStationProps,
  StationCollection,
  StationProps,
  CreateStationParams,
  UpdateStationParams,
  VersionConflictDetails,
} from '../contracts';
import type { DB } from '../db/schema';
import { HttpError, notFound } from '../errors';
import {
  type StationFilter,
  type StationWrite,
  communityAt,
  deleteStation,
  insertStation,
  listStations,
  pointInRegions,
  stationById,
  updateStation,
} from '../queries/stations.queries';
import type { Caller } from './caller';
import { roundTo, toFeature, toFeatureCollection } from './geojson';
import { type OpenState, openingHoursError, stateAt } from './opening-hours';
import { straightNearestJson } from './nearest-json';
import { WALK_KMH, snapPoint } from '../routing';
import { MAX_SNAP_M, type routingService } from './routing.service';
import { byTravelTime } from './nearest-by-time';
import {
  type IndexedStations,
  type StationIndex,
  type StationPredicate,
  type StationRow,
  nearestInIndex,
  stationIndex as createStationIndex,
  stationPredicate,
} from './station-index';

/** A suspended or planned station is closed whatever its hours say. */
const openStateOf = (row: StationRow, now: Date): OpenState =>
  row.status === 'active' ? stateAt(row.opening_hours, now) : { open: false, nextChange: null };

export const toStationProps = (row: StationRow, now: Date): StationProps => {
  const state = openStateOf(row, now);
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    address: row.address,
    amenities: row.amenities as Amenity[],
    openingHours: row.opening_hours,
    openNow: state.open,
    openState: { open: state.open, nextChange: state.nextChange?.toISOString() ?? null },
    operator: row.operator,
    phone: row.phone,
    status: row.status,
    communityId: row.community_id,
    version: row.version,
  };
};

export type NearestQuery = LngLat &
  StationFilter & {
    limit: number;
    mode?: NearestMode | undefined;
    openNow?: boolean | undefined;
    now?: Date | undefined;
  };

export type ReachableQuery = LngLat &
  StationFilter & { mode: RoutingProfile; minutes: number; limit: number; openNow?: boolean | undefined; now?: Date };

/**
 * Station edits by planners (inside their scope) and admins (anywhere). Each runs in one
 * transaction; a refused write (400, 403, 404, 409) leaves the table exactly as it was.
 */
export function stationEditsService(db: Kysely<DB>) {
  type Tx = Transaction<DB>;

  function checkOpeningHours(value: string) {
    const error = openingHoursError(value);
    if (error)
      throw new HttpError(
        400,
        'invalid_request',
        `openingHours: not OpenStreetMap opening_hours syntax (${error}); e.g. "24/7" or "Mo-Fr 08:00-18:00".`,
      );
  }

  /** Planners write inside their scopes only; admins anywhere (null). Others never reach here (route rule). */
  function scopesOf(caller: Caller): number[] | null {
    if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    if (caller.role === 'admin') return null;
    if (caller.role !== 'planner') throw new HttpError(403, 'forbidden', `A ${caller.role} edits nothing.`);
    return caller.scopes;
  }

  async function requireInScope(tx: Tx, scopes: number[] | null, lng: number, lat: number, what: string) {
    if (scopes === null) return;
    const { rows } = await pointInRegions(scopes, lng, lat).execute(tx);
    if (!rows[0]?.inside)
      throw new HttpError(
        403,
        'outside_scope',
        `${what} (${lng.toFixed(6)}, ${lat.toFixed(6)}) lies outside the regions you may edit.`,
        { scopes },
      );
  }

  async function current(tx: Tx, id: string, now: Date) {
    const row = await stationById(tx, id).forUpdate('station').executeTakeFirst();
    if (!row) throw notFound('Station', id);
    return { row, feature: toFeature<typeof row, Point, StationProps>(row, (r) => toStationProps(r, now)) };
  }

  function conflict(found: Awaited<ReturnType<typeof current>>, version: number): HttpError {
    const details: VersionConflictDetails<Feature<Point, StationProps>> = {
      current: found.feature,
      changed_by: found.row.updated_by_username,
      changed_at: new Date(found.row.updated_at).toISOString(),
    };
    return new HttpError(
      409,
      'version_conflict',
      `Station ${found.row.id} is at version ${found.row.version}, not ${version}: someone saved it since you loaded it. Reload it, or save again on top of version ${found.row.version}.`,
      details,
    );
  }

  async function write(tx: Tx, input: CreateStationParams, caller: Caller & { kind: 'user' }): Promise<StationWrite> {
    checkOpeningHours(input.openingHours);
    const [lng, lat] = input.geometry.coordinates as [number, number];
    const community = await communityAt(tx, lng, lat).executeTakeFirst();
    return {
      kind: input.kind,
      name: input.name,
      address: input.address,
      lng,
      lat,
      amenities: input.amenities,
      openingHours: input.openingHours,
      operator: input.operator,
      phone: input.phone,
      status: input.status,
      communityId: community?.id ?? null,
      updatedBy: caller.userId,
    };
  }

  return {
    async create(caller: Caller, input: CreateStationParams, now = new Date()): Promise<Feature<Point, StationProps>> {
      const scopes = scopesOf(caller);
      return db.transaction().execute(async (tx) => {
        const [lng, lat] = input.geometry.coordinates as [number, number];
        await requireInScope(tx, scopes, lng, lat, 'The new station');
        const row = await insertStation(
          tx,
          await write(tx, input, caller as Caller & { kind: 'user' }),
        ).executeTakeFirstOrThrow();
        return (await current(tx, row.id, now)).feature;
      });
    },

    async update(
      caller: Caller,
      id: string,
      input: UpdateStationParams,
      now = new Date(),
    ): Promise<Feature<Point, StationProps>> {
      const scopes = scopesOf(caller);
      return db.transaction().execute(async (tx) => {
        const found = await current(tx, id, now);
        const [oldLng, oldLat] = found.feature.geometry.coordinates as [number, number];
        await requireInScope(tx, scopes, oldLng, oldLat, `Station ${id}`);
        if (found.row.version !== input.version) throw conflict(found, input.version);
        const p = found.feature.properties;
        const merged: CreateStationParams = {
          kind: input.kind ?? p.kind,
          name: input.name ?? p.name,
          address: input.address ?? p.address,
          geometry: input.geometry ?? { type: 'Point', coordinates: [oldLng, oldLat] },
          amenities: input.amenities ?? p.amenities,
          openingHours: input.openingHours ?? p.openingHours,
          operator: input.operator ?? p.operator,
          phone: input.phone ?? p.phone,
          status: input.status ?? p.status,
        };
        const [lng, lat] = merged.geometry.coordinates as [number, number];
        await requireInScope(tx, scopes, lng, lat, 'The new location');
        const saved = await updateStation(
          tx,
          id,
          input.version,
          await write(tx, merged, caller as Caller & { kind: 'user' }),
          scopes,
        ).executeTakeFirst();
        // The checks above hold the row lock, so this only fails if the checks and the statement disagree.
        if (!saved) throw new HttpError(409, 'write_refused', `Station ${id} was not saved; reload it and try again.`);
        return (await current(tx, id, now)).feature;
      });
    },

    async remove(caller: Caller, id: string, version: number): Promise<void> {
      const scopes = scopesOf(caller);
      await db.transaction().execute(async (tx) => {
        const found = await current(tx, id, new Date());
        const [lng, lat] = found.feature.geometry.coordinates as [number, number];
        await requireInScope(tx, scopes, lng, lat, `Station ${id}`);
        if (found.row.version !== version) throw conflict(found, version);
        const deleted = await deleteStation(tx, id, version, scopes).executeTakeFirst();
        if (!deleted)
          throw new HttpError(409, 'write_refused', `Station ${id} was not deleted; reload it and try again.`);
      });
    },
  };
}

export function stationsService(
  db: Kysely<DB>,
  routing: ReturnType<typeof routingService>,
  stationIndex: StationIndex = createStationIndex(db),
) {
  /** What both forms of the nearest answer start from: the index as of now, the filter, the head. */
  async function nearestSearch(query: NearestQuery) {
    const now = query.now ?? new Date();
    const index = await stationIndex.get();
    const predicate = stationPredicate(
      { kinds: query.kinds, amenities: query.amenities, statuses: query.statuses ?? ['active'] },
      query.openNow ? (row) => openStateOf(row, now).open : undefined,
    );
    const base = {
      type: 'FeatureCollection' as const,
      origin: { lng: query.lng, lat: query.lat },
      mode: query.mode ?? 'straight',
      at: now.toISOString(),
    };
    return { now, index, predicate, base };
  }

  /** The straight-line ranking, with the geodesic metres as the answer gives them (to 0.1 m). */
  function straightHits(query: NearestQuery, index: IndexedStations, predicate: StationPredicate) {
    return nearestInIndex(index, query.lng, query.lat, query.limit, predicate).map(({ row, distance_m }) => ({
      row,
      distance_m: roundTo(distance_m, 1),
    }));
  }

  /** The features ranked by travel time along the streets, each with its route. */
  async function byTime(
    query: NearestQuery,
    mode: Exclude<NearestMode, 'straight'>,
    index: IndexedStations,
    predicate: StationPredicate,
    now: Date,
  ): Promise<Pick<NearestStationCollection, 'offNetwork' | 'features'>> {
    const ranked = await byTravelTime(routing, index, { ...query, mode }, predicate);
    return {
      offNetwork: ranked.offNetwork,
      features: ranked.stations.map((s) =>
        toFeature<StationRow, Point, NearestStationProps>(s.row, () => ({
          ...toStationProps(s.row, now),
          distance_m: roundTo(s.distance_m, 0),
          straight_m: roundTo(s.straight_m, 1),
          duration_s: roundTo(s.duration_s, 0),
          walk_s: s.walk_s === null ? null : roundTo(s.walk_s, 0),
          ebike_s: s.ebike_s === null ? null : roundTo(s.ebike_s, 0),
          route: { type: 'LineString', coordinates: s.route.map(([x, y]) => [roundTo(x, 7), roundTo(y, 7)]) },
        })),
      ),
    };
  }

  return {
    async list(filter: StationFilter, now = new Date()): Promise<StationCollection> {
      const rows = await listStations(db, filter).execute();
      return toFeatureCollection<StationRow, Point, StationProps>(rows, (row) => toStationProps(row, now));
    },

    /**
     * The `limit` nearest stations that pass the filters, from the in-memory index (see
     * station-index.ts): by geodesic metres, or with `mode` walk or ebike by travel time along the
     * streets, each with its route. Filters (open at a time included) apply before the limit, and
     * the search widens until it has `limit` stations or none are left.
     */
    async nearest(query: NearestQuery): Promise<NearestStationCollection> {
      const { now, index, predicate, base } = await nearestSearch(query);
      if (base.mode === 'straight') {
        return {
          ...base,
          features: straightHits(query, index, predicate).map(({ row, distance_m }) =>
            toFeature<StationRow, Point, NearestStationProps>(row, () => ({
              ...toStationProps(row, now),
              distance_m,
              straight_m: distance_m,
            })),
          ),
        };
      }
      return { ...base, ...(await byTime(query, base.mode, index, predicate, now)) };
    },

    /**
     * `nearest` as UTF-8 JSON, the same bytes as JSON.stringify(await nearest(query)): the straight
     * answer is put together from each station's JSON, kept with its row (nearest-json.ts).
     */
    async nearestJson(query: NearestQuery): Promise<Buffer> {
      const { now, index, predicate, base } = await nearestSearch(query);
      if (base.mode !== 'straight') {
        return Buffer.from(JSON.stringify({ ...base, ...(await byTime(query, base.mode, index, predicate, now)) }));
      }
      return straightNearestJson(
        base,
        straightHits(query, index, predicate).map(({ row, distance_m }) => ({
          row,
          state: openStateOf(row, now),
          distance_m,
          straight_m: distance_m,
        })),
        (row) => toStationProps(row, now),
      );
    },

    /**
     * "Reachable from the N nearest stations in X min": the stations whose travel time *to* the
     * point is within the minutes, fastest first: along the street network, plus the walks between
     * each end and its street. Walking and e-bikes may
     * use streets both ways, so one search from the point gives every station's time; a car obeys
     * oneway streets, so each station is searched from (bounded by the minutes).
     */
    async reachable(query: ReachableQuery): Promise<ReachableStationCollection> {
      const now = query.now ?? new Date();
      const limit_s = query.minutes * 60;
      const { graph, snap: here } = await routing.snap(query.lng, query.lat, query.mode);
      const rows = (
        await listStations(db, {
          kinds: query.kinds,
          amenities: query.amenities,
          statuses: query.statuses ?? ['active'],
        }).execute()
      ).filter((row) => !query.openNow || toStationProps(row, now).openNow);
      const snapped = rows.flatMap((row) => {
        const [lng, lat] = row.geometry.coordinates as [number, number];
        const snap = snapPoint(graph, lng, lat, query.mode, MAX_SNAP_M);
        return snap ? [{ row, snap }] : [];
      });
      const symmetric = query.mode !== 'car';
      const stationSnaps = snapped.map((s) => s.snap);
      // A car's matrix is one bounded search per station: in a worker thread, behind the limiter.
      const times = await routing.heavy.run(() =>
        routing.compute(graph, {
          kind: 'travelTimes',
          profile: query.mode,
          origins: symmetric ? [here] : stationSnaps,
          targets: symmetric ? stationSnaps : [here],
          limit_s,
        }),
      );
      // Mapped streets stop at a compound's gate: the stretch between the street and the station's
      // door, and between the point and its street, is walked, whatever the mode, and counts too.
      const walkSpeed_mps = WALK_KMH / 3.6;
      const reached = snapped
        .map((s, i) => {
          const walk_m = s.snap.distance_m + here.distance_m;
          return { ...s, network_s: times[i]!, walk_m, duration_s: times[i]! + walk_m / walkSpeed_mps };
        })
        .filter((s) => s.duration_s <= limit_s)
        .sort((a, b) => a.duration_s - b.duration_s)
        .slice(0, query.limit);
      return {
        type: 'FeatureCollection',
        origin: { lng: query.lng, lat: query.lat },
        minutes: query.minutes,
        mode: query.mode,
        features: reached.map(({ row, duration_s, network_s, walk_m }) =>
          toFeature<StationRow, Point, ReachableStationProps>(row, () => ({
            ...toStationProps(row, now),
            duration_s: roundTo(duration_s, 0),
            network_s: roundTo(network_s, 0),
            walk_m: roundTo(walk_m, 0),
          })),
        ),
      };
    },
  };
}
