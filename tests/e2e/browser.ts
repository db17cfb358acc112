import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { inject } from 'vitest';

/**
 * Debian's Chromium with a software WebGL2 (SwiftShader through ANGLE); see STACK-NOTES. The
 * background-networking flags stop Chromium calling out from this offline machine.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type Session = {
  context: BrowserContext;
  page: Page;
  errors: Error[];
  baseUrl: string;
  close: () => Promise<void>;
};

/** A fresh browser profile and page; `errors` collects every uncaught page error. */
export async function openSession(
  viewport = { width: 1280, height: 800 },
  device: { isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number } = {},
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
    baseUrl: inject('e2eBaseUrl'),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A session with the app loaded and its map drawn (the first load builds the map: up to 90 s on CI). */
export async function openApp(...args: Parameters<typeof openSession>): Promise<Session> {
  const session = await openSession(...args);
  await session.page.goto(session.baseUrl);
  await session.page.waitForFunction(() => window.__mapReady === true, null, { timeout: 90_000 });
  return session;
}
