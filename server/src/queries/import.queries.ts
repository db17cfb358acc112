/**
 * SQL for file imports (issue 8). A file's features go into a temporary staging table first
 * (`import_stage`, dropped when the import's transaction ends), and every check runs set-based
 * over it: one statement for the validity of all features, one for all that stick out of their
 * parent, one for all overlapping pairs, one for all slivers. The rules and tolerances are the
 * planner's saves' (grid-edits.service.ts, checkArea); the statements are the set-based versions
 * of its queries, as topology.queries.ts has them for one community.
 *
 * Each function returns a builder; the importer runs them all in its one transaction.
 */
import type { Geometry } from 'geojson';
import { sql } from 'kysely';
import type { Geom } from '../db/schema';
import {
  areaM2,
  asGeoJson,
  covers,
  difference,
  dumpParts,
  envelope,
  erasedByInwardBuffer,
  expandedBox,
  extentBounds,
  forcePolygonCcw,
  fromGeoJsonText,
  geodesicBuffer,
  interiorsOverlap,
  intersection,
  intersects,
  isEmpty,
  isValid,
  isValidReason,
  invalidLocation,
  latOf,
  lngOf,
  metersBetween,
  multi,
  multiPolygonsOnly,
  perimeterM,
  planarKnn,
  pointOnSurface,
  translated,
  unionAgg,
} from '../db/postgis';

const ref = sql.ref;

/** Which kind of area a check is about: a grid in its community, or a zone in its grid. */
export type StagedArea = 'grid' | 'zone';

/**
 * The staging table: one row per feature (`idx` is the feature's number in the file), with every
 * column any layer needs; the parents (`parent_id` for regions, `community_id`, `grid_id`) are
 * filled in as they are found.
 */
export function createStage() {
  return sql`
    CREATE TEMP TABLE import_stage (
      idx int PRIMARY KEY,
      label text NOT NULL,
      geom geometry(Geometry, 4326) NOT NULL,
      code text, name text, level text, parent_code text, ref text, ref2 text,
      kind text, households int, population int, worker_name text, worker_phone text,
      unit text, address text, amenities text[], opening_hours text, operator text, phone text, status text,
      weight float8,
      parent_id int, community_id int, grid_id uuid,
      valid boolean NOT NULL DEFAULT true
    ) ON COMMIT DROP`;
}

/** The spatial index, once the rows are in (building it after the load is faster than during). */
export function indexStage() {
  return sql`CREATE INDEX import_stage_geom ON import_stage USING gist (geom)`;
}

/** Statistics for the planner: without them it guesses 1,000 rows and may pick nested loops. */
export function analyzeStage() {
  return sql`ANALYZE import_stage`;
}

export type StageRow = {
  idx: number;
  label: string;
  geojson: string;
  code?: string | null;
  name?: string | null;
  level?: string | null;
  parentCode?: string | null;
  ref?: string | null;
  ref2?: string | null;
  kind?: string | null;
  households?: number | null;
  population?: number | null;
  workerName?: string | null;
  workerPhone?: string | null;
  unit?: string | null;
  address?: string | null;
  amenities?: string[] | null;
  openingHours?: string | null;
  operator?: string | null;
  phone?: string | null;
  status?: string | null;
  weight?: number | null;
};

/**
 * One batch of features into the staging table, each column an array parameter (`unnest`), rings
 * turned counter-clockwise (RFC 7946; a Shapefile's outer rings are clockwise).
 * ```sql
 * INSERT INTO import_stage (idx, label, geom, code, …)
 * SELECT i, l, ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), c, … FROM unnest($1::int[], …) AS t(i, l, g, c, …)
 * ```
 */
export function stageRows(rows: StageRow[]) {
  const col = <K extends keyof StageRow>(key: K) => sql.val(rows.map((r) => r[key] ?? null));
  // Postgres has no array of arrays of unequal length: amenities travel as one JSON text each.
  const amenities = sql.val(rows.map((r) => (r.amenities ? JSON.stringify(r.amenities) : null)));
  return sql`
    INSERT INTO import_stage (idx, label, geom, code, name, level, parent_code, ref, ref2, kind, households,
      population, worker_name, worker_phone, unit, address, amenities, opening_hours, operator, phone, status, weight)
    SELECT i, l, ${forcePolygonCcw(fromGeoJsonText(ref('g')))}, c, n, lv, pc, r1, r2, k, h, p, wn, wp, u, a,
      CASE WHEN am IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(am::json)) END, oh, op, ph, st, w
    FROM unnest(${col('idx')}::int[], ${col('label')}::text[], ${col('geojson')}::text[], ${col('code')}::text[],
      ${col('name')}::text[], ${col('level')}::text[], ${col('parentCode')}::text[], ${col('ref')}::text[],
      ${col('ref2')}::text[], ${col('kind')}::text[], ${col('households')}::int[], ${col('population')}::int[],
      ${col('workerName')}::text[], ${col('workerPhone')}::text[], ${col('unit')}::text[], ${col('address')}::text[],
      ${amenities}::text[], ${col('openingHours')}::text[], ${col('operator')}::text[], ${col('phone')}::text[],
      ${col('status')}::text[], ${col('weight')}::float8[])
      AS t(i, l, g, c, n, lv, pc, r1, r2, k, h, p, wn, wp, u, a, am, oh, op, ph, st, w)`;
}

