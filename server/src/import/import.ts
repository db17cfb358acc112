/**
 * Puts one file's features into one layer, all or nothing, in one transaction:
 *  1. records (records.ts), converted to WGS84 from the system the file is in (crs.ts);
 *  2. staged in a temporary table, in batches (import.queries.ts);
 *  3. each finds its parent: regions by code (GB/T 2260, 统计用区划代码) or by containment, grids
 *     their community the same way, zones their grid, stations their community;
 *  4. grids and zones pass the planner's rules (valid, inside the parent to 1 m, no overlap beyond
 *     1 m², no sliver), checked set-based over the staging table; `fixClip` applies the clip fixes;
 *  5. grids without a code get the CJ/T 349-2010 code of their community and the next sequence,
 *     numbered west to east and north to south;
 *  6. if any feature broke anything, `ImportRefused` lists every problem and the transaction rolls
 *     back; otherwise the rows are written, grids and zones each with an `import` history row, all
 *     under one change id.
 * A dry run does all of it and rolls back at the end.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Position } from 'geojson';
import type { RegionLevel } from '../contracts/enums';
import type { DB } from '../db/schema';
import {
  MIN_PART_AREA_M2,
  MIN_WIDTH_M,
  OVERLAP_TOLERANCE_M2,
  PARENT_TOLERANCE_M,
  sequenceOrder,
} from '../services/grid-edits.service';
import * as q from '../queries/import.queries';
import { findUserByUsername } from '../queries/auth.queries';
import { CODE_LENGTH, LEVEL_ABOVE, gridCode, parentCodeOf } from './codes';
import { type CrsCheck, checkCrs } from './crs-check';
import { type Crs, mapPositions, toWgs84 } from './crs';
import { type FieldMapping, type FieldReport, mappingProblems, recognizeFields } from './fields';
import { positionsOf } from './geometry';
import { type LayerRecords, readRecords } from './records';
import { type FeatureProblem, type ImportLayer, ImportInputError, type ParsedFile, describeFeature } from './types';

type Tx = Transaction<DB>;

export type ImportMode = 'replace' | 'append';

export type ImportPhase = 'stage' | 'check' | 'write';

export type ImportOptions = {
  layer: ImportLayer;
  /** Named in every problem ("grids.zip: feature 12 (…)"). */
  fileName: string;
  /** The system the file's coordinates are in; undefined is WGS84, and counts as "not given". */
  crs?: Crs;
  /** Regions: every feature is of this level. */
  level?: RegionLevel;
  /** The parent of every feature that names none: a region code (or, for zones, a grid code). */
  parent?: string;
  fields?: FieldMapping;
  /** What to do with rows already there; without it, an import that would touch any is refused. */
  mode?: ImportMode;
  dryRun?: boolean;
  /** Apply the clip fixes (to the parent, and to the siblings earlier in the file). */
  fixClip?: boolean;
  /** Who the history rows name (null: a command-line import). */
  userId?: number | null;
  /**
   * The regions the caller may write in (a planner's scopes, each with everything below it): each
   * feature whose community lies outside them is an `outside_scope` problem. Undefined: anywhere.
   */
  scopes?: number[];
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
};

export type ImportReport = {
  layer: ImportLayer;
  fileName: string;
  format: ParsedFile['format'];
  crs: Crs;
  crsGiven: boolean;
  dryRun: boolean;
  mode: ImportMode | null;
  /** Features in the file, and how many became rows. */
  features: number;
  records: number;
  fields: FieldReport;
  notes: string[];
  crsCheck: CrsCheck | null;
  crsHint: ParsedFile['crsHint'] | null;
  written: { inserted: number; updated: number; deleted: number; zonesMoved: number };
  problems: FeatureProblem[];
  /** Problems that are no one feature's (rows already there and no --replace/--append). */
  refusals: string[];
  changeId: string | null;
  timings_ms: Record<string, number>;
};

/** The import was refused: nothing was written. `report.problems` names each feature at fault. */
export class ImportRefused extends Error {
  override name = 'ImportRefused';
  constructor(readonly report: ImportReport) {
    const n = report.problems.length;
    super(
      n
        ? `${report.fileName}: ${n} problem${n === 1 ? '' : 's'}; nothing was written`
        : `${report.fileName}: ${report.refusals[0] ?? 'refused'}; nothing was written`,
    );
  }
}

/** Carries a dry run's report out of its transaction, which then rolls back. */
class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

const STAGE_BATCH = 2000;
/** A region that lies this much outside its parent gets a warning. */
const REGION_OUTSIDE_WARNING = 0.01;

