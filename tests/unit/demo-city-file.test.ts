/**
 * data/ writes the demo city file and the server reads it, each with its own type (the server never
 * imports data/). This keeps the two in step: the same path, and what data/ writes is assignable to
 * what the server reads. The type half is checked by `tsc --noEmit` (npm run typecheck), not at
 * vitest's run time.
 */
import { expect, expectTypeOf, it } from 'vitest';
import { DEMO_CITY_PATH } from '../../data/src/ensure';
import type { DemoCity as WrittenDemoCity } from '../../data/src/types';
import { DEMO_CITY_FILE } from '../../server/src/bootstrap';
import type { DemoCity as ReadDemoCity } from '../../server/src/services/demo-city.types';

it('the server reads the demo city from where data/ writes it, in the shape data/ writes', () => {
  expect(DEMO_CITY_FILE).toBe(DEMO_CITY_PATH);
  expect(DEMO_CITY_FILE).toMatch(/data\/generated\/demo-city\.json$/);
  expectTypeOf<WrittenDemoCity>().toExtend<ReadDemoCity>();
});