/**
 * Marks each staged row valid or not, and returns the invalid ones with the reason and where.
 * ```sql
 * UPDATE import_stage SET valid = ST_IsValid(geom) … RETURNING idx, ST_IsValidReason(geom), (ST_IsValidDetail(geom)).location
 * ```
 */
export function checkValidity() {
  return sql<{ idx: number; reason: string; location: Geometry | null }>`
    WITH marked AS (UPDATE import_stage SET valid = ${isValid(ref('geom'))} RETURNING idx, valid, geom)
    SELECT idx, ${isValidReason(ref('geom'))} AS reason, ${asGeoJson(invalidLocation(ref('geom')))} AS location
    FROM marked WHERE NOT valid ORDER BY idx`;
}

/** Staged rows whose geometry is empty (a clip took all of it). */
export function emptyStaged() {
  return sql<{ idx: number }>`SELECT idx FROM import_stage WHERE ${isEmpty(ref('geom'))} ORDER BY idx`;
}

// ── Regions ───────────────────────────────────────────────────────────────────────────────────

/** Regions already in the database with any of these codes. */
export function regionsWithCodes(codes: string[]) {
  return sql<{ id: number; code: string; level: string; name: string; parent_id: number | null }>`
    SELECT id, code, level, name, parent_id FROM region WHERE code = ANY(${sql.val(codes)}::text[])`;
}

/**
 * For staged regions of `level` (the rows `idxs`), the region of the level above whose area holds
 * each one's point on surface: in the database (`region_id`) and among the staged rows
 * (`stage_idx`), the smallest if several.
 */
export function regionParentsByContainment(idxs: number[], above: string) {
  const here = pointOnSurface(ref('s.geom'));
  return sql<{ idx: number; region_id: number | null; stage_idx: number | null }>`
    SELECT s.idx,
      (SELECT r.id FROM region r WHERE r.level = ${above} AND ${covers(ref('r.geom'), here)}
        ORDER BY ${areaM2(ref('r.geom'))} LIMIT 1) AS region_id,
      (SELECT p.idx FROM import_stage p WHERE p.level = ${above} AND p.valid AND ${covers(ref('p.geom'), here)}
        ORDER BY ${areaM2(ref('p.geom'))} LIMIT 1) AS stage_idx
    FROM import_stage s WHERE s.idx = ANY(${sql.val(idxs)}::int[]) AND s.valid`;
}

/** The codes of the children of these regions (for numbering new ones after them). */
export function childCodes(parentIds: number[]) {
  return sql<{ parent_id: number; code: string }>`
    SELECT parent_id, code FROM region WHERE parent_id = ANY(${sql.val(parentIds)}::int[])`;
}

/**
 * Writes staged regions (the rows named, with the code and parent decided for each) to `region`;
 * a code already there is updated in place (its id stays, so its grids and scopes stay).
 * ```sql
 * INSERT INTO region (parent_id, level, code, name, geom) SELECT v.parent_id, s.level, v.code, s.name, ST_Multi(s.geom)
 * FROM import_stage s JOIN unnest($idx, $code, $parent) v(idx, code, parent_id) ON v.idx = s.idx
 * ON CONFLICT (code) DO UPDATE SET … RETURNING id, code, (xmax = 0) AS inserted
 * ```
 */
export function writeRegions(rows: { idx: number; code: string; parentId: number | null }[]) {
  return sql<{ id: number; code: string; inserted: boolean }>`
    INSERT INTO region (parent_id, level, code, name, geom)
    SELECT v.parent_id, s.level, v.code, s.name, ${multi(ref('s.geom'))}
    FROM import_stage s
    JOIN unnest(${sql.val(rows.map((r) => r.idx))}::int[], ${sql.val(rows.map((r) => r.code))}::text[],
      ${sql.val(rows.map((r) => r.parentId))}::int[]) AS v(idx, code, parent_id) ON v.idx = s.idx
    ORDER BY s.idx
    ON CONFLICT (code) DO UPDATE SET parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, name = EXCLUDED.name,
      geom = EXCLUDED.geom
    RETURNING id, code, (xmax = 0) AS inserted`;
}

/**
 * The share of each written region's area that lies outside its parent (a warning, not a rule:
 * official outlines of different years and sources rarely nest exactly).
 */
export function regionsOutsideParent(ids: number[], minShare: number) {
  return sql<{ code: string; name: string; parent_code: string; share: number }>`
    SELECT * FROM (
      SELECT c.code, c.name, p.code AS parent_code,
        ${areaM2(multiPolygonsOnly(difference(ref('c.geom'), ref('p.geom'))))} / NULLIF(${areaM2(ref('c.geom'))}, 0) AS share
      FROM region c JOIN region p ON p.id = c.parent_id
      WHERE c.id = ANY(${sql.val(ids)}::int[]) AND NOT ${covers(ref('p.geom'), ref('c.geom'))}) x
    WHERE x.share > ${minShare}::float8 ORDER BY x.share DESC`;
}