const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The centre of the raw coordinates (mean of up to ~5,000 positions) and the bbox of the converted ones. */
function extentOf(raw: Position[][], converted: Position[][]) {
  const all = raw.flat();
  const step = Math.max(1, Math.floor(all.length / 5000));
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < all.length; i += step) {
    sx += all[i]![0]!;
    sy += all[i]![1]!;
    n++;
  }
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of converted.flat()) {
    bbox[0] = Math.min(bbox[0], p[0]!);
    bbox[1] = Math.min(bbox[1], p[1]!);
    bbox[2] = Math.max(bbox[2], p[0]!);
    bbox[3] = Math.max(bbox[3], p[1]!);
  }
  return { rawCentre: [sx / n, sy / n] as [number, number], bbox };
}

/** Imports a parsed file into `options.layer`. Throws ImportRefused (nothing written) or ImportInputError. */
export async function importParsed(db: Kysely<DB>, parsed: ParsedFile, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (phase: string) => {
    const now = performance.now();
    timings[phase] = Math.round(now - mark);
    mark = now;
  };
  const given = options.fields ?? {};
  const mappingErrors = mappingProblems(options.layer, parsed.fields, given);
  if (mappingErrors.length) throw new ImportInputError(mappingErrors.join('; '));
  const fields = recognizeFields(options.layer, parsed.fields, given);
  const read = readRecords(
    options.layer,
    parsed.features,
    fields.mapping,
    options.level ? { level: options.level } : {},
  );
  if (!parsed.features.length) throw new ImportInputError(`${options.fileName} holds no features`);

  const crs = options.crs ?? 'wgs84';
  const convert = toWgs84(crs);
  const raw: Position[][] = [];
  const converted: Position[][] = [];
  type AnyRecord = LayerRecords[ImportLayer];
  const records = read.records.map((record: AnyRecord) => {
    if ('geometry' in record) {
      raw.push(positionsOf(record.geometry));
      const geometry = mapPositions(record.geometry, convert);
      converted.push(positionsOf(geometry));
      return { ...record, geometry };
    }
    raw.push([[record.lng, record.lat]]);
    const [lng, lat] = convert(record.lng, record.lat);
    converted.push([[lng, lat]]);
    return { ...record, lng, lat };
  });
  lap('read');

  const report: ImportReport = {
    layer: options.layer,
    fileName: options.fileName,
    format: parsed.format,
    crs,
    crsGiven: options.crs !== undefined,
    dryRun: options.dryRun ?? false,
    mode: options.mode ?? null,
    features: parsed.features.length,
    records: records.length,
    fields,
    notes: [...parsed.notes, ...read.notes],
    crsCheck: null,
    crsHint: parsed.crsHint ?? null,
    written: { inserted: 0, updated: 0, deleted: 0, zonesMoved: 0 },
    problems: [...read.problems],
    refusals: [],
    changeId: null,
    timings_ms: timings,
  };
  const byNumber = new Map(records.map((r) => [r.number, r]));
  const problem = (number: number, rule: string, message: string) =>
    report.problems.push({ number, label: byNumber.get(number)?.label ?? '', rule, message });

  const work = async (tx: Tx) => {
    await q.createStage().execute(tx);
    const rows: q.StageRow[] = records.map((r) => stageRowOf(options.layer, r as AnyRecord));
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      await q.stageRows(rows.slice(i, i + STAGE_BATCH)).execute(tx);
      options.onProgress?.('stage', Math.min(rows.length, i + STAGE_BATCH), rows.length);
    }
    await q.indexStage().execute(tx);
    await q.analyzeStage().execute(tx);
    lap('stage');
    // First: every later statement leaves invalid rows alone (an overlay of a bow-tie throws).
    await validity(tx, problem, WHAT[options.layer]);

    if (records.length) {
      const { rawCentre, bbox } = extentOf(raw, converted);
      report.crsCheck = await checkCrs(tx, {
        given: crs,
        explicit: options.crs !== undefined,
        rawCentre,
        bbox,
        reference: referenceFor(options.layer, records as AnyRecord[]),
      });
    }
    lap('crs_check');

    const layerWork = {
      regions: importRegions,
      grids: importGrids,
      zones: importZones,
      stations: importStations,
      demand: importDemand,
    }[options.layer];
    await layerWork({ tx, options, report, problem, records: records as never, lap });
    lap('write');
    report.problems.sort((a, b) => a.number - b.number || a.rule.localeCompare(b.rule));
    if (report.problems.length || report.refusals.length) throw new ImportRefused(report);
    if (report.dryRun) throw new DryRunDone(report);
  };
  try {
    await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof DryRunDone) return finish(error.report);
    if (error instanceof ImportRefused) {
      finish(error.report);
      throw error;
    }
    throw error;
  }
  return finish(report);

  function finish(r: ImportReport) {
    timings.total = Math.round(performance.now() - started);
    return r;
  }
}

