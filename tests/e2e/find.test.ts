/**
 * The rider's page, /find, on a phone (390 × 844, touch): with a location it lists the nearest
 * open stations by e-bike time with the route drawn; the chips filter at once; without a
 * location the rider taps the map; and offline it still opens, from the cached station list.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NearestStationCollection } from '../../server/src/contracts';
import { openSession, type Session } from './browser';

const PHONE = { width: 390, height: 844 };
const TOUCH = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
/** A street corner in the demo city (观山湖区), stations within a few minutes. */
const RIDER = { longitude: 106.645, latitude: 26.61 };

const isNearest = (url: string) => new URL(url).pathname === '/api/stations/nearest';

async function apiNearest(page: Page, query: URLSearchParams) {
  return page.evaluate(
    (search) => fetch(`/api/stations/nearest?${search}`).then((r) => r.json() as Promise<NearestStationCollection>),
    query.toString(),
  );
}

const cardIds = (page: Page) =>
  page.getByTestId('find-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-station-id')));

async function waitForMapIdle(page: Page) {
  await page.waitForFunction(() => window.__mapReady === true, null, { timeout: 60_000 });
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        if (map.loaded() && !map.isMoving()) resolve();
        else map.once('idle', () => resolve());
      }),
  );
}

describe('with the location granted', () => {
  let session: Session;
  let page: Page;

  beforeAll(async () => {
    session = await openSession(PHONE, { ...TOUCH, geolocation: RIDER, permissions: ['geolocation'] });
    page = session.page;
  });
  afterEach(() => {
    expect(session.errors.map((e) => e.message)).toEqual([]);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows the nearest open stations by e-bike time, with the route drawn', async () => {
    const request = page.waitForRequest((r) => isNearest(r.url()));
    await page.goto(`${session.baseUrl}/find`);
    const asked = new URL((await request).url()).searchParams;
    expect(asked.get('mode')).toBe('ebike');
    expect(asked.get('open')).toBe('true');
    expect(Number(asked.get('lng'))).toBeCloseTo(RIDER.longitude, 6);
    expect(Number(asked.get('lat'))).toBeCloseTo(RIDER.latitude, 6);
    await page.getByTestId('find-card').first().waitFor();

    const api = await apiNearest(page, asked);
    expect(api.mode).toBe('ebike');
    expect(api.features.length).toBeGreaterThan(0);
    expect(await cardIds(page)).toEqual(api.features.map((f) => f.properties.id));
    // The API's order is by e-bike time, and every card is open.
    const times = api.features.map((f) => f.properties.duration_s!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(api.features.every((f) => f.properties.openState.open)).toBe(true);
    const first = page.getByTestId('find-card').first();
    const firstText = await first.innerText();
    expect(firstText).toContain(api.features[0]!.properties.name);
    expect(firstText).toContain('营业中');
    expect(firstText).toContain(`${Math.round(api.features[0]!.properties.ebike_s! / 60)} 分钟`);

    // The first card is selected and its route (the API's LineString) is on the map.
    await waitForMapIdle(page);
    const drawn = await page.evaluate(() => {
      const map = window.__map!;
      const rendered = map.queryRenderedFeatures({ layers: ['find-route'] });
      return rendered.map((f) => (f.properties as { stationId: string }).stationId);
    });
    expect(drawn.length).toBeGreaterThan(0);
    expect(new Set(drawn)).toEqual(new Set([api.features[0]!.properties.id]));
    const routeData = await page.evaluate(async () => {
      const source = window.__map!.getSource('find-route') as unknown as { getData(): Promise<unknown> };
      return source.getData();
    });
    expect(routeData).toMatchObject({ features: [{ geometry: api.features[0]!.properties.route }] });
    // The map shows the rider and every station.
    const inView = await page.evaluate(
      ({ rider, stations }) => {
        const bounds = window.__map!.getBounds();
        return [rider, ...stations].every((point) => bounds.contains(point));
      },
      {
        rider: [RIDER.longitude, RIDER.latitude] as [number, number],
        stations: api.features.map((f) => f.geometry.coordinates as [number, number]),
      },
    );
    expect(inView).toBe(true);

    // The hand-offs to navigation apps and a call link are on the selected card.
    expect(await first.locator('a[href^="https://uri.amap.com/navigation"]').count()).toBe(1);
    expect(await first.locator('a[href^="baidumap://"]').count()).toBe(1);
    expect(await first.locator('a[href^="qqmap://"]').count()).toBe(1);
    expect(await first.locator('a[href^="geo:"]').count()).toBe(1);
    expect(await first.locator('a[href^="tel:"]').count()).toBe(1);

    // Layout: map, chips and list one under the other; every control at least 44 px; the map
    // controls in Chinese.
    const [mapBox, chipsBox, listBox] = await Promise.all(
      ['.map-area', '.chips', '.list'].map((selector) => page.locator(selector).boundingBox()),
    );
    expect(mapBox!.y + mapBox!.height).toBeLessThanOrEqual(chipsBox!.y + 0.5);
    expect(chipsBox!.y + chipsBox!.height).toBeLessThanOrEqual(listBox!.y + 0.5);
    expect(listBox!.y + listBox!.height).toBeLessThanOrEqual(PHONE.height + 0.5);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, a')]
        .filter((el) => el.offsetParent !== null && !el.closest('.maplibregl-ctrl-attrib'))
        .map((el) => ({ text: el.textContent?.trim() || el.title, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && (box.height < 44 || box.width < 44))
        .map(({ text, box }) => `${text} ${box.width}×${box.height}`),
    );
    expect(small).toEqual([]);
    expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('放大');
    expect(await page.locator('.maplibregl-ctrl-zoom-out').getAttribute('title')).toBe('缩小');
    await page.screenshot({ path: 'test-results/find-located.png' });
  });

  it('filters by e-bike charging at one tap', async () => {
    const request = page.waitForRequest((r) => isNearest(r.url()) && r.url().includes('amenity='));
    await page.getByTestId('find-need-charging').tap();
    const asked = new URL((await request).url()).searchParams;
    expect(asked.get('amenity')).toBe('ebike_charging');
    expect(asked.get('mode')).toBe('ebike');
    expect(asked.get('open')).toBe('true');
    const api = await apiNearest(page, asked);
    expect(api.features.length).toBeGreaterThan(0);
    await expect.poll(() => cardIds(page)).toEqual(api.features.map((f) => f.properties.id));
    const cards = page.getByTestId('find-card');
    for (let i = 0; i < (await cards.count()); i++) {
      expect(await cards.nth(i).locator('[data-amenity="ebike_charging"]').count()).toBe(1);
    }
    expect(await page.getByTestId('find-need-charging').getAttribute('aria-pressed')).toBe('true');
  });

  it('offline, reopens from the cached list, by straight line, and says so', async () => {
    // The service worker must hold the station list before the network goes. On a first visit the
    // page asks the worker to fetch the list it loaded before the worker took control; should that
    // not have happened yet on a slow machine, a second visit (as a rider's next open) stores it as
    // it passes through. (waitForFunction would take the async function's promise itself as truthy.)
    const cached = () =>
      page.evaluate(async () => {
        if (!navigator.serviceWorker.controller) return false;
        const cache = await caches.open('wangge-find-data');
        return (await cache.match('/api/stations')) !== undefined;
      });
    let held = false;
    for (const deadline = Date.now() + 15_000; !held && Date.now() < deadline;) {
      held = await cached();
      if (!held) await page.waitForTimeout(250);
    }
    if (!held) {
      await page.reload();
      await page.getByTestId('find-card').first().waitFor();
      await expect.poll(cached, { timeout: 30_000, interval: 250 }).toBe(true);
    }
    const straight = await apiNearest(
      page,
      new URLSearchParams({ lng: String(RIDER.longitude), lat: String(RIDER.latitude), open: 'true', limit: '5' }),
    );
    // Every file the page needs offline comes from the precache: none may fail (API calls may).
    const failedFiles: string[] = [];
    const onFailed = (request: { url(): string }) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/')) failedFiles.push(url.pathname);
    };
    page.on('requestfailed', onFailed);
    await session.context.setOffline(true);
    try {
      await page.reload();
      const offline = page.getByTestId('find-offline');
      await offline.waitFor();
      const text = await offline.innerText();
      expect(text).toContain('离线 · 按直线距离');
      expect(text).toMatch(/驿站列表获取于 \d{2}:\d{2}/);
      await page.getByTestId('find-card').first().waitFor();
      // Straight-line order from the cached list, as the server ranks straight lines.
      expect(await cardIds(page)).toEqual(straight.features.map((f) => f.properties.id));
      expect(await page.locator('body').innerText()).not.toContain('Failed to fetch');
      await waitForMapIdle(page);
      expect(failedFiles).toEqual([]);
      await page.screenshot({ path: 'test-results/find-offline.png' });
    } finally {
      page.off('requestfailed', onFailed);
      await session.context.setOffline(false);
    }
  });
});

describe('with the location refused', () => {
  let session: Session;
  let page: Page;

  beforeAll(async () => {
    session = await openSession(PHONE, TOUCH);
    page = session.page;
  });
  afterEach(() => {
    expect(session.errors.map((e) => e.message)).toEqual([]);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('says so in words, and a tap on the map finds the stations there', async () => {
    await page.goto(`${session.baseUrl}/find`);
    const problem = page.getByTestId('find-location-problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('没有获得定位权限');
    expect(await page.getByTestId('find-search').isVisible()).toBe(true);
    expect(await page.getByTestId('find-card').count()).toBe(0);

    await waitForMapIdle(page);
    const target: [number, number] = [RIDER.longitude, RIDER.latitude];
    await page.evaluate(
      (center) =>
        new Promise<void>((resolve) => {
          window.__map!.once('idle', () => resolve());
          window.__map!.jumpTo({ center, zoom: 15 });
        }),
      target,
    );
    const box = (await page.getByTestId('find-map').boundingBox())!;
    const point = await page.evaluate((at) => window.__map!.project(at), target);
    const request = page.waitForRequest((r) => isNearest(r.url()));
    await page.touchscreen.tap(box.x + point.x, box.y + point.y);
    const asked = new URL((await request).url()).searchParams;
    // Within a few metres of the tap (a pixel is about 2 m at zoom 15).
    expect(Number(asked.get('lng'))).toBeCloseTo(RIDER.longitude, 3);
    expect(Number(asked.get('lat'))).toBeCloseTo(RIDER.latitude, 3);
    await page.getByTestId('find-card').first().waitFor();
    const api = await apiNearest(page, asked);
    expect(await cardIds(page)).toEqual(api.features.map((f) => f.properties.id));
    expect(await page.getByTestId('find-page').innerText()).toContain('从地图上选的点出发');
  });

  it('far from any street, says so in words and lists by straight line', async () => {
    // No street within 500 m here in the demo city: the API answers 422 no_street_nearby.
    const target: [number, number] = [106.55, 26.7];
    await page.evaluate(
      (center) =>
        new Promise<void>((resolve) => {
          window.__map!.once('idle', () => resolve());
          window.__map!.jumpTo({ center, zoom: 15 });
        }),
      target,
    );
    const box = (await page.getByTestId('find-map').boundingBox())!;
    const point = await page.evaluate((at) => window.__map!.project(at), target);
    const straightRequest = page.waitForRequest((r) => isNearest(r.url()) && r.url().includes('mode=straight'));
    await page.touchscreen.tap(box.x + point.x, box.y + point.y);
    const asked = new URL((await straightRequest).url()).searchParams;
    const notice = page.getByTestId('find-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('超过 500 米');
    const api = await apiNearest(page, asked);
    await expect.poll(() => cardIds(page)).toEqual(api.features.map((f) => f.properties.id));
    expect(await page.getByTestId('find-card').first().innerText()).toContain('直线');
  });
});
