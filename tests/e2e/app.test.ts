/**
 * The app in a real Chromium (WebGL2 on SwiftShader), served by the real server with the demo city.
 * Each test checks what is drawn (pixels, deck.gl picking, MapLibre's rendered features) and what a
 * person sees in the panels. Any uncaught page error fails the test.
 *
 * Each test opens the app in a browser profile of its own, so none depends on another's clicks,
 * panels or language, and any one runs alone (`-t`). The data are the server's and tests only read.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  HereResponse,
  IsochroneCollection,
  NearestStationCollection,
  ReachableStationCollection,
  StationCollection,
} from '../../server/src/contracts';
import { fitDistrict, openApp, type Session } from './browser';
import { colourDistance, pixelsAt, regionStats } from './pixels';

let session: Session | undefined;
let page: Page;

async function mapBox() {
  const box = await page.getByTestId('map').boundingBox();
  if (!box) throw new Error('map element has no box');
  return box;
}

/** Moves the map and waits until MapLibre and deck.gl have drawn the new view. */
async function jumpTo(center: [number, number], zoom: number) {
  await page.evaluate(
    ({ center, zoom }) =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        map.once('idle', () => resolve());
        map.jumpTo({ center, zoom });
        map.triggerRepaint();
      }),
    { center, zoom },
  );
  await page.waitForTimeout(300);
}

/** Page pixel of a `[lng, lat]` on the map. */
async function project(lngLat: [number, number]) {
  const box = await mapBox();
  const p = await page.evaluate((ll) => window.__map!.project(ll), lngLat);
  return { x: box.x + p.x, y: box.y + p.y, mapX: p.x, mapY: p.y };
}

async function pick(mapX: number, mapY: number, radius = 2) {
  return page.evaluate(
    ({ x, y, radius }) => {
      const info = window.__deck!.pickObject({ x, y, radius });
      return info
        ? {
            layer: info.layer?.id ?? null,
            name: (info.object as { properties?: { name?: string } })?.properties?.name ?? null,
          }
        : null;
    },
    { x: mapX, y: mapY, radius },
  );
}

beforeEach(async () => {
  session = await openApp({ width: 1280, height: 800 });
  page = session.page;
});

afterEach(async () => {
  const current = session;
  session = undefined;
  if (!current) return; // openApp failed, and said why
  try {
    expect(current.errors.map((e) => e.message)).toEqual([]);
  } finally {
    await current.close();
  }
});

describe('the map', () => {
  it('has a WebGL2 context and really draws the offline basemap and the data layers', async () => {
    const webgl2 = await page.evaluate(() => {
      const canvas = window.__map!.getCanvas();
      // Asking for the same context type returns the existing one; any other type returns null.
      return canvas.getContext('webgl2') !== null;
    });
    expect(webgl2).toBe(true);

    // No remote URL anywhere in the style: the basemap is the project's own data.
    const style = await page.evaluate(() => JSON.stringify(window.__map!.getStyle()));
    expect(style).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);

    // MapLibre rendered roads and boundaries from /api/basemap and /api/regions.
    const rendered = await page.evaluate(() => {
      const features = window.__map!.queryRenderedFeatures();
      const bySource: Record<string, number> = {};
      for (const f of features) bySource[f.source] = (bySource[f.source] ?? 0) + 1;
      return bySource;
    });
    expect(Object.keys(rendered).length).toBeGreaterThanOrEqual(2);

    const box = await mapBox();
    const stats = await regionStats(page, box);
    expect(stats.distinctColours).toBeGreaterThan(60);

    // Inside the district (a grid, tinted) differs from the land outside it.
    const config = await page.evaluate(() =>
      fetch('/api/config').then((r) => r.json() as Promise<{ bounds: [number, number, number, number] }>),
    );
    const [minLng, minLat] = config.bounds;
    const outside = await project([minLng - 0.01, minLat - 0.005]);
    const inside = await project([106.56, 26.6]);
    const [outsideColour, insideColour] = await pixelsAt(page, [outside, inside]);
    expect(colourDistance(outsideColour!, insideColour!)).toBeGreaterThan(8);
    expect(await pick(inside.mapX, inside.mapY)).toMatchObject({ layer: 'grids' });
  });

  it('toggles a layer off and on: the grids stop being drawn and picked', async () => {
    await jumpTo([106.62, 26.62], 14);
    const box = await mapBox();
    const centre = { mapX: box.width / 2 + 120, mapY: box.height / 2 + 60 };
    expect(await pick(centre.mapX, centre.mapY, 0)).toMatchObject({ layer: 'grids' });
    const before = (await pixelsAt(page, [{ x: box.x + centre.mapX, y: box.y + centre.mapY }]))[0]!;

    await page.getByTestId('layer-toggle-grids').uncheck();
    await page.waitForTimeout(500);
    const picked = await pick(centre.mapX, centre.mapY, 0);
    expect(picked?.layer ?? null).not.toBe('grids');
    const after = (await pixelsAt(page, [{ x: box.x + centre.mapX, y: box.y + centre.mapY }]))[0]!;
    expect(colourDistance(before, after)).toBeGreaterThan(5);

    await page.getByTestId('layer-toggle-grids').check();
    await page.waitForTimeout(500);
    expect(await pick(centre.mapX, centre.mapY, 0)).toMatchObject({ layer: 'grids' });
  });
});

