/**
 * `npm run screenshot [-- --out path.png]`: rewrites docs/screenshot.png (the README's picture) from the real app: the
 * demo city's 15-minute walking gaps around its outdoor-worker stations. The browser tests never
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
import { fitDistrict, openAppAt, type Session } from './browser';

const outIndex = process.argv.indexOf('--out');
const path =
  outIndex >= 0 && process.argv[outIndex + 1]
    ? resolve(process.argv[outIndex + 1]!)
    : fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));

const app = await startAppServer();
let session: Session | undefined;
try {
  session = await openAppAt(app.baseUrl, { width: 1280, height: 800 });
  const { page } = session;
  await page.getByTestId('tab-coverage').click();
  await page.getByTestId('coverage-kind').selectOption('outdoor_worker_station');
  await page.getByTestId('coverage-run').click();
  await page.getByTestId('coverage-stats').waitFor({ timeout: 90_000 });
  await page.waitForFunction(() => window.__layersReady?.has('coverage-gaps'));
  await fitDistrict(page);
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
