/**
 * Build the synthetic demo city: `npx tsx data/build.ts [--seed N] [--out path] [--if-missing]`.
 * Writes data/generated/demo-city.json (gitignored) and prints a short summary.
 *
 * `--if-missing` builds only when the file isn't there: `npm start`, `npm run dev` and the e2e setup
 * run it before the server starts, since the server reads the file but never imports data/.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildDemoCity, DEFAULT_SEED, summarize } from './src/build-demo-city';
import { DEMO_CITY_PATH } from './src/ensure';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = arg('seed') !== undefined ? Number(arg('seed')) : DEFAULT_SEED;
if (!Number.isInteger(seed) || seed < 0) throw new Error(`bad --seed ${arg('seed')}`);
const out = arg('out') ?? DEMO_CITY_PATH;

if (process.argv.includes('--if-missing') && existsSync(out)) process.exit(0);

console.log('Building the demo city…');
const t0 = performance.now();
const city = buildDemoCity(seed);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, JSON.stringify(city));
renameSync(`${out}.tmp`, out);
const seconds = (performance.now() - t0) / 1000;

const s = summarize(city);
const mb = statSync(out).size / 1024 / 1024;
console.log(`demo city (seed ${seed}) → ${out}`);
console.log(`  version      ${city.version}`);
console.log(`  regions      1 district, ${s.subdistricts} subdistricts, ${s.communities} communities`);
console.log(`  grids        ${s.grids} (${s.dedicatedGrids} dedicated), ${s.zones} zones, ${s.units} units`);
console.log(
  `  stations     ${s.outdoorWorkerStations} outdoor-worker, ${s.riderStations} rider, ${s.partyServiceCentres} party centres, ${s.convenienceStations} convenience`,
);
console.log(
  `  demand       ${s.population} residents (${s.households} households) in ${s.householdPoints} points; ${s.workers} workers in ${s.workerPoints} points`,
);
console.log(`  roads        ${s.roadSegments} segments`);
console.log(`  file         ${mb.toFixed(1)} MB, built in ${seconds.toFixed(1)} s`);
