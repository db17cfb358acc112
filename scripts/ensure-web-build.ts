/**
 * Builds the web app when web/dist is missing or older than any file under web/, so `npm start`
 * on a fresh clone serves the map without a separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const builtIndex = join(web, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = [newestSource(web), newestSource(join(root, 'server', 'src', 'contracts'))];
if (
  !existsSync(builtIndex) ||
  statSync(builtIndex).mtimeMs < Math.max(...sources) ||
  process.argv.includes('--force')
) {
  console.log('Building the web app…');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  console.log('Web app built into web/dist.');
}
