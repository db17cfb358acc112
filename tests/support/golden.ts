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
 * The expected output, read from `out/<name>.geojson`. With UPDATE_GOLDEN=1 it writes `actual` as
 * the new expectation instead (look at the changed files in a GeoJSON viewer before committing
 * them). A missing file fails the test: writing it here would compare the result with itself.
 */
export function golden<T>(feature: string, name: string, actual: T): T {
  const path = join(FIXTURES, feature, 'out', `${name}.geojson`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(actual, null, 2) + '\n');
    return actual;
  }
  if (!existsSync(path)) {
    throw new Error(
      `Missing golden file ${path}. Write it with UPDATE_GOLDEN=1 (e.g. UPDATE_GOLDEN=1 npx vitest run ` +
        `tests/api/<file>), check it in a GeoJSON viewer, and commit it.`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
