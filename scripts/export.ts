/**
 * `npm run export -- <layer> [options]`: writes one layer of the configured database to a file
 * (GeoJSON, CSV, zipped Shapefile or KML; WGS84, GCJ-02 or BD-09). Run with --help for the options.
 */
import { writeFile } from 'node:fs/promises';
import {
  EXPORT_CRS,
  EXPORT_FORMATS,
  EXPORT_LAYERS,
  type ExportCrs,
  type ExportFormat,
  type ExportLayer,
} from '../server/src/contracts/export';
import { USER_ROLES } from '../server/src/contracts/enums';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrate';
import { exportService } from '../server/src/export/export.service';
import { ANONYMOUS, type Caller } from '../server/src/services/caller';

const ROLES = [...USER_ROLES, 'public'] as const;
type Role = (typeof ROLES)[number];

const USAGE = `Usage: npm run export -- <layer> [options]

Writes one layer to a file.

  <layer>          ${EXPORT_LAYERS.join(' | ')}
  --format F       ${EXPORT_FORMATS.join(' | ')} (default: from --out's extension, else geojson;
                   shp is a zipped Shapefile with .prj and a UTF-8 .cpg; csv of grids is the grid table)
  --crs C          ${EXPORT_CRS.join(' | ')} (default wgs84); gcj02 for 高德/腾讯, bd09 for 百度
  --out FILE       where to write (default <layer>[.<crs>].<ext> here; - for standard output)
  --role R         ${ROLES.join(' | ')} (default admin): whose view to write; grid workers' names
                   and phones only for roles that may see them (not public, nor anyone with
                   HIDE_PERSONAL_DATA=true)
  -h, --help       this text

The database is DATABASE_URL, or the embedded one in DATA_DIR (default .data; stop the server first).`;

class UsageError extends Error {}

function formatFromName(name: string): ExportFormat | null {
  const n = name.toLowerCase();
  if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.zip') || n.endsWith('.shp')) return 'shp';
  if (n.endsWith('.kml')) return 'kml';
  return null;
}

function parseArgs(argv: string[]) {
  let layer: string | undefined;
  let format: string | undefined;
  let crs = 'wgs84';
  let out: string | undefined;
  let role = 'admin';
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
        return 'help' as const;
      case '--format':
        format = value().toLowerCase();
        break;
      case '--crs':
        crs = value().toLowerCase().replace(/[-_]/g, '');
        break;
      case '--out':
        out = value();
        break;
      case '--role':
        role = value().toLowerCase();
        break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        if (layer !== undefined) throw new UsageError(`one layer at a time (got "${layer}" and "${flag}")`);
        layer = flag;
    }
  }
  if (!layer) throw new UsageError('name a layer');
  if (!(EXPORT_LAYERS as readonly string[]).includes(layer)) {
    throw new UsageError(`unknown layer "${layer}"; use one of ${EXPORT_LAYERS.join(', ')}`);
  }
  const resolved = format ?? (out && out !== '-' ? formatFromName(out) : null) ?? 'geojson';
  if (!(EXPORT_FORMATS as readonly string[]).includes(resolved)) {
    throw new UsageError(`unknown --format "${resolved}"; use one of ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!(EXPORT_CRS as readonly string[]).includes(crs)) {
    throw new UsageError(`unknown --crs "${crs}"; use one of ${EXPORT_CRS.join(', ')}`);
  }
  if (!(ROLES as readonly string[]).includes(role))
    throw new UsageError(`unknown --role "${role}"; use one of ${ROLES.join(', ')}`);
  return {
    layer: layer as ExportLayer,
    format: resolved as ExportFormat,
    crs: crs as ExportCrs,
    out,
    role: role as Role,
  };
}

function callerFor(role: Role): Caller {
  if (role === 'public') return ANONYMOUS;
  return { kind: 'user', role, userId: 0, username: `export-${role}`, scopes: [], via: 'token' };
}

async function main(argv: string[]) {
  const args = parseArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    const service = exportService(database.db, { hidePersonalData: config.hidePersonalData });
    const file = await service.exportLayer(callerFor(args.role), args.layer, { format: args.format, crs: args.crs });
    const target = args.out ?? file.fileName;
    if (target === '-') process.stdout.write(file.body);
    else await writeFile(target, file.body);
    const where = target === '-' ? 'standard output' : target;
    // To stderr, so that `--out -` leaves standard output to the file alone.
    console.error(
      `export: ${file.features} ${args.layer} → ${where} (${args.format}, ${args.crs}, ${(file.body.length / 1024).toFixed(1)} kB)` +
        (file.notes.length ? `; ${file.notes.join('; ')}` : ''),
    );
  } finally {
    await database.close();
  }
}

await main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`export: ${error.message} (see --help)`);
    process.exit(2);
  }
  console.error(`export: failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