// ── Parents of grids, zones and stations ─────────────────────────────────────────────────────

/**
 * Grids find their community by code: the community whose 12 digits begin the grid's code, or the
 * community a reference names (its code, or its name when exactly one community has it).
 */
export function communitiesByCode() {
  // One community per row: by the grid code's prefix first, then by a code, then by a name.
  return sql`
    UPDATE import_stage s SET community_id = m.id
    FROM (
      SELECT DISTINCT ON (t.idx) t.idx, r.id
      FROM import_stage t JOIN region r ON r.level = 'community'
        AND (r.code = left(t.code, 12) OR r.code = t.ref
          OR (r.name = t.ref AND (SELECT count(*) FROM region n WHERE n.level = 'community' AND n.name = t.ref) = 1))
      WHERE t.community_id IS NULL
      ORDER BY t.idx, (r.code = left(t.code, 12)) DESC NULLS LAST, (r.code = t.ref) DESC NULLS LAST) m
    WHERE m.idx = s.idx`;
}

/** Every staged row without a community goes to `communityId` (--parent). */
export function communityForAll(communityId: number) {
  return sql`UPDATE import_stage SET community_id = ${communityId}::int WHERE community_id IS NULL`;
}

/**
 * The rest find it by containment: the community that covers the feature's point on surface (for a
 * point, the point), else the one it overlaps most; only communities under `withinRegion` when given
 * (--parent naming a 街道 or 区). Invalid rows are left alone: an overlay of a bow-tie throws.
 * ```sql
 * UPDATE import_stage s SET community_id = (SELECT r.id FROM region r WHERE r.level = 'community'
 *   AND ST_Covers(r.geom, ST_PointOnSurface(s.geom)) …) WHERE s.community_id IS NULL AND s.valid
 * ```
 */
export function communitiesByContainment(withinRegion: number | null) {
  const within =
    withinRegion === null
      ? sql`true`
      : sql`(r.id = ${withinRegion}::int OR r.parent_id = ${withinRegion}::int
          OR r.parent_id IN (SELECT id FROM region WHERE parent_id = ${withinRegion}::int))`;
  const here = pointOnSurface(ref('s.geom'));
  return sql`
    UPDATE import_stage s SET community_id = COALESCE(
      (SELECT r.id FROM region r WHERE r.level = 'community' AND ${within} AND ${covers(ref('r.geom'), here)}
        ORDER BY r.code LIMIT 1),
      (SELECT r.id FROM region r WHERE r.level = 'community' AND ${within} AND ${intersects(ref('r.geom'), ref('s.geom'))}
        ORDER BY ${areaM2(intersection(ref('r.geom'), ref('s.geom')))} DESC, r.code LIMIT 1))
    WHERE s.community_id IS NULL AND s.valid`;
}

/** Zones find their grid by the grid code they carry. */
export function gridsByCode() {
  return sql`
    UPDATE import_stage s SET grid_id = g.id, community_id = g.community_id FROM grid g
    WHERE s.grid_id IS NULL AND g.code = s.ref`;
}

/**
 * The rest by containment: the grid that covers the zone's point on surface, among the grids of the
 * zone's community when it names one by a code the database knows (`ref2`), or of `withinCommunity`.
 */
export function gridsByContainment(withinCommunity: number | null) {
  return sql`
    UPDATE import_stage s SET grid_id = pick.id, community_id = pick.community_id
    FROM (
      SELECT s2.idx, g.id, g.community_id
      FROM import_stage s2
      CROSS JOIN LATERAL (
        SELECT g.id, g.community_id FROM grid g
        WHERE ${covers(ref('g.geom'), pointOnSurface(ref('s2.geom')))}
          AND (${withinCommunity}::int IS NULL OR g.community_id = ${withinCommunity}::int)
          AND (s2.ref2 IS NULL OR NOT EXISTS (SELECT 1 FROM region WHERE code = s2.ref2)
            OR g.community_id = (SELECT id FROM region WHERE code = s2.ref2))
        ORDER BY g.code LIMIT 1) g
      WHERE s2.grid_id IS NULL AND s2.valid) pick
    WHERE pick.idx = s.idx`;
}

/** Staged rows still without their parent (a community for grids, a grid for zones). */
export function withoutParent(area: StagedArea) {
  const column = area === 'grid' ? sql`community_id` : sql`grid_id`;
  return sql<{ idx: number; code: string | null; ref: string | null; ref2: string | null; valid: boolean }>`
    SELECT idx, code, ref, ref2, valid FROM import_stage WHERE ${column} IS NULL ORDER BY idx`;
}

/** A region by code, with its level (for --parent). */
export function regionByCode(code: string) {
  return sql<{ id: number; level: string; code: string; name: string }>`
    SELECT id, level, code, name FROM region WHERE code = ${code}`;
}

