/**
 * The API contract, type-only. The web app and the server meet only in
 * `server/src/contracts/`; `export type` keeps every server module out of the bundle.
 */
export type * from '../../../server/src/contracts';
