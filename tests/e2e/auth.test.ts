/**
 * Signing in and out from the header, in a real Chromium against the real server and demo city
 * (demo accounts, password `wangge-demo`). Each test has a browser profile of its own, so its
 * session cookie is its own and the tests run in any order, or alone (`-t`).
 *
 * Signed out, nobody sees a grid worker's name or phone (issue 6). Signed in as staff, the grid
 * panel shows the worker, without a page reload; signed out again, it is gone.
 */
import { pointOnFeature } from '@turf/turf';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { GridCollection, HereResponse, RegionCollection } from '../../server/src/contracts';
import { DEMO_PASSWORD, openApp, type Session } from './browser';

let session: Session | undefined;

afterEach(async () => {
  const current = session;
  session = undefined;
  if (!current) return;
  try {
    expect(current.errors.map((e) => e.message)).toEqual([]);
  } finally {
    await current.close();
  }
});

async function start(viewport = { width: 1280, height: 800 }, device = {}) {
  session = await openApp(viewport, device);
  return session.page;
}

const getJson = <T>(page: Page, url: string) => page.evaluate((u) => fetch(u).then((r) => r.json()), url) as Promise<T>;

/** The largest grid in 金阳街道 (the demo planner's scope), with a point inside it. */
async function gridInJinyang(page: Page) {
  const subdistricts = await getJson<RegionCollection>(page, '/api/regions?level=subdistrict');
  const jinyang = subdistricts.features.find((f) => f.properties.name === '金阳街道');
  expect(jinyang, 'the demo city has 金阳街道').toBeDefined();
  const communities = await getJson<RegionCollection>(
    page,
    `/api/regions?level=community&parent=${jinyang!.properties.id}`,
  );
  const ids = new Set(communities.features.map((f) => f.properties.id));
  const grids = await getJson<GridCollection>(page, '/api/grids');
  const inside = grids.features
    .filter((f) => ids.has(f.properties.communityId))
    .sort((a, b) => b.properties.population - a.properties.population);
  expect(inside.length).toBeGreaterThan(0);
  const grid = inside[0]!;
  const at = pointOnFeature(grid).geometry.coordinates as [number, number];
  return { grid, at };
}

/** Centres the map on `lngLat` at zoom 16, waits for it to draw, and clicks there. */
async function clickMapAt(page: Page, lngLat: [number, number]) {
  await page.evaluate(
    (center) =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        map.once('idle', () => resolve());
        map.jumpTo({ center, zoom: 16 });
        map.triggerRepaint();
      }),
    lngLat,
  );
  const box = (await page.getByTestId('map').boundingBox())!;
  const p = await page.evaluate((ll) => window.__map!.project(ll), lngLat);
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

async function signInFromHeader(page: Page, username: string, password: string, submit: 'enter' | 'click' = 'enter') {
  await page.getByTestId('signin-button').click();
  const dialog = page.getByTestId('signin-dialog');
  await dialog.waitFor();
  // The dialog's first field has the focus: a person can type at once.
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signin-username');
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  if (submit === 'enter') await page.getByTestId('signin-password').press('Enter');
  else await page.getByTestId('signin-submit').click();
}