/** A grid by code (for --parent naming a grid, on a zone import). */
export function gridByCode(code: string) {
  return sql<{ id: string; community_id: number; code: string; name: string }>`
    SELECT id, community_id, code, name FROM grid WHERE code = ${code}`;
}

// ── Grid codes ────────────────────────────────────────────────────────────────────────────────

/** Grid codes given twice in the file. */
export function duplicateStagedCodes() {
  return sql<{ code: string; idxs: number[] }>`
    SELECT code, array_agg(idx ORDER BY idx) AS idxs FROM import_stage
    WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1 ORDER BY min(idx)`;
}

/** Staged grids whose code does not start with their community's 12 digits. */
export function codesOutsideCommunity() {
  return sql<{ idx: number; code: string; community_code: string }>`
    SELECT s.idx, s.code, r.code AS community_code FROM import_stage s JOIN region r ON r.id = s.community_id
    WHERE s.code IS NOT NULL AND left(s.code, 12) <> r.code ORDER BY s.idx`;
}

/** Staged codes a grid in the database already holds, outside the communities being replaced. */
export function codesTaken(replacedCommunities: number[]) {
  return sql<{ idx: number; code: string; community_code: string }>`
    SELECT s.idx, s.code, r.code AS community_code
    FROM import_stage s JOIN grid g ON g.code = s.code JOIN region r ON r.id = g.community_id
    WHERE NOT (g.community_id = ANY(${sql.val(replacedCommunities)}::int[])) ORDER BY s.idx`;
}

/** Codes in use by grids of the database that start with these prefixes, outside the replaced communities. */
export function usedGridCodes(prefixes: string[], replacedCommunities: number[]) {
  return sql<{ code: string }>`
    SELECT code FROM grid
    WHERE left(code, 12) = ANY(${sql.val(prefixes)}::text[])
      AND NOT (community_id = ANY(${sql.val(replacedCommunities)}::int[]))`;
}

/** Where each code-less staged grid lies, for numbering west to east and north to south. */
export function stagedPlaces() {
  return sql<{
    idx: number;
    community_id: number;
    community_code: string;
    community_name: string;
    lng: number;
    lat: number;
    bounds: [number, number, number, number];
  }>`
    SELECT s.idx, s.community_id, r.code AS community_code, r.name AS community_name,
      ${lngOf(pointOnSurface(ref('s.geom')))} AS lng, ${latOf(pointOnSurface(ref('s.geom')))} AS lat,
      ${extentBounds(ref('s.geom'))} AS bounds
    FROM import_stage s JOIN region r ON r.id = s.community_id
    WHERE s.code IS NULL AND s.valid
    GROUP BY s.idx, r.code, r.name`;
}

/** Sets codes (and names where there were none) on staged rows. */
export function setStagedCodes(rows: { idx: number; code: string; name: string }[]) {
  return sql`
    UPDATE import_stage s SET code = v.code, name = COALESCE(s.name, v.name)
    FROM unnest(${sql.val(rows.map((r) => r.idx))}::int[], ${sql.val(rows.map((r) => r.code))}::text[],
      ${sql.val(rows.map((r) => r.name))}::text[]) AS v(idx, code, name)
    WHERE s.idx = v.idx`;
}

/** The staged rows' distinct parents: communities (grids) or grids (zones). */
export function stagedParents(area: StagedArea) {
  return area === 'grid'
    ? sql<{ id: string }>`SELECT DISTINCT community_id::text AS id FROM import_stage WHERE community_id IS NOT NULL`
    : sql<{ id: string }>`SELECT DISTINCT grid_id::text AS id FROM import_stage WHERE grid_id IS NOT NULL`;
}

// ── The planner's rules, set-based ────────────────────────────────────────────────────────────

const parentOf = (area: StagedArea) =>
  area === 'grid'
    ? { table: sql`region`, column: sql`community_id`, cast: sql`int` }
    : { table: sql`grid`, column: sql`grid_id`, cast: sql`uuid` };

/**
 * Staged areas that stick out of their parent by more than `tolerance_m` (the parent is buffered
 * once; areas it covers exactly are skipped), with the area outside.
 * ```sql
 * WITH parent AS (SELECT id, geom, ST_Buffer(geom::geography, 1)::geometry AS grown FROM region WHERE id IN (…))
 * SELECT s.idx, ST_Area(ST_Difference(s.geom, p.grown)::geography) FROM import_stage s JOIN parent p …
 * WHERE NOT ST_Covers(p.geom, s.geom) AND NOT ST_IsEmpty(ST_Difference(s.geom, p.grown))
 * ```
 */