/** What the coordinate check compares a layer with. */
function referenceFor(layer: ImportLayer, records: LayerRecords[ImportLayer][]) {
  if (layer === 'grids') return { what: 'communities', ref: { table: 'region', level: 'community' } } as const;
  if (layer === 'zones') return { what: 'grids', ref: { table: 'grid' } } as const;
  if (layer === 'regions') {
    // The level above the file's highest level (a district file has nothing above it: compare
    // with districts already there, which a second copy of the same district would match).
    const levels = (records as LayerRecords['regions'][]).map((r) => r.level ?? 'community');
    const top = levels.includes('district') ? 'district' : levels.includes('subdistrict') ? 'subdistrict' : 'community';
    const above = LEVEL_ABOVE[top] ?? 'district';
    return {
      what: `${above === 'district' ? 'districts' : above === 'subdistrict' ? 'subdistricts' : 'communities'}`,
      ref: { table: 'region', level: above },
    } as const;
  }
  return 'road-or-communities' as const;
}

function stageRowOf(layer: ImportLayer, r: LayerRecords[ImportLayer]): q.StageRow {
  const base = { idx: r.number, label: r.label };
  switch (layer) {
    case 'regions': {
      const x = r as LayerRecords['regions'];
      return {
        ...base,
        geojson: JSON.stringify(x.geometry),
        code: x.code,
        name: x.name,
        level: x.level,
        parentCode: x.parentCode,
      };
    }
    case 'grids': {
      const x = r as LayerRecords['grids'];
      return {
        ...base,
        geojson: JSON.stringify(x.geometry),
        code: x.code,
        name: x.name,
        ref: x.communityRef,
        kind: x.kind,
        households: x.households,
        population: x.population,
        workerName: x.workerName,
        workerPhone: x.workerPhone,
      };
    }
    case 'zones': {
      const x = r as LayerRecords['zones'];
      return {
        ...base,
        geojson: JSON.stringify(x.geometry),
        name: x.name,
        unit: x.unit,
        ref: x.gridRef,
        ref2: x.communityRef,
      };
    }
    case 'stations': {
      const x = r as LayerRecords['stations'];
      return {
        ...base,
        geojson: JSON.stringify({ type: 'Point', coordinates: [x.lng, x.lat] }),
        name: x.name,
        kind: x.kind,
        address: x.address,
        amenities: x.amenities,
        openingHours: x.openingHours,
        operator: x.operator,
        phone: x.phone,
        status: x.status,
        ref: x.communityRef,
      };
    }
    default: {
      const x = r as LayerRecords['demand'];
      return {
        ...base,
        geojson: JSON.stringify({ type: 'Point', coordinates: [x.lng, x.lat] }),
        kind: x.kind,
        weight: x.weight,
      };
    }
  }
}

type LayerContext<L extends ImportLayer> = {
  tx: Tx;
  options: ImportOptions;
  report: ImportReport;
  problem: (number: number, rule: string, message: string) => void;
  records: LayerRecords[L][];
  /** Closes a timing phase (`check` before the writes, `write` after). */
  lap: (phase: string) => void;
};

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n);

/** Refuses an import that would touch rows already there unless --replace or --append says how. */
function requireMode(report: ImportReport, existing: number, what: string, replaceMeans: string) {
  if (existing > 0 && report.mode === null) {
    report.refusals.push(
      `the database already holds ${existing} ${what}; pass --replace to ${replaceMeans}, or --append to keep them and add these`,
    );
  }
}

const WHAT: Record<ImportLayer, string> = {
  regions: 'region',
  grids: 'grid',
  zones: 'zone',
  stations: 'station',
  demand: 'demand point',
};

async function validity(tx: Tx, problem: LayerContext<ImportLayer>['problem'], what: string) {
  const invalid = (await q.checkValidity().execute(tx)).rows;
  for (const row of invalid) {
    const at =
      row.location && row.location.type === 'Point'
        ? ` at ${row.location.coordinates[0]!.toFixed(6)}, ${row.location.coordinates[1]!.toFixed(6)}`
        : '';
    problem(row.idx, 'valid_geometry', `the ${what}'s geometry is not valid: ${row.reason}${at}. Fix the ring there.`);
  }
  return invalid.length;
}

// ── Regions ───────────────────────────────────────────────────────────────────────────────────