describe('clicks', () => {
  it('clicking a station opens its info panel', async () => {
    const stations = await page.evaluate(() =>
      fetch('/api/stations?kind=rider_station&status=active').then((r) => r.json() as Promise<StationCollection>),
    );
    const station = stations.features[0]!;
    await jumpTo(station.geometry.coordinates as [number, number], 16);
    const at = await project(station.geometry.coordinates as [number, number]);
    expect(await pick(at.mapX, at.mapY, 4)).toMatchObject({
      layer: 'stations-rider_station',
      name: station.properties.name,
    });
    await page.mouse.click(at.x, at.y);
    const panel = page.getByTestId('info-panel');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain(station.properties.name);
    expect(text).toContain(station.properties.address);
    expect(text).toContain(station.properties.openingHours);
  });

  it('clicking anywhere answers who is responsible here: community, grid, zone with its unit, nearest station', async () => {
    const here: [number, number] = [106.62, 26.62];
    await jumpTo(here, 15);
    const at = await project(here);
    // The public map browses: a click asks "who is responsible here" (map/modes/browse.ts).
    expect(await page.getByTestId('map').getAttribute('data-mode')).toBe('browse');
    const hereRequest = page.waitForRequest((r) => r.url().includes('/api/here'));
    await page.mouse.click(at.x, at.y);
    const asked = new URL((await hereRequest).url()).searchParams;
    const api = await page.evaluate(
      ([lng, lat]) => fetch(`/api/here?lng=${lng}&lat=${lat}`).then((r) => r.json() as Promise<HereResponse>),
      [asked.get('lng'), asked.get('lat')],
    );
    const panel = page.getByTestId('here-panel');
    await expect.poll(() => panel.innerText()).toContain(api.zone!.unit);
    const text = await panel.innerText();
    expect(text).toContain(api.community!.name);
    expect(text).toContain(api.grid!.code);
    // Signed out, nobody sees the grid worker (issue 6): not in the answer, so not in the panel.
    expect(api.grid!.workerName).toBeNull();
    expect(api.grid!.workerPhone).toBeNull();
    expect(text).toContain(api.nearestStation!.properties.name);

    // The grid's name opens the grid's own panel.
    await page.getByTestId('here-grid').click();
    const info = page.getByTestId('info-panel');
    await info.waitFor();
    expect(await info.innerText()).toContain(api.grid!.code);
  });

  it('"nearest stations here" lists the nearest stations and draws lines to them', async () => {
    const here: [number, number] = [106.62, 26.62];
    await jumpTo(here, 15);
    const at = await project(here);
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('here-panel').waitFor();
    const nearestRequest = page.waitForRequest((r) => r.url().includes('/api/stations/nearest'));
    await page.getByTestId('nearest-button').click();
    // The point the app asked about, exactly as it sent it.
    const asked = new URL((await nearestRequest).url()).searchParams;
    const clickedLngLat = [Number(asked.get('lng')), Number(asked.get('lat'))];
    expect(clickedLngLat[0]).toBeCloseTo(here[0], 3);
    expect(clickedLngLat[1]).toBeCloseTo(here[1], 3);
    await page.getByTestId('nearest-item').first().waitFor();
    const items = page.getByTestId('nearest-item');
    expect(await items.count()).toBe(5);

    // The here panel answers who is responsible at the point.
    const hereText = await page.getByTestId('here-panel').innerText();
    expect(hereText).toMatch(/社区/);
    expect(hereText).toMatch(/520115\d{9}/); // the grid's code
    expect([...(await page.evaluate(() => [...(window.__layersReady ?? [])]))]).toEqual(
      expect.arrayContaining(['nearest-links', 'nearest-stations']),
    );
    // The list is the API's answer for that point, nearest first, each with its distance.
    const ids = await items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-station-id')));
    const api = await page.evaluate(
      ([lng, lat]) =>
        fetch(`/api/stations/nearest?lng=${lng}&lat=${lat}&limit=5`).then(
          (r) => r.json() as Promise<NearestStationCollection>,
        ),
      clickedLngLat,
    );
    expect(ids).toEqual(api.features.map((f) => f.properties.id));
    expect(await items.first().innerText()).toContain(api.features[0]!.properties.name);

    // The map eases to fit the stations; read pixels only once it has stopped.
    await page.waitForFunction(() => !window.__map!.isMoving());
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          window.__map!.once('idle', () => resolve());
          window.__map!.triggerRepaint();
        }),
    );
    // The lines to the stations are drawn. Along the longest line that no panel covers, at a
    // quarter, half and three quarters of its length, a pixel within 3 px has the link colour
    // (blue, rgb 37 99 235 at 86 % opacity). A grid edge might match one point, not all three.
    const panels = await page.evaluate(() =>
      [...document.querySelectorAll('aside')].map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    const box = await mapBox();
    const visible = (p: { x: number; y: number }) =>
      p.x > box.x + 5 &&
      p.x < box.x + box.width - 5 &&
      p.y > box.y + 5 &&
      p.y < box.y + box.height - 5 &&
      !panels.some((b) => p.x >= b.x - 5 && p.x <= b.x + b.width + 5 && p.y >= b.y - 5 && p.y <= b.y + b.height + 5);
    const lines = await Promise.all(
      api.features.map(async (f) => {
        const [lng, lat] = f.geometry.coordinates as [number, number];
        const along = (t: number) =>
          project([
            clickedLngLat[0]! + (lng - clickedLngLat[0]!) * t,
            clickedLngLat[1]! + (lat - clickedLngLat[1]!) * t,
          ]);
        return { distance: f.properties.distance_m, points: await Promise.all([0.25, 0.5, 0.75].map(along)) };
      }),
    );
    const line = lines.filter((l) => l.points.every(visible)).sort((a, b) => b.distance - a.distance)[0];
    expect(line).toBeDefined();
    for (const point of line!.points) {
      const around = [-3, -2, -1, 0, 1, 2, 3].flatMap((d) => [
        { x: point.x + d, y: point.y },
        { x: point.x, y: point.y + d },
      ]);
      const colours = await pixelsAt(page, around);
      expect(Math.min(...colours.map((c) => colourDistance(c, [37, 99, 235, 255])))).toBeLessThan(60);
    }
  });
});