export function outsideParentRows(area: StagedArea, tolerance_m: number) {
  const p = parentOf(area);
  return sql<{ idx: number; outside_m2: number; parent_name: string; parent_code: string | null }>`
    WITH parent AS MATERIALIZED (
      SELECT t.id, t.name, t.code, t.geom, ${geodesicBuffer(ref('t.geom'), tolerance_m)} AS grown
      FROM ${p.table} t WHERE t.id IN (SELECT ${p.column} FROM import_stage WHERE valid)),
    measured AS (
      SELECT s.idx, p.name, p.code, ${multiPolygonsOnly(difference(ref('s.geom'), ref('p.grown')))} AS outside
      FROM import_stage s JOIN parent p ON p.id = s.${p.column}
      WHERE s.valid AND NOT ${covers(ref('p.geom'), ref('s.geom'))})
    SELECT idx, ${areaM2(ref('outside'))} AS outside_m2, name AS parent_name, code AS parent_code
    FROM measured WHERE NOT ${isEmpty(ref('outside'))} ORDER BY idx`;
}

/**
 * Pairs of staged siblings (same parent) that overlap by more than `tolerance_m2`, and, with
 * `existing`, staged areas overlapping siblings already in the database (an --append). Only pairs
 * whose interiors meet are measured: in a clean tiling neighbours share edges, and their
 * intersection (a line) costs nothing to rule out.
 * ```sql
 * SELECT a.idx, b.idx, ST_Area(ST_Intersection(a.geom, b.geom)::geography)
 * FROM import_stage a JOIN import_stage b ON b.community_id = a.community_id AND a.idx < b.idx
 *   AND ST_Intersects(a.geom, b.geom) AND ST_Relate(a.geom, b.geom, '2********')
 * ```
 */
export function overlapRows(area: StagedArea, tolerance_m2: number, existing: boolean) {
  const p = parentOf(area);
  const existingPairs = existing
    ? sql`
      UNION ALL
      SELECT a.idx, NULL::int AS other_idx, e.id::text AS other_id, ${area === 'grid' ? sql`e.code` : sql`NULL::text`} AS other_code,
        e.name AS other_name, ${areaM2(multiPolygonsOnly(intersection(ref('a.geom'), ref('e.geom'))))} AS overlap_m2
      FROM import_stage a JOIN ${sql.table(area)} e ON e.${p.column} = a.${p.column}
        AND ${intersects(ref('a.geom'), ref('e.geom'))} AND ${interiorsOverlap(ref('a.geom'), ref('e.geom'))}
      WHERE a.valid`
    : sql``;
  return sql<{
    idx: number;
    other_idx: number | null;
    other_id: string | null;
    other_code: string | null;
    other_name: string | null;
    overlap_m2: number;
  }>`
    SELECT * FROM (
      SELECT a.idx, b.idx AS other_idx, NULL::text AS other_id, b.code AS other_code, b.name AS other_name,
        ${areaM2(multiPolygonsOnly(intersection(ref('a.geom'), ref('b.geom'))))} AS overlap_m2
      FROM import_stage a JOIN import_stage b ON b.${p.column} = a.${p.column} AND a.idx < b.idx
        AND ${intersects(ref('a.geom'), ref('b.geom'))} AND ${interiorsOverlap(ref('a.geom'), ref('b.geom'))}
      WHERE a.valid AND b.valid
      ${existingPairs}) o
    WHERE o.overlap_m2 > ${tolerance_m2}::float8
    ORDER BY o.idx, o.other_idx`;
}

/**
 * The parts of staged areas that are slivers: smaller than `minArea_m2`, or erased by an inward
 * buffer of `halfWidth_m`. The buffer (a projection and a GEOS buffer per part) runs only where it
 * can matter: a part erased by an inward buffer of r lies within r of its boundary, so its area is
 * at most that of the band of half-width r along its boundary, 2·r·perimeter + π·r². A part with
 * more area than that cannot be erased, and is not tested (a 50,000 m² grid with a 1 km perimeter
 * is 25 times over).
 * ```sql
 * SELECT s.idx, ST_Area(p::geography), CASE WHEN area < 20 THEN true WHEN area > 2 * 1 * perimeter + pi THEN false
 *   ELSE ST_IsEmpty(ST_Buffer(p::geography, -1)::geometry) END FROM import_stage s, ST_Dump(s.geom)
 * ```
 */
export function sliverRows(halfWidth_m: number, minArea_m2: number) {
  return sql<{ idx: number; area_m2: number; narrow: boolean }>`
    SELECT * FROM (
      SELECT d.idx, d.area_m2,
        CASE WHEN d.area_m2 < ${minArea_m2}::float8 THEN false
          WHEN d.area_m2 > 2 * ${halfWidth_m}::float8 * d.perimeter_m + pi() * ${halfWidth_m}::float8 ^ 2 THEN false
          ELSE ${erasedByInwardBuffer(ref('d.part'), halfWidth_m)} END AS narrow
      FROM (
        SELECT p.idx, p.part, ${areaM2(ref('p.part'))} AS area_m2, ${perimeterM(ref('p.part'))} AS perimeter_m
        FROM (SELECT s.idx, ${dumpParts(ref('s.geom'))} AS part FROM import_stage s WHERE s.valid) p) d) x
    WHERE x.area_m2 < ${minArea_m2}::float8 OR x.narrow
    ORDER BY x.idx, x.area_m2`;
}