async function importRegions(ctx: LayerContext<'regions'>) {
  const { tx, options, report, problem } = ctx;
  let parentOption: { id: number; code: string; level: RegionLevel } | null = null;
  if (options.parent) {
    const found = (await q.regionByCode(options.parent).execute(tx)).rows[0];
    if (!found) throw new ImportInputError(`--parent ${options.parent}: no region has that code in the database`);
    parentOption = { id: found.id, code: found.code, level: found.level as RegionLevel };
  }
  const levelBelow: Record<RegionLevel, RegionLevel | null> = {
    district: 'subdistrict',
    subdistrict: 'community',
    community: null,
  };
  type Row = LayerRecords['regions'] & { parentIdx?: number; parentId?: number | null; finalCode?: string };
  const rows: Row[] = ctx.records.map((r) => ({ ...r }));
  for (const r of rows) {
    if (!r.level && parentOption) r.level = levelBelow[parentOption.level];
    if (!r.level) {
      problem(r.number, 'no_level', 'no code and no level: give the region its code, a level field, or --level');
      continue;
    }
    r.parentCode ??= (r.code ? parentCodeOf(r.code) : null) ?? parentOption?.code ?? null;
    if (r.level === 'district') r.parentCode = null;
  }
  // Keep the rows with a level; order parents before children.
  const order: RegionLevel[] = ['district', 'subdistrict', 'community'];
  const ok = rows.filter((r) => r.level);
  const byCode = new Map<string, Row>();
  for (const r of ok) {
    if (!r.code) continue;
    const first = byCode.get(r.code);
    if (first) problem(r.number, 'duplicate_code', `code ${r.code} is also feature ${first.number}'s`);
    else byCode.set(r.code, r);
  }
  const codes = [...byCode.keys()];
  const parentCodes = [...new Set(ok.map((r) => r.parentCode).filter((c): c is string => !!c))];
  const inDb = new Map(
    (await q.regionsWithCodes([...new Set([...codes, ...parentCodes])]).execute(tx)).rows.map((r) => [r.code, r]),
  );
  const existing = codes.filter((c) => inDb.has(c));
  requireMode(
    report,
    existing.length,
    `regions with these codes (${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', …' : ''})`,
    'update them in place (their grids stay)',
  );
  if (report.mode === 'append') {
    for (const c of existing)
      problem(
        byCode.get(c)!.number,
        'code_taken',
        `region ${c} (${inDb.get(c)!.name}) is already in the database; --replace updates it`,
      );
  }

  // Parents: by code, in the file or in the database; then by containment.
  let byContainment = 0;
  for (const level of order.slice(1) as RegionLevel[]) {
    const above = LEVEL_ABOVE[level]!;
    const atLevel = ok.filter((r) => r.level === level);
    const unresolved: Row[] = [];
    for (const r of atLevel) {
      const code = r.parentCode;
      const inFile = code ? byCode.get(code) : undefined;
      const there = code ? inDb.get(code) : undefined;
      if (inFile && inFile.level === above) r.parentIdx = inFile.number;
      else if (there && there.level === above) r.parentId = there.id;
      else unresolved.push(r);
    }
    if (!unresolved.length) continue;
    const found = (
      await q
        .regionParentsByContainment(
          unresolved.map((r) => r.number),
          above,
        )
        .execute(tx)
    ).rows;
    const pick = new Map(found.map((f) => [f.idx, f]));
    for (const r of unresolved) {
      const f = pick.get(r.number);
      if (f?.stage_idx != null) r.parentIdx = f.stage_idx;
      else if (f?.region_id != null) r.parentId = f.region_id;
      else {
        problem(
          r.number,
          'no_parent',
          `no ${above} found for this ${level}: ${r.parentCode ? `none has code ${r.parentCode}, and ` : ''}none contains it; import the ${above} first, or give --parent <code>`,
        );
        continue;
      }
      byContainment++;
    }
  }
  if (byContainment) report.notes.push(`${plural(byContainment, 'region')} found their parent by containment`);

  // Codes: the parent's code and the next free 3-digit sequence.
  const parentCodeOfRow = (r: Row): string | null => {
    if (r.parentIdx !== undefined) return ok.find((p) => p.number === r.parentIdx)?.finalCode ?? null;
    if (r.parentId != null) return [...inDb.values()].find((p) => p.id === r.parentId)?.code ?? null;
    return null;
  };
  const dbParentIds = [...new Set(ok.map((r) => r.parentId).filter((id): id is number => typeof id === 'number'))];
  const taken = new Set<string>([...codes, ...(await q.childCodes(dbParentIds).execute(tx)).rows.map((r) => r.code)]);
  let generated = 0;
  for (const level of order) {
    for (const r of ok.filter((x) => x.level === level)) {
      if (r.code) {
        r.finalCode = r.code;
        continue;
      }
      if (level === 'district') {
        problem(r.number, 'no_code', 'a district needs its 6-digit GB/T 2260 code (a code field, or --code-field)');
        continue;
      }
      const prefix = parentCodeOfRow(r);
      if (!prefix || prefix.length !== CODE_LENGTH[LEVEL_ABOVE[level]!]) continue; // its parent's problem is reported
      let sequence = 1;
      while (taken.has(prefix + String(sequence).padStart(3, '0')) && sequence < 999) sequence++;
      const code = prefix + String(sequence).padStart(3, '0');
      if (taken.has(code)) {
        problem(r.number, 'sequence_full', `no free 3-digit code left under ${prefix}`);
        continue;
      }
      taken.add(code);
      r.finalCode = code;
      generated++;
    }
  }
  if (generated) report.notes.push(`${plural(generated, 'region')} without a code numbered after their parent's`);
  ctx.lap('check');
  if (report.problems.length || report.refusals.length) return;

  // Write, level by level, parents first.
  const written = new Map<number, number>(); // feature number → region id
  const ids: number[] = [];
  let done = 0;
  for (const level of order) {
    const atLevel = ok.filter((r) => r.level === level);
    if (!atLevel.length) continue;
    const result = await q
      .writeRegions(
        atLevel.map((r) => ({
          idx: r.number,
          code: r.finalCode!,
          parentId: r.parentIdx !== undefined ? written.get(r.parentIdx)! : (r.parentId ?? null),
        })),
      )
      .execute(tx);
    const idByCode = new Map(result.rows.map((x) => [x.code, x]));
    for (const r of atLevel) {
      const row = idByCode.get(r.finalCode!)!;
      written.set(r.number, row.id);
      ids.push(row.id);
      if (row.inserted) report.written.inserted++;
      else report.written.updated++;
    }
    done += atLevel.length;
    options.onProgress?.('write', done, ok.length);
  }
  const outside = (await q.regionsOutsideParent(ids, REGION_OUTSIDE_WARNING).execute(tx)).rows;
  if (outside.length) {
    report.notes.push(
      `warning: ${plural(outside.length, 'region')} lie partly outside their parent (${outside
        .slice(0, 5)
        .map((o) => `${o.name} ${o.code}: ${(100 * o.share).toFixed(1)} % outside ${o.parent_code}`)
        .join('; ')}${outside.length > 5 ? '; …' : ''})`,
    );
  }
}

