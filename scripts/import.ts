/**
 * `npm run import -- <layer> <file> [options]`: loads regions, grids, zones, stations or demand
 * points from GeoJSON, KML, a zipped Shapefile or CSV into the configured database, in one
 * transaction, with the planner's checks. Run with --help for the options.
 */
import { access, constants, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { REGION_LEVELS, type RegionLevel } from '../server/src/contracts/enums';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { CRS_VALUES, type Crs, parseCrs } from '../server/src/import/crs';
import { GEOMETRY_TARGETS, type FieldMapping } from '../server/src/import/fields';
import {
  type ImportMode,
  type ImportPhase,
  ImportRefused,
  formatReport,
  importParsed,
  userIdByName,
} from '../server/src/import/import';
import { parseImportFile } from '../server/src/import/parse';
import {
  IMPORT_FORMATS,
  IMPORT_LAYERS,
  type ImportFormat,
  ImportInputError,
  type ImportLayer,
} from '../server/src/import/types';

const USAGE = `Usage: npm run import -- <layer> <file> [options]

Loads one layer from a file into the database, in one transaction: all of the file or nothing.

  <layer>                  regions | grids | zones | stations | demand   (roads: npm run import:roads)
  <file>                   .geojson/.json (FeatureCollection, bare array of features, or one feature),
                           .kml/.kmz, .zip (zipped Shapefile; .prj and .cpg honoured) or .shp,
                           .csv (lng/lat columns, or a WKT column)
  --format F               ${IMPORT_FORMATS.join('|')}, when the extension does not say
  --crs C                  the file's coordinates: wgs84 (also CGCS2000, the default), gcj02 (高德, 腾讯,
                           DataV) or bd09 (百度); converted to WGS84
  --level L                regions: every feature is a ${REGION_LEVELS.join(' | ')}
  --parent CODE            the parent of features that name none: a region code (grids: a community,
                           or a 街道/区 to search under; zones: a grid code or a community)
  --code-field F           the field holding the code   (same as --field code=F)
  --name-field F           the field holding the name   (same as --field name=F)
  --field T=F              attribute T comes from field F, e.g. --field households=户数 (repeatable);
                           CSV geometry columns too: --field lng=经度 --field lat=纬度, --field wkt=WKT
  --shapefile NAME         which Shapefile of a zip that holds several
  --replace                replace the rows this file covers (grids/zones: in its communities/grids;
                           stations: all; demand: the kinds it holds; regions: update by code)
  --append                 keep the existing rows and add these (checked against them)
  --fix clip               apply the clip fixes: clip to the parent, and to the features before
  --dry-run                read, check and report; write nothing
  --user NAME              the account the history rows name (default: none, a command-line import)
  -h, --help               this text

The database is DATABASE_URL, or the embedded one in DATA_DIR (default .data; stop the server first).`;

class UsageError extends Error {}

type Args = {
  layer: ImportLayer;
  file: string;
  format?: ImportFormat;
  crs?: Crs;
  level?: RegionLevel;
  parent?: string;
  fields: FieldMapping;
  shapefile?: string;
  mode?: ImportMode;
  fixClip: boolean;
  dryRun: boolean;
  user?: string;
};

function parseArgs(argv: string[]): Args | 'help' {
  const positional: string[] = [];
  const fields: FieldMapping = {};
  const args: Partial<Args> = { fixClip: false, dryRun: false };
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
      case '--format': {
        const f = value().toLowerCase().replace(/^shp$/, 'shapefile');
        if (!(IMPORT_FORMATS as readonly string[]).includes(f)) {
          throw new UsageError(`unknown --format "${f}"; use one of ${IMPORT_FORMATS.join(', ')}`);
        }
        args.format = f as ImportFormat;
        break;
      }
      case '--crs': {
        const v = value();
        const crs = parseCrs(v);
        if (!crs) throw new UsageError(`unknown --crs "${v}"; use one of ${CRS_VALUES.join(', ')}`);
        args.crs = crs;
        break;
      }
      case '--level': {
        const v = value();
        if (!(REGION_LEVELS as readonly string[]).includes(v)) {
          throw new UsageError(`unknown --level "${v}"; use one of ${REGION_LEVELS.join(', ')}`);
        }
        args.level = v as RegionLevel;
        break;
      }
      case '--parent':
        args.parent = value().trim();
        if (!/^[0-9]{6}([0-9]{3}){0,3}$/.test(args.parent)) {
          throw new UsageError(`--parent ${args.parent}: give a region code (6, 9 or 12 digits) or a grid code (15)`);
        }
        break;
      case '--code-field':
        fields.code = value();
        break;
      case '--name-field':
        fields.name = value();
        break;
      case '--field': {
        const v = value();
        const match = /^([^=]+)=(.+)$/.exec(v);
        if (!match) throw new UsageError(`--field takes target=field, e.g. households=户数 (got "${v}")`);
        fields[match[1]!.trim()] = match[2]!.trim();
        break;
      }
      case '--shapefile':
        args.shapefile = value();
        break;
      case '--replace':
      case '--append': {
        const mode = flag.slice(2) as ImportMode;
        if (args.mode && args.mode !== mode) throw new UsageError('give --replace or --append, not both');
        args.mode = mode;
        break;
      }
      case '--fix': {
        const v = value();
        if (v !== 'clip') throw new UsageError(`--fix takes clip (got "${v}")`);
        args.fixClip = true;
        break;
      }
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--user':
        args.user = value();
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        positional.push(flag);
    }
  }
  const [layer, file, ...rest] = positional;
  if (!layer) throw new UsageError('name a layer and a file');
  if (layer === 'roads') throw new UsageError('roads have their own importer: npm run import:roads -- <file>');
  if (!(IMPORT_LAYERS as readonly string[]).includes(layer)) {
    throw new UsageError(`unknown layer "${layer}"; use one of ${IMPORT_LAYERS.join(', ')}`);
  }
  if (!file) throw new UsageError('no input file given');
  if (rest.length) throw new UsageError(`one file at a time (got also ${rest.join(', ')})`);
  if (args.level && layer !== 'regions') throw new UsageError('--level is for regions');
  return { ...args, layer: layer as ImportLayer, file, fields } as Args;
}

