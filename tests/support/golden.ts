import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

/** The `in/` case names of a fixture folder, e.g. `nearest-station`. */
export function goldenCases(feature: string): string[] {
  return readdirSync(join(FIXTURES, feature, 'in'))
    .filter((f) => f.endsWith('.geojson'))
    .map((f) => f.replace(/\.geojson$/, ''))
    .sort();
}

export function readGoldenInput<T>(feature: string, name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, feature, 'in', `${name}.geojson`), 'utf8')) as T;
}

/**
 * The expected output, or, with UPDATE_GOLDEN=1, writes `actual` as the new expectation (look at the
 * changed files in a GeoJSON viewer before committing them).
 */
export function golden<T>(feature: string, name: string, actual: T): T {
  const path = join(FIXTURES, feature, 'out', `${name}.geojson`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path))
      throw new Error(`Missing golden file ${path}; run UPDATE_GOLDEN=1 npm run test:api locally`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(actual, null, 2) + '\n');
    return actual;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