// ── Grids and zones ───────────────────────────────────────────────────────────────────────────

/** A planner imports inside their scopes only (`options.scopes`), as their saves are checked. */
async function checkScopes(ctx: LayerContext<'grids' | 'zones' | 'stations'>, what: 'grid' | 'zone' | 'station') {
  const { scopes } = ctx.options;
  if (!scopes) return;
  for (const row of (await q.stagedOutsideScopes(scopes, what === 'station').execute(ctx.tx)).rows) {
    ctx.problem(
      row.idx,
      'outside_scope',
      row.community_code
        ? `the ${what} lies in community ${row.community_name} (${row.community_code}), outside the regions you may edit`
        : `the ${what} lies in no community, and outside the regions you may edit`,
    );
  }
}

/** Runs the planner's rules over the staged areas; with `fixClip`, clips and checks again. */
async function checkAreas(ctx: LayerContext<'grids' | 'zones'>, area: q.StagedArea, existingSiblings: boolean) {
  const { tx, options, report, problem } = ctx;
  const what = area;
  const parentWhat = area === 'grid' ? 'community' : 'grid';
  const siblings = `${area}s`;
  const labelOf = new Map(ctx.records.map((r) => [r.number, r.label]));
  const step = (n: number) => options.onProgress?.('check', n, 3);

  let outside = (await q.outsideParentRows(area, PARENT_TOLERANCE_M).execute(tx)).rows;
  step(1);
  let overlaps = (await q.overlapRows(area, OVERLAP_TOLERANCE_M2, existingSiblings).execute(tx)).rows;
  step(2);
  if (options.fixClip && (outside.length || overlaps.length)) {
    const toParent = outside.map((o) => o.idx);
    // Of two staged siblings the later in the file gives way; a staged one always gives way to one in the database.
    const toEarlier = [...new Set(overlaps.map((o) => o.other_idx ?? o.idx))];
    if (toParent.length) await q.clipToParent(area, toParent).execute(tx);
    if (toEarlier.length) await q.clipToEarlier(area, toEarlier, existingSiblings).execute(tx);
    report.notes.push(
      `--fix clip: ${plural(toParent.length, what)} clipped to their ${parentWhat}, ${plural(toEarlier.length, what)} clipped to the ${siblings} before them`,
    );
    for (const { idx } of (await q.emptyStaged().execute(tx)).rows) {
      problem(
        idx,
        'inside_parent',
        `nothing of the ${what} is left after the clip: it lies wholly outside its ${parentWhat} or under other ${siblings}`,
      );
    }
    outside = (await q.outsideParentRows(area, PARENT_TOLERANCE_M).execute(tx)).rows;
    overlaps = (await q.overlapRows(area, OVERLAP_TOLERANCE_M2, existingSiblings).execute(tx)).rows;
  }
  for (const o of outside) {
    problem(
      o.idx,
      'inside_parent',
      `${round1(o.outside_m2)} m² of the ${what} lies more than ${PARENT_TOLERANCE_M} m outside its ${parentWhat} ${o.parent_name}${o.parent_code ? ` (${o.parent_code})` : ''}; --fix clip keeps only the part inside`,
    );
  }
  for (const o of overlaps) {
    const other =
      o.other_idx !== null
        ? `feature ${o.other_idx}${labelOf.get(o.other_idx) ? ` (${labelOf.get(o.other_idx)})` : ''}`
        : `${what} ${o.other_code ?? o.other_name} already in the database`;
    // Reported against the feature that would give way to the clip.
    const at = o.other_idx ?? o.idx;
    const with_ =
      o.other_idx !== null ? `feature ${o.idx}${labelOf.get(o.idx) ? ` (${labelOf.get(o.idx)})` : ''}` : other;
    problem(
      at,
      'no_overlap',
      `the ${what} overlaps ${with_} by ${round1(o.overlap_m2)} m²; ${siblings} must not overlap (不交叉重叠); --fix clip takes the overlap from the later one`,
    );
  }
  const slivers = (await q.sliverRows(MIN_WIDTH_M / 2, MIN_PART_AREA_M2).execute(tx)).rows;
  step(3);
  const byIdx = new Map<number, number[]>();
  for (const s of slivers) byIdx.set(s.idx, [...(byIdx.get(s.idx) ?? []), s.area_m2]);
  for (const [idx, areas] of byIdx) {
    problem(
      idx,
      'no_sliver',
      `${plural(areas.length, 'part')} of the ${what} ${areas.length > 1 ? 'are slivers' : 'is a sliver'} (narrower than ${MIN_WIDTH_M} m or smaller than ${MIN_PART_AREA_M2} m²: ${areas.map((a) => `${round1(a)} m²`).join(', ')})`,
    );
  }
}