describe('signing in and out', () => {
  it('as demo-planner the grid panel shows the grid worker; signed out again it is gone, without a reload', async () => {
    const page = await start();
    const { grid, at } = await gridInJinyang(page);
    // The public API says nothing about the worker.
    expect(grid.properties.workerName).toBeNull();
    expect(grid.properties.workerPhone).toBeNull();

    expect(await page.getByTestId('signin-button').innerText()).toBe('登录');
    await clickMapAt(page, at);
    const here = page.getByTestId('here-panel');
    await expect.poll(() => here.innerText()).toContain(grid.properties.code);
    const hereWorker = here.getByTestId('here-worker');
    expect(await hereWorker.getAttribute('data-hidden')).toBe('true');
    expect(await hereWorker.innerText()).toContain('登录后可见');

    // Remember where the map is: signing in must not move or reload anything.
    const view = () => page.evaluate(() => ({ ...window.__map!.getCenter(), zoom: window.__map!.getZoom() }));
    const before = await view();
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));

    await signInFromHeader(page, 'demo-planner', DEMO_PASSWORD);
    await page.getByTestId('signin-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('account-username').innerText()).toBe('demo-planner');
    expect(await page.getByTestId('account-role').innerText()).toBe('规划员');

    // The open "here" answer is asked again and now names the worker the API gives staff.
    const asStaff = await getJson<HereResponse>(page, `/api/here?lng=${at[0]}&lat=${at[1]}`);
    expect(asStaff.grid?.id).toBe(grid.properties.id);
    const name = asStaff.grid!.workerName!;
    const phone = asStaff.grid!.workerPhone!;
    expect(name).toBeTruthy();
    await expect.poll(() => hereWorker.innerText()).toContain(name);
    expect(await hereWorker.getAttribute('data-hidden')).toBeNull();

    // The grid's own panel shows it too: the grids the map holds were reloaded.
    await page.getByTestId('here-grid').click();
    const info = page.getByTestId('info-panel');
    await info.waitFor();
    expect(await info.innerText()).toContain(grid.properties.code);
    const worker = info.getByTestId('grid-worker');
    await expect.poll(() => worker.innerText()).toBe(name);
    expect(await worker.getAttribute('data-hidden')).toBeNull();
    expect(await info.innerText()).toContain(phone);

    // Nothing reloaded: same page, same view.
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    const after = await view();
    expect(after.lng).toBeCloseTo(before.lng, 6);
    expect(after.lat).toBeCloseTo(before.lat, 6);
    expect(after.zoom).toBeCloseTo(before.zoom, 6);

    // Sign out from the menu, with the grid panel open: the worker disappears from it in place.
    await page.getByTestId('account-button').click();
    // Planners have no Accounts entry: controls a role can't use are not shown.
    expect(await page.getByTestId('menu-accounts').count()).toBe(0);
    expect(await page.getByTestId('menu-tokens').innerText()).toBe('API 令牌');
    await page.getByTestId('menu-signout').click();
    await page.getByTestId('signin-button').waitFor();
    await expect.poll(() => worker.getAttribute('data-hidden')).toBe('true');
    expect(await worker.innerText()).toBe('登录后可见');
    expect(await info.innerText()).not.toContain(name);
    expect(await info.innerText()).not.toContain(phone);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    // And the server agrees that this browser is signed out.
    expect(await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status))).toBe(401);

    // A new "here" answer for the same spot hides the worker as well.
    await clickMapAt(page, at);
    await expect.poll(() => here.innerText()).toContain(grid.properties.code);
    expect(await hereWorker.getAttribute('data-hidden')).toBe('true');
    expect(await here.innerText()).not.toContain(name);
  });

  it('a wrong password shows the error in Chinese and keeps the dialog open', async () => {
    const page = await start();
    await signInFromHeader(page, 'demo-official', 'not-the-password', 'click');
    const error = page.getByTestId('signin-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('用户名或密码错误。');
    expect(await page.getByTestId('signin-dialog').isVisible()).toBe(true);
    // Still signed out, and the password field is cleared for another try.
    expect(await page.getByTestId('signin-password').inputValue()).toBe('');
    expect(await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status))).toBe(401);
    // Focus stays in the dialog however far Tab (or Shift+Tab) goes.
    const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid=signin-dialog]'));
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      expect(await inDialog()).toBe(true);
    }
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inDialog()).toBe(true);
    }
    // Escape closes the dialog; the header still offers sign-in.
    await page.keyboard.press('Escape');
    await page.getByTestId('signin-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('signin-button').isVisible()).toBe(true);
  });

  it('a session that ends under the page asks to sign in again, keeps the page, and then finishes the action', async () => {
    const page = await start();
    await signInFromHeader(page, 'demo-official', DEMO_PASSWORD);
    await page.getByTestId('signin-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('account-role').innerText()).toBe('审计员');
    await page.getByTestId('account-button').click();
    await page.getByTestId('menu-tokens').click();
    const tokens = page.getByTestId('tokens-dialog');
    await tokens.waitFor();
    await tokens.getByTestId('token-list').waitFor();

    // The session ends behind the page's back (as when it expires, or an admin resets the password).
    const ended = await page.evaluate(async () => {
      const me = (await fetch('/api/auth/me').then((r) => r.json())) as { csrfToken: string };
      const out = await fetch('/api/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': me.csrfToken } });
      return [out.status, (await fetch('/api/auth/me')).status];
    });
    expect(ended).toEqual([204, 401]);

    await tokens.getByTestId('token-name').fill('夜间导出');
    await tokens.getByTestId('token-create').click();
    const dialog = page.getByTestId('signin-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('signin-note').innerText()).toContain('登录已过期');
    // The tokens dialog is still there under it, with what was typed.
    expect(await tokens.getByTestId('token-name').inputValue()).toBe('夜间导出');
    await page.getByTestId('signin-username').fill('demo-official');
    await page.getByTestId('signin-password').fill(DEMO_PASSWORD);
    await page.getByTestId('signin-password').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    // The refused request went again after signing in: the token exists, shown once.
    await tokens.getByTestId('token-created').waitFor();
    expect(await tokens.getByTestId('token-value').inputValue()).toMatch(/^wgt_/);
    await expect
      .poll(() => tokens.getByTestId('token-item').allInnerTexts())
      .toEqual([expect.stringContaining('夜间导出')]);
  });

  it('on a 390 px phone the signed-in header fits, with 44 px touch targets, and admins get Accounts', async () => {
    const page = await start({ width: 390, height: 780 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const signIn = (await page.getByTestId('signin-button').boundingBox())!;
    expect(signIn.height).toBeGreaterThanOrEqual(44);
    await signInFromHeader(page, 'demo-admin', DEMO_PASSWORD);
    await page.getByTestId('signin-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('account-role').innerText()).toBe('管理员');

    const fits = await page.evaluate(() => {
      const header = document.querySelector<HTMLElement>('.topbar')!;
      const boxes = [...header.querySelectorAll<HTMLElement>('button, h1, .logo')].map((e) =>
        e.getBoundingClientRect(),
      );
      return {
        overflow: header.scrollWidth - header.clientWidth,
        right: Math.max(...boxes.map((b) => b.right)),
        // The buttons shown: desk-only ones (the export menu) are not rendered on a phone.
        buttonHeights: [...header.querySelectorAll<HTMLElement>('button')]
          .filter((b) => b.getClientRects().length > 0)
          .map((b) => b.getBoundingClientRect().height),
      };
    });
    expect(fits.overflow).toBeLessThanOrEqual(0);
    expect(fits.right).toBeLessThanOrEqual(390);
    for (const height of fits.buttonHeights) expect(height).toBeGreaterThanOrEqual(44);

    await page.getByTestId('account-button').tap();
    await page.getByTestId('menu-accounts').tap();
    const accounts = page.getByTestId('accounts-dialog');
    await accounts.waitFor();
    await expect.poll(() => accounts.getByTestId('account-item').count()).toBeGreaterThanOrEqual(3);
    const planner = accounts.locator('[data-testid=account-item][data-username=demo-planner]');
    expect(await planner.innerText()).toContain('金阳街道');
    expect(await planner.innerText()).toContain('规划员');
  });
});
