/**
 * The API's request and response shapes, one file per feature; this barrel re-exports them all.
 *
 * The web app imports the shapes with `import type` only, so nothing from the server is bundled
 * into the client. The one exception is `./enums`, which imports nothing and may be imported as a
 * value (by the web app and by data/).
 *
 * Each request schema (zod) sits beside its response type, with `XRequest` (what a client sends,
 * `z.input`) and `XParams` (what the service receives, `z.output`).
 *
 * Geometry is RFC 7946 GeoJSON: WGS84, `[lng, lat]`.
 */
export * from './enums';
export * from './common';
export * from './params';
export * from './health';
export * from './regions';
export * from './grids';
export * from './zones';
export * from './stations';
export * from './here';
export * from './coverage';
export * from './audit';
export * from './audit-sites';
export * from './routing';
export * from './basemap';
export * from './auth';
export * from './station-writes';
export * from './geometry';
export * from './grid-writes';
export * from './grid-changes';
export * from './topology';
export * from './drafting';
export * from './export';
export * from './import';
