import type { Point } from 'geojson';
import type { NearestStationProps, StationProps } from '../contracts';
import { toFeature } from './geojson';
import type { OpenState } from './opening-hours';
import type { StationRow } from './station-index';

/**
 * A straight-line nearest answer as UTF-8 JSON, byte for byte what JSON.stringify gives for the same
 * collection, from pieces of each station's JSON (already UTF-8) kept while its row is in the index.
 * At thousands of requests a second, serializing and encoding five features (Chinese names and
 * addresses, amenity lists) was a fifth of the route's time; only the open state and the distances
 * change per request. tests/api/fast-path.test.ts (`stations.nearestJson`) compares the two on random
 * answers.
 */

/** Stand-ins for the per-request values; they only ever appear as whole JSON strings. */
const SLOTS = ['openNow', 'openState', 'distance_m', 'straight_m'].map((name) => `@@wangge-slot:${name}@@`);
const SLOT_PATTERN = new RegExp(SLOTS.map((s) => JSON.stringify(s)).join('|'));

/** A station's feature JSON, cut where the per-request values go (five pieces, four slots). */
const pieces = new WeakMap<StationRow, readonly Buffer[]>();

function piecesOf(row: StationRow, props: (row: StationRow) => StationProps): readonly Buffer[] {
  let cut = pieces.get(row);
  if (!cut) {
    // Overwriting keys keeps their place, so the order is the one the features have.
    const feature = toFeature<StationRow, Point, Record<string, unknown>>(row, (r) => ({
      ...props(r),
      openNow: SLOTS[0],
      openState: SLOTS[1],
      distance_m: SLOTS[2],
      straight_m: SLOTS[3],
    }));
    const text = JSON.stringify(feature).split(SLOT_PATTERN);
    // A quoted slot can only be one of ours: quotes inside station text are escaped.
    if (text.length !== SLOTS.length + 1) throw new Error(`station ${row.id}: its JSON could not be cut into pieces`);
    cut = text.map((t) => Buffer.from(t));
    pieces.set(row, cut);
  }
  return cut;
}

const openStateJson = (state: NearestStationProps['openState']) =>
  `{"open":${state.open},"nextChange":${state.nextChange === null ? 'null' : JSON.stringify(state.nextChange)}}`;

export type StraightHitJson = { row: StationRow; state: OpenState; distance_m: number; straight_m: number };

/**
 * `head` is the collection without its features (type, origin, mode, at), in the order JSON.stringify
 * would write them; `props` is toStationProps, for the pieces a row doesn't have yet.
 */
export function straightNearestJson(
  head: Record<string, unknown>,
  hits: readonly StraightHitJson[],
  props: (row: StationRow) => StationProps,
): Buffer {
  const chunks: (Buffer | string)[] = [`${JSON.stringify(head).slice(0, -1)},"features":[`];
  hits.forEach((hit, i) => {
    const p = piecesOf(hit.row, props);
    const state = { open: hit.state.open, nextChange: hit.state.nextChange?.toISOString() ?? null };
    chunks.push(
      i === 0 ? '' : ',',
      p[0]!,
      JSON.stringify(state.open),
      p[1]!,
      openStateJson(state),
      p[2]!,
      JSON.stringify(hit.distance_m),
      p[3]!,
      JSON.stringify(hit.straight_m),
      p[4]!,
    );
  });
  chunks.push(']}');
  // One buffer, written in place: concatenating strings and encoding them again is what this saves.
  let length = 0;
  for (const c of chunks) length += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  const body = Buffer.allocUnsafe(length);
  let at = 0;
  for (const c of chunks) at += typeof c === 'string' ? body.write(c, at) : c.copy(body, at);
  return body;
}