async function importGrids(ctx: LayerContext<'grids'>) {
  const { tx, options, report, problem } = ctx;
  let within: number | null = null;
  if (options.parent) {
    const parent = (await q.regionByCode(options.parent).execute(tx)).rows[0];
    if (!parent) throw new ImportInputError(`--parent ${options.parent}: no region has that code in the database`);
    if (parent.level === 'community') {
      await q.communitiesByCode().execute(tx);
      await q.communityForAll(parent.id).execute(tx);
    } else within = parent.id;
  }
  const byCode = affected(await q.communitiesByCode().execute(tx));
  const byContainment = affected(await q.communitiesByContainment(within).execute(tx));
  report.notes.push(
    `communities: ${plural(byCode, 'grid')} by code${byContainment ? `, ${byContainment} by containment` : ''}${options.parent ? ` (--parent ${options.parent})` : ''}`,
  );
  for (const row of (await q.withoutParent('grid').execute(tx)).rows) {
    if (!row.valid) continue; // its geometry problem is listed; containment needs a valid geometry
    const byItsCode = row.code
      ? ` (no community has code ${row.code.slice(0, 12)}, its code's first 12 digits)`
      : row.ref
        ? ` (no community has code or name ${row.ref})`
        : '';
    problem(
      row.idx,
      'no_parent',
      `the grid lies in no community${byItsCode}; import the communities first, or give --parent <community code>`,
    );
  }
  await checkScopes(ctx, 'grid');
  for (const row of (await q.codesOutsideCommunity().execute(tx)).rows) {
    problem(
      row.idx,
      'bad_code',
      `code ${row.code} does not start with its community's code ${row.community_code} (CJ/T 349-2010)`,
    );
  }
  for (const row of (await q.duplicateStagedCodes().execute(tx)).rows) {
    for (const idx of row.idxs.slice(1))
      problem(idx, 'duplicate_code', `code ${row.code} is also feature ${row.idxs[0]}'s`);
  }
  const existing = (await q.existingCount('grid').execute(tx)).rows[0]!.n;
  requireMode(
    report,
    existing,
    'grids in the communities this file covers',
    'replace them (their zones move to the new grids)',
  );
  const communities = (await q.stagedParents('grid').execute(tx)).rows.map((r) => Number(r.id));
  const replaced = report.mode === 'replace' ? communities : [];
  for (const row of (await q.codesTaken(replaced).execute(tx)).rows) {
    problem(row.idx, 'code_taken', `code ${row.code} is already a grid's, in community ${row.community_code}`);
  }

  // CJ/T 349-2010 codes for grids without: the next sequences, west to east and north to south.
  const places = (await q.stagedPlaces().execute(tx)).rows;
  if (places.length) {
    const prefixes = [...new Set(places.map((p) => p.community_code))];
    const used = new Set((await q.usedGridCodes(prefixes, replaced).execute(tx)).rows.map((r) => r.code));
    for (const r of ctx.records) if (r.code) used.add(r.code);
    const assigned: { idx: number; code: string; name: string }[] = [];
    for (const prefix of prefixes) {
      const here = places.filter((p) => p.community_code === prefix);
      const order = sequenceOrder(
        here.map((p) => ({
          id: String(p.idx),
          code: '',
          lng: p.lng,
          lat: p.lat,
          height_deg: p.bounds[3] - p.bounds[1],
        })),
      );
      let sequence = 0;
      for (const id of order) {
        do sequence++;
        while (used.has(gridCode(prefix, sequence)) && sequence <= 999);
        const place = here.find((p) => String(p.idx) === id)!;
        if (sequence > 999) {
          problem(
            place.idx,
            'sequence_full',
            `community ${prefix} has no free 3-digit grid sequence left (CJ/T 349-2010)`,
          );
          continue;
        }
        const code = gridCode(prefix, sequence);
        used.add(code);
        assigned.push({ idx: place.idx, code, name: `${place.community_name}第${sequence}网格` });
      }
    }
    if (assigned.length) await q.setStagedCodes(assigned).execute(tx);
    report.notes.push(
      `${plural(assigned.length, 'grid')} without a code given the next CJ/T 349-2010 codes of their community`,
    );
  }

  await checkAreas(ctx, 'grid', report.mode === 'append');
  ctx.lap('check');
  if (report.problems.length || report.refusals.length) return;

  const changeId = randomUUID();
  const entry = { userId: options.userId ?? null, changeId };
  report.changeId = changeId;
  if (report.mode === 'replace') {
    await q.captureZonesOfReplacedGrids().execute(tx);
    report.written.deleted = (await q.deleteGridsOfStagedCommunities(entry).execute(tx)).rows[0]!.n;
  }
  report.written.inserted = (await q.insertStagedGrids(entry).execute(tx)).rows[0]!.n;
  options.onProgress?.('write', ctx.records.length, ctx.records.length);
  if (report.mode === 'replace') {
    const moved = (await q.readoptZones(entry).execute(tx)).rows;
    report.written.zonesMoved = moved.length;
    const orphaned = moved.filter((z) => z.grid_id === null).length;
    if (moved.length) {
      report.notes.push(
        `${plural(moved.length, 'zone')} of the replaced grids moved to the new grids${orphaned ? `; ${orphaned} lie in none and now belong to no grid` : ''}`,
      );
    }
  }
}