/**
 * Runs the 15-minute walking audit of the outdoor-worker stations by `method` from the coverage tab,
 * fits the map to the district, and counts the red (gap) pixels drawn.
 */
async function showCoverage(method: 'radius' | 'network') {
  await page.getByTestId('tab-coverage').click();
  await page.getByTestId('coverage-kind').selectOption('outdoor_worker_station');
  await page.getByTestId('coverage-method').locator(`[data-method=${method}]`).click();
  await page.getByTestId('coverage-run').click();
  await expect
    .poll(() => page.getByTestId('coverage-result-method').getAttribute('data-method'), { timeout: 90_000 })
    .toBe(method);
  await page.getByTestId('coverage-stats').waitFor();
  await page.waitForFunction(() => window.__layersReady?.has('coverage-gaps'));
  await fitDistrict(page);
  await page.waitForTimeout(500);
  return (await regionStats(page, await mapBox())).redPixels;
}

describe('coverage', () => {
  it('draws the gaps of 15-minute walking circles and shows the figures', async () => {
    const redPixels = await showCoverage('radius');
    // Outdoor-worker stations sit in the urban core: most of the rural west is a gap, drawn red.
    expect(redPixels).toBeGreaterThan(20_000);

    const stats = await page.getByTestId('coverage-stats').innerText();
    expect(stats).toMatch(/\d+(\.\d)?%/);
    expect(await page.getByTestId('coverage-table').locator('tbody tr').count()).toBe(10);

    // A rural point far from every outdoor-worker station is inside a gap.
    const rural = await project([106.5, 26.62]);
    expect(await pick(rural.mapX, rural.mapY, 0)).toMatchObject({ layer: 'coverage-gaps' });
  });
});

