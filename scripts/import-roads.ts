/**
 * `npm run import:roads -- <file> [options]`: loads streets from OSM XML, OSM PBF or GeoJSON into
 * the `road` table in one transaction. Run with --help for the options.
 */
import { access, constants, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { describeComponents, dropIslands } from '../server/src/roads-import/components';
import { importRoads } from '../server/src/roads-import/import';
import {
  CRS_VALUES,
  type Crs,
  nodeRoads,
  type ParsedRoads,
  RoadsInputError,
} from '../server/src/roads-import/normalize';
import { parseGeojsonFile } from '../server/src/roads-import/parse-geojson';
import { parseOsmPbf } from '../server/src/roads-import/parse-osm-pbf';
import { type ParseOptions, parseOsmXml } from '../server/src/roads-import/parse-osm-xml';

const USAGE = `Usage: npm run import:roads -- <file> [options]

Loads streets into the road table, replacing what is there, in one transaction.

  <file>                   .osm (OSM XML), .osm.pbf, or .geojson/.json (LineString/MultiLineString)
  --format osm|pbf|geojson  when the extension does not say
  --crs wgs84|gcj02|bd09    the file's coordinates (default wgs84); converted to WGS 84
  --drop-islands [N]        drop connected components of fewer than N segments (default N: 20)
  --append                  keep the existing roads and add these
  --dry-run                 parse, node and report; write nothing
  -h, --help                this text

The database is DATABASE_URL, or the embedded one in DATA_DIR (default .data).`;

const FORMATS = ['osm', 'pbf', 'geojson'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_ISLAND_SEGMENTS = 20;

type Args = { file: string; format: Format; crs: Crs; dropIslands: number | null; append: boolean; dryRun: boolean };

class UsageError extends Error {}

function formatFromName(file: string): Format | null {
  const name = file.toLowerCase();
  if (name.endsWith('.osm') || name.endsWith('.xml')) return 'osm';
  if (name.endsWith('.pbf')) return 'pbf';
  if (name.endsWith('.geojson') || name.endsWith('.json')) return 'geojson';
  return null;
}

function parseArgs(argv: string[]): Args | 'help' {
  let file: string | undefined;
  let format: string | undefined;
  let crs = 'wgs84';
  let dropIslandsBelow: number | null = null;
  let append = false;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') ? (argv[i]!.split(/=(.*)/s) as [string, string?]) : [argv[i]!];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--format':
        format = value();
        break;
      case '--crs':
        crs = value().toLowerCase();
        break;
      case '--drop-islands': {
        // The count is optional: take the next argument only when it is a number.
        const next = inline ?? (/^\d+$/.test(argv[i + 1] ?? '') ? argv[++i] : undefined);
        dropIslandsBelow = next === undefined ? DEFAULT_ISLAND_SEGMENTS : Number(next);
        if (!Number.isInteger(dropIslandsBelow) || dropIslandsBelow < 1) {
          throw new UsageError(`--drop-islands takes a whole number of segments, not "${next}"`);
        }
        break;
      }
      case '--append':
        append = true;
        break;
      case '--dry-run':
        dryRun = true;
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (file !== undefined) throw new UsageError(`one file at a time (got "${file}" and "${flag}")`);
        file = flag;
    }
  }
  if (file === undefined) throw new UsageError('no input file given');
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
  }
  const resolvedFormat = (format as Format | undefined) ?? formatFromName(file);
  if (!resolvedFormat) {
    throw new UsageError(`cannot tell the format of "${file}" from its name; pass --format ${FORMATS.join('|')}`);
  }
  if (!(CRS_VALUES as readonly string[]).includes(crs)) {
    throw new UsageError(`unknown --crs "${crs}"; use one of ${CRS_VALUES.join(', ')}`);
  }
  return { file, format: resolvedFormat, crs: crs as Crs, dropIslands: dropIslandsBelow, append, dryRun };
}

/** A bar on a terminal; otherwise (CI logs, pipes) a plain line at each quarter. */
function progress(label: string, total: number, unit: (value: number) => string) {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(8)} [{bar}] {percentage}% | {done} / {all}`,
        stream: process.stdout,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { done: unit(0), all: unit(total) });
    return {
      update: (value: number) => bar.update(value, { done: unit(value), all: unit(total) }),
      stop: () => bar.stop(),
    };
  }
  let quarter = -1;
  return {
    update: (value: number) => {
      const reached = total > 0 ? Math.floor((4 * value) / total) : 4;
      if (reached === quarter) return;
      quarter = reached;
      console.log(`${label}: ${Math.min(100, reached * 25)}% (${unit(value)} of ${unit(total)})`);
    },
    stop: () => {},
  };
}

const fileSize = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows = (n: number) => `${n} rows`;
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const counted = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

async function checkReadable(file: string) {
  try {
    await access(file, constants.R_OK);
    if (!(await stat(file)).isFile()) throw new UsageError(`"${file}" is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new RoadsInputError(`cannot read "${file}": ${reason}`);
  }
}