async function importZones(ctx: LayerContext<'zones'>) {
  const { tx, options, report, problem } = ctx;
  let within: number | null = null;
  if (options.parent) {
    if (options.parent.length === 15) {
      const g = (await q.gridByCode(options.parent).execute(tx)).rows[0];
      if (!g) throw new ImportInputError(`--parent ${options.parent}: no grid has that code in the database`);
      await q.gridsByCode().execute(tx);
      await q.gridForAll(g.id, g.community_id).execute(tx);
    } else {
      const region = (await q.regionByCode(options.parent).execute(tx)).rows[0];
      if (!region || region.level !== 'community') {
        throw new ImportInputError(
          `--parent ${options.parent}: for zones, name a grid (15 digits) or a community (12) in the database`,
        );
      }
      within = region.id;
    }
  }
  const byCode = affected(await q.gridsByCode().execute(tx));
  const byContainment = affected(await q.gridsByContainment(within).execute(tx));
  report.notes.push(
    `grids: ${plural(byCode, 'zone')} by grid code${byContainment ? `, ${byContainment} by containment` : ''}`,
  );
  for (const row of (await q.withoutParent('zone').execute(tx)).rows) {
    if (!row.valid) continue;
    problem(
      row.idx,
      'no_parent',
      `the zone lies in no grid${row.ref ? ` (no grid has code ${row.ref})` : ''}; import the grids first, or give --parent <grid code>`,
    );
  }
  await checkScopes(ctx, 'zone');
  const existing = (await q.existingCount('zone').execute(tx)).rows[0]!.n;
  requireMode(report, existing, 'zones in the grids this file covers', 'replace them');
  await checkAreas(ctx, 'zone', report.mode === 'append');
  ctx.lap('check');
  if (report.problems.length || report.refusals.length) return;

  const changeId = randomUUID();
  const entry = { userId: options.userId ?? null, changeId };
  report.changeId = changeId;
  if (report.mode === 'replace')
    report.written.deleted = (await q.deleteZonesOfStagedGrids(entry).execute(tx)).rows[0]!.n;
  report.written.inserted = (await q.insertStagedZones(entry).execute(tx)).rows[0]!.n;
  options.onProgress?.('write', ctx.records.length, ctx.records.length);
}