/**
 * The clip_to_community / clip_to_grid fix for the rows named: each keeps only its part inside
 * its parent.
 */
export function clipToParent(area: StagedArea, idxs: number[]) {
  const p = parentOf(area);
  return sql`
    UPDATE import_stage s SET geom = ${multiPolygonsOnly(intersection(ref('s.geom'), ref('t.geom')))}
    FROM ${p.table} t WHERE t.id = s.${p.column} AND s.idx = ANY(${sql.val(idxs)}::int[])`;
}

/**
 * The clip_to_neighbours fix for the rows named: each loses what the siblings before it in the
 * file (and, with `existing`, the siblings in the database) already cover. One statement reads the
 * rows as they were before it: subtracting the unclipped earlier siblings takes the same area as
 * subtracting them one by one after each was clipped, since a clip only removes what an even
 * earlier sibling covers, and that one is subtracted too.
 */
export function clipToEarlier(area: StagedArea, idxs: number[], existing: boolean) {
  const p = parentOf(area);
  const earlier = sql<Geom>`(SELECT ${unionAgg(ref('b.geom'))} FROM import_stage b
    WHERE b.${p.column} = s.${p.column} AND b.idx < s.idx AND b.valid AND ${intersects(ref('b.geom'), ref('s.geom'))})`;
  const inDatabase = existing
    ? sql<Geom>`(SELECT ${unionAgg(ref('e.geom'))} FROM ${sql.table(area)} e
        WHERE e.${p.column} = s.${p.column} AND ${intersects(ref('e.geom'), ref('s.geom'))})`
    : sql<Geom>`NULL::geometry`;
  return sql`
    UPDATE import_stage s
    SET geom = ${multiPolygonsOnly(difference(difference(ref('s.geom'), earlier), inDatabase))}
    WHERE s.idx = ANY(${sql.val(idxs)}::int[])`;
}

// ── The coordinate-system check ───────────────────────────────────────────────────────────────

/** Reference polygons the staged areas should lie in: communities for grids, grids for zones, … */
export type Reference = { table: 'region'; level: string } | { table: 'grid' };

