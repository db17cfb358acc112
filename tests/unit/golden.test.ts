/**
 * tests/support/golden.ts: a missing golden file fails the test instead of being written and then
 * compared with itself; UPDATE_GOLDEN=1 writes it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { FIXTURES, golden } from '../support/golden';

// A fixture folder of its own, removed afterwards, so no real golden file is touched.
const feature = `golden-self-test-${process.pid}`;
const path = join(FIXTURES, feature, 'out', 'case.geojson');

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(join(FIXTURES, feature), { recursive: true, force: true });
});

it('fails on a missing golden file, and writes nothing', () => {
  vi.stubEnv('UPDATE_GOLDEN', '');
  expect(() => golden(feature, 'case', { type: 'FeatureCollection', features: [] })).toThrow(
    /Missing golden file .*case\.geojson.*UPDATE_GOLDEN=1/,
  );
  expect(existsSync(path)).toBe(false);
});

it('writes the file with UPDATE_GOLDEN=1, then reads it back as the expectation', () => {
  vi.stubEnv('UPDATE_GOLDEN', '1');
  const first = { type: 'FeatureCollection', features: [{ id: 1 }] };
  expect(golden(feature, 'case', first)).toEqual(first);
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first);

  vi.stubEnv('UPDATE_GOLDEN', '');
  // Without UPDATE_GOLDEN the stored expectation wins over a different actual value.
  expect(golden(feature, 'case', { type: 'FeatureCollection', features: [] })).toEqual(first);
});
