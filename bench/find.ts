/**
 * `npm run bench:find [-- --runs 7] [-- --url http://…]`: the rider page, /find, on a phone-sized
 * page (390 × 844, touch, the location granted): the time from navigation to the first station
 * card, as the page's own clock has it (performance.now() is measured from navigation start).
 * - online, first visit: a fresh browser profile each run (no HTTP cache, no service worker);
 * - online, again: a reload once the service worker holds the shell;
 * - offline: the same reload with the network off, from the service worker's caches.
 * Medians of the runs, with every run printed. Without --url it starts the app like the browser
 * tests do (web build, demo city, a database of its own).
 * Target (from the issue): report it; the browser is SwiftShader on 2 cores, so figures are for that shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../tests/e2e/app-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';

const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const runs = Number(argument('runs') ?? 7);
const PHONE = { width: 390, height: 844 };
const DEVICE = {
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  geolocation: { longitude: 106.645, latitude: 26.61 },
  permissions: ['geolocation'],
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Records, in the page, when the first card appears (ms since navigation start). A string, not a
 * function: tsx would wrap a function's inner declarations in its `__name` helper, which the
 * page doesn't have.
 */
const FIRST_CARD_SCRIPT = `
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="find-card"]')) return;
    window.__firstCard_ms = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
`;

async function firstCard_ms(page: Page, navigate: () => Promise<unknown>): Promise<number> {
  await navigate();
  // Polled with evaluate (a devtools call): waitForFunction with a string needs eval, which the
  // app's Content-Security-Policy forbids. The figure is the page's own, so polling adds nothing.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const at = await page.evaluate<number | null>('window.__firstCard_ms ?? null');
    if (at !== null) return at;
    await page.waitForTimeout(100);
  }
  throw new Error('no station card within 60 s');
}

async function waitForOfflineCopy(page: Page) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ready = await page.evaluate<boolean>(`(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open('wangge-find-data');
      return (await cache.match('/api/stations')) !== undefined;
    })()`);
    if (ready) return;
    await page.waitForTimeout(200);
  }
  throw new Error('the service worker did not cache the station list within 30 s');
}

const url = argument('url');
const app: AppServer | null = url ? null : await startAppServer();
const baseUrl = url ?? app!.baseUrl;
const figures = { first: [] as number[], again: [] as number[], offline: [] as number[] };
try {
  for (let run = 0; run < runs; run++) {
    const profile = mkdtempSync(join(tmpdir(), 'wangge-bench-find-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: PHONE,
      ...DEVICE,
      locale: 'zh-CN',
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.addInitScript(FIRST_CARD_SCRIPT);
      figures.first.push(await firstCard_ms(page, () => page.goto(`${baseUrl}/find`)));
      await waitForOfflineCopy(page);
      figures.again.push(await firstCard_ms(page, () => page.reload()));
      await context.setOffline(true);
      figures.offline.push(await firstCard_ms(page, () => page.reload()));
      if (!(await page.getByTestId('find-offline').isVisible())) throw new Error('offline run not marked offline');
      if (errors.length) throw new Error(errors.join('; '));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
} finally {
  await app?.stop();
}

const show = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms  (runs: ${values.map((v) => v.toFixed(0)).join(', ')})`;
console.log(`/find, 390×844, navigation → first card, ${runs} runs:`);
console.log(`  online, first visit:        ${show(figures.first)}`);
console.log(`  online, service worker on:  ${show(figures.again)}`);
console.log(`  offline, from its caches:   ${show(figures.offline)}`);