async function main(argv: string[]) {
  const args = parseArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  await checkReadable(args.file);

  const size = (await stat(args.file)).size;
  const reading = progress('read', size, fileSize);
  const parseOptions: ParseOptions = { onProgress: reading.update };
  let parsed: ParsedRoads;
  try {
    parsed =
      args.format === 'osm'
        ? await parseOsmXml(args.file, parseOptions)
        : args.format === 'pbf'
          ? await parseOsmPbf(args.file, parseOptions)
          : await parseGeojsonFile(args.file, parseOptions);
  } finally {
    reading.stop();
  }

  const parsedAt = performance.now();
  const { segments: noded, report } = nodeRoads(parsed, { crs: args.crs });
  const components = describeComponents(noded);
  const islands = args.dropIslands === null ? null : dropIslands(noded, args.dropIslands);
  const segments = islands ? islands.kept : noded;
  const nodedAt = performance.now();

  if (segments.length === 0 && !args.dryRun) {
    // Replacing the network with nothing is never what a user of this command meant.
    throw new RoadsInputError(`no road segments in "${args.file}"; the road table was left alone`);
  }

  let written = 0;
  let deleted = 0;
  if (!args.dryRun) {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrateToLatest(database.db);
      const writing = progress('write', segments.length, rows);
      try {
        ({ written, deleted } = await importRoads(database.db, segments, {
          replace: !args.append,
          onProgress: writing.update,
        }));
      } finally {
        writing.stop();
      }
    } finally {
      await database.close();
    }
  }

  const byClass: Record<string, number> = {};
  for (const segment of segments) byClass[segment.class] = (byClass[segment.class] ?? 0) + 1;
  const dropped = Object.values(report.droppedByTag).reduce((a, b) => a + b, 0);
  const lines = [
    `${basename(args.file)} (${args.format}, ${args.crs})${args.dryRun ? ': dry run, nothing written' : ''}`,
    `  ways read:          ${report.waysRead} highway ways (${dropped} not roads: ${counted(report.droppedByTag)})` +
      (parsed.skippedFeatures ? `; ${parsed.skippedFeatures} non-line features skipped` : ''),
    `  segments:           ${segments.length} after noding` +
      (args.dryRun
        ? ''
        : `; ${written} written, ${args.append ? 'added to the existing roads' : `replacing ${plural(deleted, 'old row')}`}`),
    `  by class:           ${counted(byClass)}`,
    `  one way:            ${plural(segments.filter((s) => s.oneway).length, 'segment')}`,
    `  components:         ${components.count}, largest ${percent(components.largestShare)} (${components.largest} segments)` +
      (components.smallSizes.length
        ? `; small ones: ${components.smallSizes.slice(0, 20).join(', ')}${components.smallSizes.length > 20 ? ', …' : ''}`
        : ''),
    `  dropped islands:    ${
      islands
        ? `${islands.droppedComponents} components (${islands.droppedSegments} segments) under ${args.dropIslands} segments`
        : 'none (no --drop-islands)'
    }`,
    `  skipped:            ${plural(report.badCoordinates, 'bad coordinate')}, ${plural(report.missingNodes, 'missing node')}, ` +
      plural(report.degenerateSegments, 'degenerate segment'),
    `  time:               ${seconds(performance.now() - started)} (read ${seconds(parsedAt - started)}, node ` +
      `${seconds(nodedAt - parsedAt)}${args.dryRun ? '' : `, database ${seconds(performance.now() - nodedAt)}`})`,
  ];
  console.log(lines.join('\n'));
}

const fail = (error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`import-roads: ${error.message} (see --help)`);
    process.exit(2);
  }
  // Input and database errors are one line too: the transaction rolled back, nothing to debug here.
  const text = error instanceof Error ? error.message : String(error);
  console.error(`import-roads: ${error instanceof RoadsInputError ? text : `failed: ${text.split('\n')[0]}`}`);
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
};
// osm-pbf-parser can throw from inside its zlib callbacks, out of reach of any promise.
process.on('uncaughtException', (error) => fail(error instanceof Error ? error : new RoadsInputError(String(error))));

await main(process.argv.slice(2)).catch(fail);
