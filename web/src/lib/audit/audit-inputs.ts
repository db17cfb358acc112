/**
 * The audit's inputs and the URL that holds them, so a link opens the same audit (issue 10). Pure
 * functions: the page reads `location.search` once and writes it back with `history.replaceState`.
 */
import { COVERAGE_METHODS, STATION_KINDS, TRAVEL_MODES } from '../constants';
import type { AuditRequest, AuditSitesRequest, CoverageMethod, DemandKind, StationKind, TravelMode } from '../types';

/** GB 50180-2018's 5-, 10- and 15-minute life circles. */
export const MINUTES_PRESETS = [5, 10, 15] as const;
export const MIN_MINUTES = 1;
export const MAX_MINUTES = 60;

/** Residents (household points), workers (worker points), or both together. */
export const DEMAND_CHOICES = ['both', 'household', 'worker'] as const;
export type DemandChoice = (typeof DEMAND_CHOICES)[number];

export const GAP_SPLITS = ['community', 'grid'] as const;
export type GapSplit = (typeof GAP_SPLITS)[number];

export const SITE_PROBLEMS = ['mclp', 'lscp'] as const;
export type SiteProblem = (typeof SITE_PROBLEMS)[number];
export const SITE_SOLVERS = ['auto', 'exact', 'greedy'] as const;
export type SiteSolver = (typeof SITE_SOLVERS)[number];

export type AuditInputs = {
  /** Region id; null until the regions have loaded and one is chosen. */
  region: number | null;
  minutes: number;
  mode: TravelMode;
  method: CoverageMethod;
  /** Empty: every kind. */
  kinds: StationKind[];
  demand: DemandChoice;
  redundancy: boolean;
  /** Count planned stations as covering (only sent when the server takes the flag). */
  includePlanned: boolean;
  /** How the gaps are split on the map (the view, not the computation). */
  split: GapSplit;
};

/** The site suggestion's inputs; `ran` says whether the URL (and so the report) carries them. */
export type SitesInputs = {
  problem: SiteProblem;
  k: number;
  /** LSCP target, a share of the chosen demand (0–1). */
  targetShare: number;
  solver: SiteSolver;
  ran: boolean;
};

export const DEFAULT_INPUTS: AuditInputs = {
  region: null,
  minutes: 15,
  mode: 'walk',
  method: 'radius',
  kinds: [],
  demand: 'both',
  redundancy: false,
  includePlanned: false,
  split: 'community',
};

export const DEFAULT_SITES: SitesInputs = { problem: 'mclp', k: 5, targetShare: 0.95, solver: 'auto', ran: false };

const oneOf = <T extends string>(values: readonly T[], value: string | null, fallback: T): T =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;

function wholeNumber(value: string | null, min: number, max: number): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  return number >= min && number <= max ? number : null;
}

/** Clamps minutes to 1–60 whole minutes (what the API takes). */
export const clampMinutes = (minutes: number) =>
  Number.isFinite(minutes) ? Math.min(MAX_MINUTES, Math.max(MIN_MINUTES, Math.round(minutes))) : DEFAULT_INPUTS.minutes;

export function demandKinds(choice: DemandChoice): DemandKind[] {
  return choice === 'both' ? ['household', 'worker'] : [choice];
}

/** Reads the inputs from a query string; anything missing or malformed takes its default. */
export function parseInputs(search: string): { inputs: AuditInputs; sites: SitesInputs } {
  const query = new URLSearchParams(search);
  const kinds = (query.get('kind') ?? '')
    .split(',')
    .filter((kind): kind is StationKind => (STATION_KINDS as readonly string[]).includes(kind));
  const demandList = (query.get('demand') ?? '').split(',').filter(Boolean);
  const demand: DemandChoice =
    demandList.length === 1 && (demandList[0] === 'household' || demandList[0] === 'worker') ? demandList[0] : 'both';
  const inputs: AuditInputs = {
    region: wholeNumber(query.get('region'), 1, 2_147_483_647),
    minutes: wholeNumber(query.get('minutes'), MIN_MINUTES, MAX_MINUTES) ?? DEFAULT_INPUTS.minutes,
    mode: oneOf(TRAVEL_MODES, query.get('mode'), DEFAULT_INPUTS.mode),
    method: oneOf(COVERAGE_METHODS, query.get('method'), DEFAULT_INPUTS.method),
    // Every kind named is the same as none named.
    kinds: kinds.length === STATION_KINDS.length ? [] : [...new Set(kinds)],
    demand,
    redundancy: query.get('redundancy') === 'true',
    includePlanned: query.get('include_planned') === 'true',
    split: oneOf(GAP_SPLITS, query.get('split'), DEFAULT_INPUTS.split),
  };
  const k = wholeNumber(query.get('k'), 1, 100);
  const target = Number(query.get('target'));
  const targetShare = Number.isFinite(target) && target > 0 && target <= 100 ? target / 100 : null;
  const sites: SitesInputs = {
    problem: targetShare !== null && k === null ? 'lscp' : 'mclp',
    k: k ?? DEFAULT_SITES.k,
    targetShare: targetShare ?? DEFAULT_SITES.targetShare,
    solver: oneOf(SITE_SOLVERS, query.get('solver'), DEFAULT_SITES.solver),
    ran: k !== null || targetShare !== null,
  };
  return { inputs, sites };
}

/** The query string for the inputs (without "?"), defaults left out so links stay short. */
export function inputsQuery(inputs: AuditInputs, sites?: SitesInputs): string {
  const query = new URLSearchParams();
  if (inputs.region !== null) query.set('region', String(inputs.region));
  query.set('minutes', String(inputs.minutes));
  query.set('mode', inputs.mode);
  query.set('method', inputs.method);
  if (inputs.kinds.length) query.set('kind', inputs.kinds.join(','));
  query.set('demand', demandKinds(inputs.demand).join(','));
  if (inputs.redundancy) query.set('redundancy', 'true');
  if (inputs.includePlanned) query.set('include_planned', 'true');
  if (inputs.split !== DEFAULT_INPUTS.split) query.set('split', inputs.split);
  if (sites?.ran) {
    if (sites.problem === 'mclp') query.set('k', String(sites.k));
    else query.set('target', String(Math.round(sites.targetShare * 1000) / 10));
    if (sites.solver !== 'auto') query.set('solver', sites.solver);
  }
  return query.toString();
}

/** What GET /api/audit is sent for these inputs. */
export function auditRequest(inputs: AuditInputs & { region: number }): AuditRequest {
  return {
    region: String(inputs.region),
    minutes: String(inputs.minutes),
    mode: inputs.mode,
    method: inputs.method,
    kind: inputs.kinds.length ? inputs.kinds.join(',') : undefined,
    demand: demandKinds(inputs.demand).join(','),
    redundancy: inputs.redundancy ? 'true' : undefined,
    include_planned: inputs.includePlanned ? 'true' : undefined,
  };
}

/** What POST /api/audit/sites is sent. */
export function sitesRequest(inputs: AuditInputs & { region: number }, sites: SitesInputs): AuditSitesRequest {
  return {
    region: inputs.region,
    minutes: inputs.minutes,
    mode: inputs.mode,
    method: inputs.method,
    demand: demandKinds(inputs.demand),
    ...(inputs.kinds.length ? { kind: inputs.kinds } : {}),
    ...(sites.problem === 'mclp' ? { k: sites.k } : { target_share: sites.targetShare }),
    ...(sites.solver === 'auto' ? {} : { solver: sites.solver }),
    ...(inputs.includePlanned ? { include_planned: true } : {}),
  };
}
