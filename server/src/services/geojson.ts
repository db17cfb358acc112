import type { Feature, FeatureCollection, Geometry } from 'geojson';

/** Rows with a `geometry` column become features; `toProps` maps the rest (snake_case → camelCase). */
export function toFeatureCollection<R extends { geometry: unknown }, G extends Geometry, P>(
  rows: readonly R[],
  toProps: (row: R) => P,
): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features: rows.map((row) => toFeature<R, G, P>(row, toProps)) };
}

export function toFeature<R extends { geometry: unknown }, G extends Geometry, P>(
  row: R,
  toProps: (row: R) => P,
): Feature<G, P> {
  return { type: 'Feature', geometry: row.geometry as G, properties: toProps(row) };
}

/** Metres and square metres are rounded for the wire: 0.1 m and 1 m² are finer than any source. */
export const roundTo = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
