/**
 * `npm run screenshot [-- --out path.png] [-- --page plan]`: rewrites docs/screenshot.png (the README's picture) from
 * the real app: the demo city's 15-minute walking gaps around its outdoor-worker stations. With
 * `--page plan`, docs/plan.png instead: the planner workspace, signed in as demo-planner, with the
 * largest grid of the first community in edit mode. The browser tests never
 * write tracked files; run this when the map's look changes, and look at the picture before
 * committing it.
 *
 * Like the browser tests, it builds what is missing and starts the server on a database of its own
 * (a temporary PGlite folder, or a scratch database when DATABASE_URL is set), removed afterwards.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './app-server';
import { area, pointOnFeature } from '@turf/turf';
import type { Page } from 'playwright-core';
import type { GridCollection } from '../../server/src/contracts';
import { fitDistrict, openAppAt, openSessionAt, signInByApi, type Session } from './browser';

const outIndex = process.argv.indexOf('--out');
const pageIndex = process.argv.indexOf('--page');
const which = pageIndex >= 0 ? process.argv[pageIndex + 1] : 'map';
if (which !== 'map' && which !== 'plan') throw new Error(`--page is map or plan, not ${which}`);
const path =
  outIndex >= 0 && process.argv[outIndex + 1]
    ? resolve(process.argv[outIndex + 1]!)
    : fileURLToPath(new URL(which === 'plan' ? '../../docs/plan.png' : '../../docs/screenshot.png', import.meta.url));

/** The planner workspace: a community's grids, the largest in edit mode with its handles. */
async function planPage(page: Page, baseUrl: string) {
  await signInByApi(page, baseUrl, 'demo-planner');
  await page.goto(`${baseUrl}/plan`);
  await page.waitForFunction(
    () => window.__mapReady === true && window.__layersReady?.has('plan-grids') === true,
    null,
    {
      timeout: 90_000,
    },
  );
  const community = await page.getByTestId('plan-community').inputValue();
  const grids = (await page.evaluate(
    (c) => fetch(`/api/grids?community=${c}`).then((r) => r.json()),
    community,
  )) as GridCollection;
  const largest = [...grids.features].sort((a, b) => area(b) - area(a))[0]!;
  const inside = pointOnFeature(largest).geometry.coordinates;
  const at = await page.evaluate((p) => {
    const map = window.__map!;
    const rect = map.getCanvas().getBoundingClientRect();
    const { x, y } = map.project(p as [number, number]);
    return { x: rect.left + x, y: rect.top + y };
  }, inside);
  await page.mouse.click(at.x, at.y);
  await page.getByTestId('plan-mode-edit').click();
  await page.mouse.move(1200, 760);
  await page.getByTestId('plan-topology-ok').or(page.getByTestId('plan-topology-summary')).waitFor();
}

const app = await startAppServer();
let session: Session | undefined;
try {
  if (which === 'plan') {
    session = await openSessionAt(app.baseUrl, { width: 1280, height: 800 });
    await planPage(session.page, app.baseUrl);
  } else {
    session = await openAppAt(app.baseUrl, { width: 1280, height: 800 });
    await mapPage(session.page);
  }
  const { page } = session;
  await page.waitForTimeout(500);
  if (session.errors.length) {
    throw new Error(`The page failed, so no screenshot: ${session.errors.map((e) => e.message).join('; ')}`);
  }
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  console.log(`Wrote ${path}`);
} finally {
  await session?.close();
  await app.stop();
}

/** The desktop map with the outdoor-worker stations' 15-minute walking gaps. */
async function mapPage(page: Page) {
  await page.getByTestId('tab-coverage').click();
  await page.getByTestId('coverage-kind').selectOption('outdoor_worker_station');
  await page.getByTestId('coverage-run').click();
  await page.getByTestId('coverage-stats').waitFor({ timeout: 90_000 });
  await page.waitForFunction(() => window.__layersReady?.has('coverage-gaps'));
  await fitDistrict(page);
}