async function importStations(ctx: LayerContext<'stations'>) {
  const { tx, options, report } = ctx;
  const byCode = affected(await q.communitiesByCode().execute(tx));
  const byContainment = affected(await q.stationCommunities().execute(tx));
  const none = ctx.records.length - byCode - byContainment;
  report.notes.push(
    `communities: ${byCode} by code or name, ${byContainment} by containment${none > 0 ? `, ${none} in none` : ''}`,
  );
  await checkScopes(ctx, 'station');
  const existing = (await q.existingCount('station').execute(tx)).rows[0]!.n;
  requireMode(report, existing, 'stations', 'replace the whole station list');
  ctx.lap('check');
  if (report.problems.length || report.refusals.length) return;
  if (report.mode === 'replace') report.written.deleted = (await q.deleteAllStations().execute(tx)).rows[0]!.n;
  report.written.inserted = (await q.insertStagedStations(options.userId ?? null).execute(tx)).rows[0]!.n;
  options.onProgress?.('write', ctx.records.length, ctx.records.length);
}

async function importDemand(ctx: LayerContext<'demand'>) {
  const { tx, options, report } = ctx;
  const kinds = [...new Set(ctx.records.map((r) => r.kind))];
  const existing = (await q.existingCount('demand_point', kinds).execute(tx)).rows[0]!.n;
  requireMode(
    report,
    existing,
    `demand points of kind ${kinds.join(' and ')}`,
    `replace the ${kinds.join(' and ')} points`,
  );
  ctx.lap('check');
  if (report.problems.length || report.refusals.length) return;
  if (report.mode === 'replace') report.written.deleted = (await q.deleteDemand(kinds).execute(tx)).rows[0]!.n;
  report.written.inserted = (await q.insertStagedDemand().execute(tx)).rows[0]!.n;
  options.onProgress?.('write', ctx.records.length, ctx.records.length);
}

/** The summary as lines of text, for the command line (and a log). */
export function formatReport(report: ImportReport): string[] {
  const lines: string[] = [];
  const head = `${report.fileName} → ${report.layer} (${report.format}, ${report.crs}${report.crsGiven ? '' : ' by default'})`;
  lines.push(report.dryRun ? `${head}: dry run, nothing written` : head);
  lines.push(`  features:     ${report.features} read, ${report.records} usable`);
  lines.push(
    `  fields used:  ${report.fields.used.map((u) => `${u.target} ← ${u.source}${u.how === 'given' ? ' (given)' : ''}`).join(', ') || 'none'}`,
  );
  if (report.fields.unused.length) lines.push(`  not used:     ${report.fields.unused.join(', ')}`);
  for (const note of report.notes) lines.push(`  note:         ${note}`);
  if (report.crsHint && !report.crsGiven)
    lines.push(`  coordinates:  ${report.crsHint.reason}; pass --crs ${report.crsHint.crs} if so`);
  if (report.crsCheck) {
    lines.push(`  coordinates:  ${report.crsCheck.suggestion ? 'WARNING: ' : ''}${report.crsCheck.message}`);
  }
  if (report.problems.length || report.refusals.length) {
    const hint = report.crsCheck?.suggestion
      ? ` (try --crs ${report.crsCheck.suggestion} first: see "coordinates" above)`
      : '';
    lines.push(`  REFUSED, nothing written: ${plural(report.problems.length, 'problem')}${hint}`);
    for (const r of report.refusals) lines.push(`    ${r}`);
    const shown = report.problems.slice(0, 200);
    for (const p of shown) lines.push(`    ${describeFeature(report.fileName, p)}: ${p.rule}: ${p.message}`);
    if (report.problems.length > shown.length) lines.push(`    … and ${report.problems.length - shown.length} more`);
  } else {
    const w = report.written;
    const verb = report.dryRun ? 'would write' : 'written';
    lines.push(
      `  ${verb.padEnd(12)}  ${w.inserted} inserted${w.updated ? `, ${w.updated} updated` : ''}${w.deleted ? `, ${w.deleted} replaced` : ''}${report.mode ? ` (--${report.mode})` : ''}`,
    );
    if (report.changeId && !report.dryRun)
      lines.push(`  history:      one change, ${report.changeId} (a restore undoes any row of it)`);
  }
  lines.push(
    `  time:         ${((report.timings_ms.total ?? 0) / 1000).toFixed(1)} s (${Object.entries(report.timings_ms)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')})`,
  );
  return lines;
}

/** The account a command-line import names in its history rows (--user). */
export async function userIdByName(db: Kysely<DB>, username: string): Promise<number> {
  const user = await findUserByUsername(db, username).executeTakeFirst();
  if (!user) throw new ImportInputError(`--user ${username}: no such account`);
  return user.id;
}
