// shpjs 6.2 ships no types. Only what parse-shapefile.ts uses: the .shp and .dbf readers.
declare module 'shpjs' {
  import type { Geometry } from 'geojson';

  /** Reads a .shp; with a .prj's WKT, proj4 (bundled) unprojects the coordinates to WGS84. */
  export function parseShp(shp: ArrayBuffer | ArrayBufferView | DataView, prj?: string | false): (Geometry | null)[];
  /** Reads a .dbf; `cpg` is a TextDecoder label (the .cpg file's text). */
  export function parseDbf(dbf: ArrayBuffer | ArrayBufferView | DataView, cpg?: string): Record<string, unknown>[];

  const getShapefile: (input: ArrayBuffer | ArrayBufferView) => Promise<unknown>;
  export default getShapefile;
}
