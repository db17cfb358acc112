import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { inject } from 'vitest';
import type { MeResponse } from '../../server/src/contracts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

export type Session = {
  context: BrowserContext;
  page: Page;
  errors: Error[];
  baseUrl: string;
  close: () => Promise<void>;
};

type Viewport = { width: number; height: number };
type Device = {
  isMobile?: boolean;
  hasTouch?: boolean;
  deviceScaleFactor?: number;
  /** Where the browser says it is; grant it with `permissions: ['geolocation']`. */
  geolocation?: { longitude: number; latitude: number; accuracy?: number };
  /** Permissions granted up front; any other a page asks for is refused (headless has no prompt). */
  permissions?: string[];
  /** Start with the network off (`context.setOffline` switches it later). */
  offline?: boolean;
};

/** A fresh browser profile and page on the app under test; `errors` collects every uncaught page error. */
export function openSession(viewport: Viewport = { width: 1280, height: 800 }, device: Device = {}): Promise<Session> {
  return openSessionAt(inject('e2eBaseUrl'), viewport, device);
}

/** As `openSession`, on the app at `baseUrl` (outside vitest, e.g. `npm run screenshot`). */
export async function openSessionAt(
  baseUrl: string,
  viewport: Viewport = { width: 1280, height: 800 },
  device: Device = {},
): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'wangge-chromium-'));
  // Playwright rejects --user-data-dir in args; a persistent context takes the folder instead.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...device,
    locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return {
    context,
    page,
    errors,
    baseUrl,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A session with the app loaded and its map drawn (the first load builds the map: up to 90 s on CI). */
export async function openApp(...args: Parameters<typeof openSession>): Promise<Session> {
  return loadApp(await openSession(...args));
}

/** As `openApp`, on the app at `baseUrl`. */
export async function openAppAt(...args: Parameters<typeof openSessionAt>): Promise<Session> {
  return loadApp(await openSessionAt(...args));
}

async function loadApp(session: Session): Promise<Session> {
  await session.page.goto(session.baseUrl);
  await session.page.waitForFunction(() => window.__mapReady === true, null, { timeout: 90_000 });
  return session;
}

/** Fits the map to the district, clear of the sidebar, and waits for it to draw. */
export async function fitDistrict(page: Page) {
  const config = await page.evaluate(() =>
    fetch('/api/config').then((r) => r.json() as Promise<{ bounds: [number, number, number, number] }>),
  );
  await page.evaluate(
    (b) =>
      new Promise<void>((resolve) => {
        window.__map!.once('idle', () => resolve());
        window.__map!.fitBounds(b, { padding: { top: 30, bottom: 30, left: 380, right: 30 }, animate: false });
      }),
    config.bounds,
  );
}

/** The demo accounts' password (see the README). */
export const DEMO_PASSWORD = 'wangge-demo';

/**
 * Signs `username` in through `POST /api/auth/login` from the page (the cookie is the context's),
 * without the dialog (auth.test.ts tests that). Leaves the page on /api/health.
 */
export async function signInByApi(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/api/health`);
  return page.evaluate(
    ({ username, password }) =>
      fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.json() as Promise<MeResponse>),
    { username, password },
  );
}