/** A bar on a terminal; otherwise (CI logs, pipes) a plain line per phase. */
function progress() {
  const labels: Record<ImportPhase, string> = { stage: 'staging', check: 'checking', write: 'writing' };
  let bar: cliProgress.SingleBar | null = null;
  let current: ImportPhase | null = null;
  return {
    update(phase: ImportPhase, done: number, total: number) {
      if (phase !== current) {
        bar?.stop();
        bar = null;
        current = phase;
        if (process.stdout.isTTY) {
          bar = new cliProgress.SingleBar(
            { format: `${labels[phase].padEnd(9)} [{bar}] {percentage}% | {value} / {total}`, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0);
        } else console.log(`${labels[phase]}…`);
      }
      bar?.setTotal(total);
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

async function checkReadable(file: string) {
  try {
    await access(file, constants.R_OK);
    if (!(await stat(file)).isFile()) throw new ImportInputError(`"${file}" is not a file`);
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportInputError(
      `cannot read "${file}": ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
    );
  }
}

async function main(argv: string[]) {
  const args = parseArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  await checkReadable(args.file);
  const csv = {
    ...(args.fields.lng ? { lngField: args.fields.lng } : {}),
    ...(args.fields.lat ? { latField: args.fields.lat } : {}),
    ...(args.fields.wkt ? { wktField: args.fields.wkt } : {}),
  };
  const parsed = await parseImportFile(args.file, {
    ...csv,
    ...(args.format ? { format: args.format } : {}),
    ...(args.shapefile ? { shapefile: args.shapefile } : {}),
  });
  const attributeFields = Object.fromEntries(
    Object.entries(args.fields).filter(([target]) => !(GEOMETRY_TARGETS as readonly string[]).includes(target)),
  );

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const bar = progress();
  try {
    await migrateToLatest(database.db);
    const userId = args.user ? await userIdByName(database.db, args.user) : null;
    const report = await importParsed(database.db, parsed, {
      layer: args.layer,
      fileName: basename(args.file),
      fields: attributeFields,
      fixClip: args.fixClip,
      dryRun: args.dryRun,
      userId,
      onProgress: bar.update,
      ...(args.crs ? { crs: args.crs } : {}),
      ...(args.level ? { level: args.level } : {}),
      ...(args.parent ? { parent: args.parent } : {}),
      ...(args.mode ? { mode: args.mode } : {}),
    });
    bar.stop();
    console.log(formatReport(report).join('\n'));
  } catch (error) {
    bar.stop();
    if (error instanceof ImportRefused) {
      console.log(formatReport(error.report).join('\n'));
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await database.close();
  }
}

await main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`import: ${error.message} (see --help)`);
    process.exit(2);
  }
  const text = error instanceof Error ? error.message : String(error);
  console.error(
    `import: ${error instanceof ImportInputError ? text : `failed, nothing written: ${text.split('\n')[0]}`}`,
  );
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