/** How many reference features there are near the staged rows (none: nothing to compare with). */
export function referenceCount(reference: Reference | 'road', bbox: [number, number, number, number]) {
  // 0.05° (about 5 km) around the file: a reading off by a kilometre still finds its neighbours.
  const near = expandedBox(envelope(bbox), 0.05);
  if (reference === 'road')
    return sql<{ n: number }>`SELECT count(*)::int AS n FROM road WHERE ${intersects(ref('geom'), near)}`;
  const where = reference.table === 'region' ? sql`level = ${reference.level} AND` : sql``;
  return sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM ${sql.table(reference.table)} WHERE ${where} ${intersects(ref('geom'), near)}`;
}

/**
 * The share of a sample of staged areas that lies inside the reference polygons, with the sample
 * moved by (dLng, dLat): the fit of one reading of the file's coordinates. Reference polygons of
 * one level do not overlap, so the intersections with each add up to the intersection with all.
 */
export function areaFit(reference: Reference, dLng: number, dLat: number, sample: number) {
  const where = reference.table === 'region' ? sql`r.level = ${reference.level}` : sql`true`;
  return sql<{ share: number | null }>`
    WITH moved AS MATERIALIZED (
      SELECT ${translated(ref('geom'), dLng, dLat)} AS geom FROM import_stage WHERE valid
      ORDER BY md5(idx::text) LIMIT ${sample}::int)
    SELECT (SELECT sum(${areaM2(multiPolygonsOnly(intersection(ref('m.geom'), ref('r.geom'))))})
        FROM moved m JOIN ${sql.table(reference.table)} r ON ${where} AND ${intersects(ref('r.geom'), ref('m.geom'))})
      / NULLIF((SELECT sum(${areaM2(ref('geom'))}) FROM moved), 0) AS share`;
}

/** The share of a sample of staged points, moved by (dLng, dLat), that lies in a community. */
export function pointFit(dLng: number, dLat: number, sample: number) {
  return sql<{ share: number | null }>`
    WITH moved AS MATERIALIZED (
      SELECT ${translated(ref('geom'), dLng, dLat)} AS geom FROM import_stage WHERE valid
      ORDER BY md5(idx::text) LIMIT ${sample}::int)
    SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM region r WHERE r.level = 'community' AND ${covers(ref('r.geom'), ref('m.geom'))})
      THEN 1 ELSE 0 END)::float8 AS share
    FROM moved m`;
}

/** The median distance from a sample of staged points, moved by (dLng, dLat), to the nearest road. */
export function roadFit(dLng: number, dLat: number, sample: number) {
  return sql<{ median_m: number | null }>`
    WITH moved AS MATERIALIZED (
      SELECT ${translated(ref('geom'), dLng, dLat)} AS geom FROM import_stage WHERE valid
      ORDER BY md5(idx::text) LIMIT ${sample}::int)
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d.m) AS median_m
    FROM (SELECT (SELECT min(${metersBetween(ref('k.geom'), ref('m.geom'))})
                  FROM (SELECT r.geom FROM road r ORDER BY ${planarKnn(ref('r.geom'), ref('m.geom'))} LIMIT 5) k) AS m
          FROM moved m) d`;
}

// ── Writing ───────────────────────────────────────────────────────────────────────────────────

/** A row's whole state as history keeps it; the same expression as snapshotOf in grid-edits.queries.ts. */
const snapshotOf = (alias: string) =>
  sql`jsonb_build_object('geometry', ST_AsGeoJSON(${sql.ref(`${alias}.geom`)}, 7)::jsonb,
    'properties', to_jsonb(${sql.table(alias)}) - 'geom')`;

/** How many rows an import would replace (or add beside, with --append). */
export function existingCount(area: 'grid' | 'zone' | 'station' | 'demand_point', kinds?: string[]) {
  if (area === 'grid') {
    return sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM grid WHERE community_id IN (SELECT community_id FROM import_stage)`;
  }
  if (area === 'zone') {
    return sql<{ n: number }>`SELECT count(*)::int AS n FROM zone WHERE grid_id IN (SELECT grid_id FROM import_stage)`;
  }
  if (area === 'station') return sql<{ n: number }>`SELECT count(*)::int AS n FROM station`;
  return sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM demand_point WHERE kind = ANY(${sql.val(kinds ?? [])}::text[])`;
}

/**
 * Before grids are replaced, their zones' state: after the new grids go in, each zone moves to the
 * new grid that holds it, and its history row needs the state before.
 */
export function captureZonesOfReplacedGrids() {
  return sql`
    CREATE TEMP TABLE import_zone_before ON COMMIT DROP AS
    SELECT z.id, ${snapshotOf('z')} AS before FROM zone z JOIN grid g ON g.id = z.grid_id
    WHERE g.community_id IN (SELECT community_id FROM import_stage)`;
}

type HistoryEntry = { userId: number | null; changeId: string };

/**
 * Deletes the grids of the staged communities, each with a history row ('import', after NULL), so a
 * restore can bring any of them back.
 */
export function deleteGridsOfStagedCommunities(entry: HistoryEntry) {
  return sql<{ n: number }>`
    WITH del AS (DELETE FROM grid WHERE community_id IN (SELECT community_id FROM import_stage) RETURNING *),
    hist AS (
      INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
      SELECT 'grid', del.id, del.version, 'import', ${snapshotOf('del')}, NULL, ${entry.userId}::int, ${entry.changeId}::uuid
      FROM del RETURNING 1)
    SELECT count(*)::int AS n FROM hist`;
}

/** Inserts the staged grids, in file order, each with a history row ('import', before NULL). */
export function insertStagedGrids(entry: HistoryEntry) {
  return sql<{ n: number }>`
    WITH ins AS (
      INSERT INTO grid (community_id, code, name, kind, households, population, worker_name, worker_phone, geom, updated_by)
      SELECT s.community_id, s.code, s.name, s.kind, s.households, s.population, s.worker_name, s.worker_phone,
        ${multi(ref('s.geom'))}, ${entry.userId}::int
      FROM import_stage s ORDER BY s.idx
      RETURNING *),
    hist AS (
      INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
      SELECT 'grid', ins.id, ins.version, 'import', NULL, ${snapshotOf('ins')}, ${entry.userId}::int, ${entry.changeId}::uuid
      FROM ins RETURNING 1)
    SELECT count(*)::int AS n FROM hist`;
}

/**
 * The zones whose grids were replaced join the new grid of their community that holds their point
 * on surface (or stay in no grid), each at version + 1 with a history row in the import's change.
 */
export function readoptZones(entry: HistoryEntry) {
  return sql<{ id: string; grid_id: string | null }>`
    WITH moved AS (
      UPDATE zone z SET grid_id = (
          SELECT g.id FROM grid g WHERE g.community_id = z.community_id
            AND ${covers(ref('g.geom'), pointOnSurface(ref('z.geom')))} ORDER BY g.code LIMIT 1),
        version = z.version + 1, updated_at = now(), updated_by = ${entry.userId}::int
      FROM import_zone_before b WHERE z.id = b.id
      RETURNING z.*),
    hist AS (
      INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
      SELECT 'zone', moved.id, moved.version, 'import', b.before, ${snapshotOf('moved')}, ${entry.userId}::int,
        ${entry.changeId}::uuid
      FROM moved JOIN import_zone_before b ON b.id = moved.id RETURNING 1)
    SELECT moved.id, moved.grid_id FROM moved`;
}

/** Deletes the zones of the staged zones' grids, each with a history row. */
export function deleteZonesOfStagedGrids(entry: HistoryEntry) {
  return sql<{ n: number }>`
    WITH del AS (DELETE FROM zone WHERE grid_id IN (SELECT grid_id FROM import_stage) RETURNING *),
    hist AS (
      INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
      SELECT 'zone', del.id, del.version, 'import', ${snapshotOf('del')}, NULL, ${entry.userId}::int, ${entry.changeId}::uuid
      FROM del RETURNING 1)
    SELECT count(*)::int AS n FROM hist`;
}

/** Inserts the staged zones, each with a history row. */
export function insertStagedZones(entry: HistoryEntry) {
  return sql<{ n: number }>`
    WITH ins AS (
      INSERT INTO zone (community_id, grid_id, name, unit, geom, updated_by)
      SELECT s.community_id, s.grid_id, s.name, s.unit, ${multi(ref('s.geom'))}, ${entry.userId}::int
      FROM import_stage s ORDER BY s.idx
      RETURNING *),
    hist AS (
      INSERT INTO edit_history (table_name, row_id, version, action, before, after, user_id, change_id)
      SELECT 'zone', ins.id, ins.version, 'import', NULL, ${snapshotOf('ins')}, ${entry.userId}::int, ${entry.changeId}::uuid
      FROM ins RETURNING 1)
    SELECT count(*)::int AS n FROM hist`;
}

/** `DELETE FROM station` (a --replace of the station list). */
export function deleteAllStations() {
  return sql<{ n: number }>`WITH del AS (DELETE FROM station RETURNING 1) SELECT count(*)::int AS n FROM del`;
}

/** Communities for staged points: the community whose area covers each (left NULL outside all). */
export function stationCommunities() {
  return sql`
    UPDATE import_stage s SET community_id = (
      SELECT r.id FROM region r WHERE r.level = 'community' AND ${covers(ref('r.geom'), ref('s.geom'))} ORDER BY r.code LIMIT 1)
    WHERE s.community_id IS NULL`;
}

/** Inserts the staged stations. */
export function insertStagedStations(userId: number | null) {
  return sql<{ n: number }>`
    WITH ins AS (
      INSERT INTO station (kind, name, address, geom, amenities, opening_hours, operator, phone, status, community_id, updated_by)
      SELECT s.kind, s.name, s.address, s.geom, s.amenities, s.opening_hours, s.operator, s.phone, s.status,
        s.community_id, ${userId}::int
      FROM import_stage s ORDER BY s.idx RETURNING 1)
    SELECT count(*)::int AS n FROM ins`;
}

/** Deletes the demand points of these kinds (a --replace keeps the kinds the file does not hold). */
export function deleteDemand(kinds: string[]) {
  return sql<{ n: number }>`
    WITH del AS (DELETE FROM demand_point WHERE kind = ANY(${sql.val(kinds)}::text[]) RETURNING 1)
    SELECT count(*)::int AS n FROM del`;
}

/** Inserts the staged demand points. */
export function insertStagedDemand() {
  return sql<{ n: number }>`
    WITH ins AS (
      INSERT INTO demand_point (kind, weight, geom) SELECT s.kind, s.weight, s.geom FROM import_stage s ORDER BY s.idx
      RETURNING 1)
    SELECT count(*)::int AS n FROM ins`;
}

/** Every staged zone without a grid goes to grid `gridId` (--parent naming a grid). */
export function gridForAll(gridId: string, communityId: number) {
  return sql`UPDATE import_stage SET grid_id = ${gridId}::uuid, community_id = ${communityId}::int WHERE grid_id IS NULL`;
}

/**
 * The staged rows outside a planner's scopes (region ids, each with everything below it): those
 * whose community is not among the regions under the scopes and, for stations in no community, whose
 * point lies in no scope region (as a station edit checks it). Grids and zones in no community are
 * left out: their missing parent is a problem already.
 * ```sql
 * WITH RECURSIVE allowed AS (SELECT id FROM region WHERE id = ANY($1)
 *   UNION SELECT r.id FROM region r JOIN allowed a ON r.parent_id = a.id)
 * SELECT s.idx, c.code, c.name FROM import_stage s LEFT JOIN region c ON c.id = s.community_id
 * WHERE s.community_id NOT IN (SELECT id FROM allowed) OR (s.community_id IS NULL AND $2 AND NOT EXISTS (…ST_Covers…))
 * ```
 */
export function stagedOutsideScopes(scopes: number[], pointsInNoCommunity: boolean) {
  const ids = sql.val(scopes);
  return sql<{ idx: number; community_code: string | null; community_name: string | null }>`
    WITH RECURSIVE allowed AS (
      SELECT id FROM region WHERE id = ANY(${ids}::int[])
      UNION SELECT r.id FROM region r JOIN allowed a ON r.parent_id = a.id)
    SELECT s.idx, c.code AS community_code, c.name AS community_name
    FROM import_stage s LEFT JOIN region c ON c.id = s.community_id
    WHERE (s.community_id IS NOT NULL AND s.community_id NOT IN (SELECT id FROM allowed))
      OR (s.community_id IS NULL AND ${pointsInNoCommunity}::boolean AND NOT EXISTS (
        SELECT 1 FROM region r WHERE r.id = ANY(${ids}::int[]) AND ${covers(ref('r.geom'), ref('s.geom'))}))
    ORDER BY s.idx`;
}