describe('street network', () => {
  it('switching coverage to the street network leaves more of the district uncovered than the radius', async () => {
    const radiusRedPixels = await showCoverage('radius');
    const networkRedPixels = await showCoverage('network');
    // Streets, not circles: the same stations leave more land red than their radius circles did.
    expect(radiusRedPixels).toBeGreaterThan(0);
    expect(networkRedPixels).toBeGreaterThan(radiusRedPixels);
  });

  it('lists the stations that reach a clicked point on the streets, fastest first, walks included', async () => {
    const here: [number, number] = [106.631, 26.612];
    await jumpTo(here, 14);
    const at = await project(here);
    const asked = page.waitForRequest(
      (r) =>
        r.url().includes('/api/stations/reachable') && r.url().includes('mode=walk') && r.url().includes('minutes=15'),
    );
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('here-panel').waitFor();
    await page.getByTestId('reach-mode').locator('[data-mode=walk]').click();
    await page.getByTestId('reachable-minutes').locator('[data-minutes="15"]').click();
    const query = new URL((await asked).url()).searchParams;
    const api = await page.evaluate(
      (q) => fetch(`/api/stations/reachable?${q}`).then((r) => r.json() as Promise<ReachableStationCollection>),
      query.toString(),
    );
    expect(api.features.length).toBeGreaterThan(0);
    const items = page.getByTestId('reachable-item');
    await expect.poll(() => items.count()).toBe(api.features.length);
    // Same stations, same order, same whole-trip seconds as the API, which sorts by them.
    const shown = await items.evaluateAll((nodes) =>
      nodes.map((n) => ({
        id: n.getAttribute('data-station-id'),
        duration_s: Number(n.querySelector('[data-duration-s]')!.getAttribute('data-duration-s')),
      })),
    );
    expect(shown).toEqual(api.features.map((f) => ({ id: f.properties.id, duration_s: f.properties.duration_s })));
    expect([...shown].sort((a, b) => a.duration_s - b.duration_s)).toEqual(shown);
    // A station 50 m or more off its street says how much of the trip is on foot.
    const walkers = api.features.filter((f) => f.properties.walk_m >= 50).length;
    expect(await page.getByTestId('reachable-item-note').count()).toBe(walkers);
    if (walkers > 0) expect(await page.getByTestId('reachable-item-note').first().innerText()).toMatch(/含步行 \d+ m/);

    // Fewer minutes, fewer (or as many) stations, each within the new limit.
    const fewer = page.waitForResponse(
      (r) => r.url().includes('/api/stations/reachable') && r.url().includes('minutes=5'),
    );
    await page.getByTestId('reachable-minutes').locator('[data-minutes="5"]').click();
    const five = (await (await fewer).json()) as ReachableStationCollection;
    expect(five.features.length).toBeLessThanOrEqual(api.features.length);
    expect(five.features.every((f) => f.properties.duration_s <= 300)).toBe(true);
    await expect.poll(() => items.count()).toBe(five.features.length);
  });

  it('draws the 5, 10 and 15 minute isochrones from a clicked point as graded fills', async () => {
    const here: [number, number] = [106.624, 26.616];
    await jumpTo(here, 14);
    const at = await project(here);
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('here-panel').waitFor();
    await page.getByTestId('reach-mode').locator('[data-mode=walk]').click();
    await page.waitForFunction(() => !window.__map!.isMoving());

    // Where the isochrone will be (the street the point joins) and a place 3 km east, out of reach.
    const response = page.waitForResponse((r) => r.url().includes('/api/isochrones'));
    const view = await page.evaluate(() => ({
      center: window.__map!.getCenter().toArray() as [number, number],
      zoom: window.__map!.getZoom(),
    }));
    const before = await Promise.all([here, [here[0] + 0.03, here[1]] as [number, number]].map(project));
    const beforeColours = await pixelsAt(page, before);
    await page.getByTestId('isochrone-button').click();
    const body = (await (await response).json()) as IsochroneCollection;
    expect(body.features.map((f) => f.properties.minutes)).toEqual([5, 10, 15]);
    await page.waitForFunction(() => window.__layersReady?.has('isochrones'));
    await page.waitForFunction(() => !window.__map!.isMoving());
    // The app fits the map to the bands; go back to the view of the first reading.
    await jumpTo(view.center, view.zoom);

    const snapped = await project([body.snapped.lng, body.snapped.lat]);
    const far = await project([here[0] + 0.03, here[1]]);
    const [onStreet, outOfReach] = await pixelsAt(page, [snapped, far]);
    // The map did not move between the two readings.
    expect(Math.abs(far.x - before[1]!.x)).toBeLessThan(1);
    expect(colourDistance(onStreet!, beforeColours[0]!)).toBeGreaterThan(15);
    expect(colourDistance(outOfReach!, beforeColours[1]!)).toBeLessThan(6);
    const legend = await page.getByTestId('isochrone-legend').innerText();
    expect(legend).toMatch(/5[^0-9]/);
    expect(legend).toMatch(/15/);
  });
});

describe('language', () => {
  it('switches the interface to English and back', async () => {
    await page.getByTestId('tab-coverage').click();
    await page.getByTestId('lang-switch').locator('[data-locale=en]').click();
    await expect.poll(() => page.getByTestId('tab-coverage').innerText()).toBe('Coverage');
    await expect.poll(() => page.getByTestId('coverage-panel').innerText()).toMatch(/service circle/i);
    await page.getByTestId('lang-switch').locator('[data-locale=zh-CN]').click();
    await expect.poll(() => page.getByTestId('tab-coverage').innerText()).toBe('服务圈分析');
    await expect.poll(() => page.getByTestId('coverage-panel').innerText()).toMatch(/服务圈/);
  });
});
