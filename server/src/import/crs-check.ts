/**
 * Does the file look as if it needed a coordinate conversion it was not given?
 *
 * In China, GCJ-02 positions sit about 300–600 m from WGS84 (north-east of it in Guiyang), and
 * BD-09 another 700 m or so beyond GCJ-02. Data read in the wrong system is therefore shifted by a
 * few hundred metres against what the database already holds: grids poke out of their communities,
 * stations stand away from the streets. So the staged features (read in the system given, or
 * WGS84) are compared with the database's own layers, and again moved as if they had been read in
 * each other system:
 *  - areas (regions, grids, zones) by the share of their area that lies inside the reference
 *    polygons (the communities for grids, the grids for zones, the level above for regions);
 *  - points (stations, demand) by their median distance to the nearest road (or, with no roads,
 *    by the share inside the communities).
 * Over a city the offset between two systems is nearly constant (it changes by a few metres over
 * ten kilometres), so "read as X" is tried as a translation by the offset at the data's centre,
 * on a sample of up to 200 features. A reading that fits clearly better is suggested; the import
 * itself never changes the system it was told.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { areaFit, pointFit, type Reference, referenceCount, roadFit } from '../queries/import.queries';
import { CRS_LABEL, CRS_VALUES, type Crs, toWgs84 } from './crs';

type Tx = Kysely<DB> | Transaction<DB>;

const SAMPLE = 200;

export type CrsCheck = {
  /** What the features were compared with, e.g. "the 12 communities around the file". */
  reference: string | null;
  measure: 'share_inside' | 'median_road_distance_m';
  /** The fit of each reading: a share inside (higher is better) or metres to a road (lower is better). */
  readings: { crs: Crs; value: number | null; offset_m: number }[];
  given: Crs;
  suggestion: Crs | null;
  message: string;
};

/** Metres between two lng/lat points, on a sphere (enough to describe an offset). */
function offsetMeters(a: [number, number], b: [number, number]) {
  const rad = Math.PI / 180;
  const dx = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * rad) * 111_320;
  const dy = (b[1] - a[1]) * 110_574;
  return Math.hypot(dx, dy);
}

const percent = (share: number) => `${(100 * share).toFixed(1)} %`;

export async function checkCrs(
  tx: Tx,
  input: {
    given: Crs;
    /** Whether the caller named `given` (--crs), or it is the WGS84 default. */
    explicit: boolean;
    /** The centre of the file's raw coordinates (before any conversion). */
    rawCentre: [number, number];
    bbox: [number, number, number, number];
    reference: { what: string; ref: Reference } | 'road-or-communities';
  },
): Promise<CrsCheck> {
  const givenPoint = toWgs84(input.given)(...input.rawCentre);
  const readings = CRS_VALUES.map((crs) => {
    const p = toWgs84(crs)(...input.rawCentre);
    return { crs, dLng: p[0] - givenPoint[0], dLat: p[1] - givenPoint[1], offset_m: offsetMeters(givenPoint, p) };
  });

  let reference: { what: string; ref: Reference | 'road' | 'points-in-communities' } | null = null;
  if (input.reference === 'road-or-communities') {
    const roads = (await referenceCount('road', input.bbox).execute(tx)).rows[0]!.n;
    if (roads > 0) reference = { what: `the ${roads} road segments around the file`, ref: 'road' };
    else {
      const communities = (await referenceCount({ table: 'region', level: 'community' }, input.bbox).execute(tx))
        .rows[0]!.n;
      if (communities > 0) {
        reference = {
          what: `the ${communities} communities around the file`,
          ref: 'points-in-communities',
        };
      }
    }
  } else {
    const n = (await referenceCount(input.reference.ref, input.bbox).execute(tx)).rows[0]!.n;
    if (n > 0) reference = { what: `the ${n} ${input.reference.what} around the file`, ref: input.reference.ref };
  }
  const measure = reference?.ref === 'road' ? 'median_road_distance_m' : 'share_inside';
  if (!reference) {
    return {
      reference: null,
      measure,
      readings: readings.map((r) => ({ crs: r.crs, value: null, offset_m: r.offset_m })),
      given: input.given,
      suggestion: null,
      message: input.explicit
        ? `nothing in the database to compare with yet; the coordinates were read as ${CRS_LABEL[input.given]}, as --crs says.`
        : 'nothing in the database to compare with yet, so the coordinates were taken as WGS84. ' +
          'If the file came from 高德, 腾讯 or DataV (GCJ-02) or from 百度 (BD-09), import it again with --crs gcj02 or --crs bd09.',
    };
  }
  const values: { crs: Crs; value: number | null; offset_m: number }[] = [];
  for (const r of readings) {
    const value =
      reference.ref === 'road'
        ? (await roadFit(r.dLng, r.dLat, SAMPLE).execute(tx)).rows[0]!.median_m
        : reference.ref === 'points-in-communities'
          ? (await pointFit(r.dLng, r.dLat, SAMPLE).execute(tx)).rows[0]!.share
          : (await areaFit(reference.ref, r.dLng, r.dLat, SAMPLE).execute(tx)).rows[0]!.share;
    values.push({ crs: r.crs, value: value === null ? null : Number(value), offset_m: r.offset_m });
  }
  const given = values.find((v) => v.crs === input.given)!;
  const others = values.filter((v) => v.crs !== input.given && v.value !== null);
  let suggestion: (typeof values)[number] | undefined;
  if (given.value !== null && others.length) {
    if (measure === 'share_inside') {
      // Clearly better: at least 5 points more inside, and at most a third as much outside.
      const best = others.reduce((a, b) => (b.value! > a.value! ? b : a));
      if (best.value! - given.value >= 0.05 && 1 - best.value! <= (1 - given.value) / 3) suggestion = best;
    } else {
      // Clearly better: half the distance or less, and at least 100 m nearer.
      const best = others.reduce((a, b) => (b.value! < a.value! ? b : a));
      if (best.value! <= given.value / 2 && given.value - best.value! >= 100) suggestion = best;
    }
  }
  const describe = (v: (typeof values)[number]) =>
    v.value === null
      ? 'n/a'
      : measure === 'share_inside'
        ? `${percent(v.value)} inside`
        : `median ${Math.round(v.value)} m from a road`;
  const table = values
    .map(
      (v) =>
        `${CRS_LABEL[v.crs]}${v.crs === input.given ? ' (as given)' : ` (moved ${Math.round(v.offset_m)} m)`}: ${describe(v)}`,
    )
    .join('; ');
  const message = suggestion
    ? `the data looks like ${CRS_LABEL[suggestion.crs]}, not ${CRS_LABEL[input.given]}: against ${reference.what}, ${table}. ` +
      `Import it again with --crs ${suggestion.crs}.`
    : `the coordinates fit ${reference.what} as ${CRS_LABEL[input.given]} (${table}).`;
  return {
    reference: reference.what,
    measure,
    readings: values,
    given: input.given,
    suggestion: suggestion?.crs ?? null,
    message,
  };
}
