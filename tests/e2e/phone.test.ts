/**
 * A rider on a phone (390 × 780, touch): tap the map where they are, ask for the nearest open
 * stations with e-bike charging, and get a list they can read above the fold, with a call link.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { NearestStationCollection } from '../../server/src/contracts';
import { openApp, type Session } from './browser';

let session: Session;
let page: Page;

beforeAll(async () => {
  session = await openApp({ width: 390, height: 780 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  page = session.page;
});

afterEach(() => {
  expect(session.errors.map((e) => e.message)).toEqual([]);
});

afterAll(async () => {
  await session?.close();
});

it('finds the nearest stations with e-bike charging from a tap on the map', async () => {
  const rider: [number, number] = [106.645, 26.61];
  await page.evaluate(
    (center) =>
      new Promise<void>((resolve) => {
        window.__map!.once('idle', () => resolve());
        window.__map!.jumpTo({ center, zoom: 15 });
      }),
    rider,
  );
  const box = (await page.getByTestId('map').boundingBox())!;
  const p = await page.evaluate((ll) => window.__map!.project(ll), rider);
  await page.touchscreen.tap(box.x + p.x, box.y + p.y);
  const panel = page.getByTestId('here-panel');
  await panel.waitFor();

  await page.getByTestId('nearest-amenity').selectOption('ebike_charging');
  const request = page.waitForRequest((r) => r.url().includes('/api/stations/nearest'));
  await page.getByTestId('nearest-button').tap();
  const asked = new URL((await request).url()).searchParams;
  expect(asked.get('amenity')).toBe('ebike_charging');
  const items = page.getByTestId('nearest-item');
  await items.first().waitFor();

  const api = await page.evaluate(
    (query) => fetch(`/api/stations/nearest?${query}`).then((r) => r.json() as Promise<NearestStationCollection>),
    asked.toString(),
  );
  expect(api.features.length).toBeGreaterThan(0);
  expect(api.features.every((f) => f.properties.amenities.includes('ebike_charging'))).toBe(true);
  expect(await items.count()).toBe(api.features.length);
  expect(await items.first().innerText()).toContain(api.features[0]!.properties.name);

  // The first result is on screen on the phone, not below the fold.
  // (The sheet scrolls the list up smoothly when results arrive.)
  await expect
    .poll(
      async () => {
        const first = (await items.first().boundingBox())!;
        return first.y + first.height;
      },
      { timeout: 5_000 },
    )
    .toBeLessThanOrEqual(780);
  await page.screenshot({ path: 'test-results/phone-nearest.png' });

  // Tapping it opens the station, with a phone link the rider can call.
  await items.first().tap();
  const info = page.getByTestId('info-panel');
  await info.waitFor();
  expect(await info.innerText()).toContain(api.features[0]!.properties.name);
  expect(await info.locator('a[href^="tel:"]').count()).toBeGreaterThan(0);
});
