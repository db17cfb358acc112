import { type RawBuilder, sql } from 'kysely';
import type { Geometry, MultiPolygon } from 'geojson';
import type { Queryable } from '../db/queryable';
import type { DB, Geom } from '../db/schema';
import {
  areaM2,
  asGeoJson,
  difference,
  fromGeoJson,
  geodesicBuffer,
  intersection,
  intersects,
  makeValid,
  polygonsOnly,
  unionAgg,
  withinMeters,
} from '../db/postgis';
import type { StationKind } from './stations.queries';

export type DemandKind = 'household' | 'worker';

export type CoverageRow = {
  circles: { station_id: string; name: string; kind: StationKind; geometry: Geometry }[] | null;
  /** The cover clipped to the target region. */
  reach: Geometry | null;
  regions:
    | {
        id: number;
        code: string;
        name: string;
        level: DB['region']['level'];
        is_target: boolean;
        area_m2: number;
        covered_area_m2: number;
        population: number;
        covered_population: number;
      }[]
    | null;
  gaps: { geometry: Geometry; area_m2: number; population: number }[] | null;
};

const ref = (name: string) => sql.ref(name) as RawBuilder<Geom>;

/**
 * What covers the region: geodesic circles around stations, or a given (isochrone) geometry, as
 * GeoJSON or its text.
 */
export type Cover =
  | { method: 'radius'; radius_m: number; kinds: StationKind[] | undefined }
  | { method: 'network'; geometry: MultiPolygon | string };

/**
 * Coverage of one region in a single round trip. The cover is either a geodesic circle around each
 * active station within `radius_m` of the region (their union), or a given geometry (the street-
 * network isochrones of the stations). The cover is intersected with the region and each child
 * region; the gaps are the region minus the cover, one row per disjoint polygon.
 *
 * Population is the sum of demand-point weights; a point counts as covered when it lies in the
 * cover, so covered + gap populations add up to the total exactly.
 */
export function coverage(db: Queryable, args: { regionId: number; cover: Cover; demand: DemandKind[] }) {
  const demand = sql.val(args.demand);
  const cover = args.cover;
  const stationCircles =
    cover.method === 'radius'
      ? sql`
        SELECT s.id, s.name, s.kind, ${geodesicBuffer(ref('s.geom'), cover.radius_m)} AS circle
        FROM station s, target
        WHERE s.status = 'active'
          ${cover.kinds?.length ? sql`AND s.kind = ANY(${sql.val(cover.kinds)}::text[])` : sql``}
          AND ${withinMeters(ref('s.geom'), ref('target.geom'), cover.radius_m)}`
      : sql`SELECT NULL::uuid AS id, NULL::text AS name, NULL::text AS kind, NULL::geometry AS circle WHERE false`;
  const coverGeometry =
    cover.method === 'radius'
      ? sql`SELECT ${unionAgg(ref('circle'))} AS geom FROM station_circle`
      : // Polygons only: the traced isochrone can touch itself at one rounded vertex, and ST_MakeValid
        // then returns a GeometryCollection (the polygon plus a 2-cm LineString). On PostGIS 3.3 /
        // GEOS 3.11, ST_Intersects has no cached path for a collection (no point-in-polygon
        // short-circuit, no prepared geometry), so each of the ~10k demand points re-read the 10k-vertex
        // cover: 19 s for one district. A MultiPolygon takes the cached path (8.5 s → 50 ms for the
        // points). PostGIS 3.6 caches collections too, which is why embedded mode never showed it.
        sql`SELECT ${polygonsOnly(makeValid(fromGeoJson(cover.geometry)))} AS geom`;
  return sql<CoverageRow>`
    WITH target AS (
      SELECT id, geom FROM region WHERE id = ${args.regionId}
    ),
    station_circle AS (${stationCircles}),
    cover AS (${coverGeometry}),
    area AS (
      SELECT reg.id, reg.code, reg.name, reg.level, reg.geom, reg.id = target.id AS is_target
      FROM region reg, target
      WHERE reg.id = target.id OR reg.parent_id = target.id
    ),
    area_stats AS (
      SELECT a.id, a.code, a.name, a.level, a.is_target,
        ${areaM2(ref('a.geom'))}::float8 AS area_m2,
        COALESCE(${areaM2(intersection(ref('a.geom'), ref('cover.geom')))}, 0)::float8 AS covered_area_m2,
        COALESCE(people.total, 0)::float8 AS population,
        COALESCE(people.covered, 0)::float8 AS covered_population
      FROM area a
      CROSS JOIN cover
      LEFT JOIN LATERAL (
        SELECT sum(d.weight) AS total,
          sum(d.weight) FILTER (WHERE cover.geom IS NOT NULL AND ${intersects(ref('cover.geom'), ref('d.geom'))}) AS covered
        FROM demand_point d
        WHERE d.kind = ANY(${demand}::text[]) AND ${intersects(ref('a.geom'), ref('d.geom'))}
      ) people ON true
    ),
    gap AS (
      SELECT (ST_Dump(${polygonsOnly(difference(ref('target.geom'), ref('cover.geom')))})).geom AS geom
      FROM target CROSS JOIN cover
    )
    SELECT
      (SELECT json_agg(json_build_object('station_id', id, 'name', name, 'kind', kind,
         'geometry', ${asGeoJson(ref('circle'))}) ORDER BY name) FROM station_circle) AS circles,
      (SELECT ${asGeoJson(polygonsOnly(intersection(ref('target.geom'), ref('cover.geom'))))}
         FROM target CROSS JOIN cover WHERE cover.geom IS NOT NULL) AS reach,
      (SELECT json_agg(row_to_json(area_stats)) FROM area_stats) AS regions,
      (SELECT json_agg(json_build_object('geometry', ${asGeoJson(ref('g.geom'))},
         'area_m2', ${areaM2(ref('g.geom'))},
         'population', (SELECT COALESCE(sum(d.weight), 0) FROM demand_point d
                        WHERE d.kind = ANY(${demand}::text[]) AND ${intersects(ref('g.geom'), ref('d.geom'))}))
         ORDER BY ${areaM2(ref('g.geom'))} DESC) FROM gap g) AS gaps
  `;
}

/**
 * A fingerprint of the data coverage depends on: the change counters of its tables (bumped by a
 * trigger on every write, geometry edits included; see migration 20261122T1809), so cached coverage
 * results are never served stale, and checking costs one index scan.
 * ```sql
 * SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS stamp FROM data_version
 *  WHERE table_name IN ('dataset', 'demand_point', 'region', 'road', 'station')
 * ```
 */
export function coverageDataStamp() {
  return sql<{ stamp: string }>`
    SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS stamp FROM data_version
     WHERE table_name IN ('dataset', 'demand_point', 'region', 'road', 'station')`;
}
