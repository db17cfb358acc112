/**
 * CSV of an audit table, made in the browser. UTF-8 with a byte-order mark, so Excel opens the
 * Chinese names correctly (without it Excel guesses the ANSI code page); CRLF line ends (RFC 4180);
 * every field with a comma, quote, line break or leading/trailing space is quoted, quotes doubled.
 */
import type { AuditRow } from '../types';

export const CSV_BOM = '\uFEFF';

/** One CSV field. Numbers are written plainly (no thousands separators) so spreadsheets read them as numbers. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  // A leading =, +, - or @ would run as a formula in Excel (CSV injection); names never need one.
  const safe = typeof value === 'string' && /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvText(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return CSV_BOM + [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The column headings, in the page's language; `grid` adds the community column. */
export type AuditCsvHeadings = {
  rank: string;
  code: string;
  name: string;
  community: string;
  area_km2: string;
  areaCovered: string;
  residents: string;
  residentsCovered: string;
  workers: string;
  workersCovered: string;
  peopleLeftOut: string;
  covered: string;
  p90: string;
};

/** Shares as percentages with one decimal, as the table shows them. */
const percent = (share: number) => Math.round(share * 1000) / 10;

/** The table, worst first as the server sorted it, one line per row (no cut-off). */
export function auditTableCsv(rows: readonly AuditRow[], headings: AuditCsvHeadings, grid: boolean): string {
  const header = [
    headings.rank,
    headings.code,
    headings.name,
    ...(grid ? [headings.community] : []),
    headings.area_km2,
    headings.areaCovered,
    headings.residents,
    headings.residentsCovered,
    headings.workers,
    headings.workersCovered,
    headings.peopleLeftOut,
    headings.covered,
    headings.p90,
  ];
  const lines = rows.map((row, index) => [
    index + 1,
    row.code,
    row.name,
    ...(grid ? [row.community?.name ?? ''] : []),
    Math.round(row.area_m2 / 1000) / 1000,
    percent(row.area_covered_share),
    Math.round(row.residents.total),
    row.residents.total > 0 ? percent(row.residents.covered_share) : null,
    Math.round(row.workers.total),
    row.workers.total > 0 ? percent(row.workers.covered_share) : null,
    Math.round(row.people_left_out),
    percent(row.covered_share),
    row.p90_minutes,
  ]);
  return csvText(header, lines);
}

/** A file name that says what and when: `audit-520115-by_grid-15min-walk-radius.csv`. */
export function csvFileName(parts: { code: string; table: string; minutes: number; mode: string; method: string }) {
  return `audit-${parts.code}-${parts.table}-${parts.minutes}min-${parts.mode}-${parts.method}.csv`;
}
