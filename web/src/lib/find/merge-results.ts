import type { NearestMode } from '../types';
import type { FindFeature } from './find-types';

/** The API's own order: travel time on the streets, else straight metres. */
export function rankKey(feature: FindFeature, mode: NearestMode): number {
  const props = feature.properties;
  return mode === 'straight' ? props.distance_m : (props.duration_s ?? Number.POSITIVE_INFINITY);
}

/**
 * Merges the answers of several requests (one per "either" choice, see needs.ts) into the
 * `limit` best, each station once. Each answer holds its own best `limit`, so the best `limit` of
 * their union are the best of the union of the underlying sets.
 */
export function mergeRanked(answers: FindFeature[][], mode: NearestMode, limit: number): FindFeature[] {
  const byId = new Map<string, FindFeature>();
  for (const answer of answers) {
    for (const feature of answer) if (!byId.has(feature.properties.id)) byId.set(feature.properties.id, feature);
  }
  return [...byId.values()].sort((a, b) => rankKey(a, mode) - rankKey(b, mode)).slice(0, limit);
}
