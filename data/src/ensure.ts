/**
 * ensureDemoCity(): the path of data/generated/demo-city.json, building the file first if it is
 * missing (the server calls this on its first start).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoCity } from './build-demo-city';

export const DEMO_CITY_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated', 'demo-city.json');

let pending: Promise<string> | null = null;

export async function writeDemoCity(path: string = DEMO_CITY_PATH, seed?: number): Promise<string> {
  const city = buildDemoCity(seed);
  await mkdir(dirname(path), { recursive: true });
  // write then rename, so a reader never sees half a file
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(city));
  await rename(tmp, path);
  return path;
}

export function ensureDemoCity(): Promise<string> {
  if (existsSync(DEMO_CITY_PATH)) return Promise.resolve(DEMO_CITY_PATH);
  // concurrent callers in one process share a single build
  pending ??= writeDemoCity().finally(() => {
    pending = null;
  });
  return pending;
}
