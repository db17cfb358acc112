/** The CSV download: generated in the browser from the answer the page shows. */
import { translate, type Locale } from '../i18n/translate';
import type { AuditResponse } from '../types';
import { auditTableCsv, csvFileName, type AuditCsvHeadings } from './audit-csv';
import type { AuditTable } from './audit-state.svelte';

export function csvHeadings(locale: Locale): AuditCsvHeadings {
  const word = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  return {
    rank: word('audit.csv.rank'),
    code: word('audit.csv.code'),
    name: word('audit.col.name'),
    community: word('audit.csv.community'),
    area_km2: word('audit.csv.area'),
    areaCovered: word('audit.csv.areaCovered'),
    residents: word('audit.csv.residents'),
    residentsCovered: word('audit.csv.residentsCovered'),
    workers: word('audit.csv.workers'),
    workersCovered: word('audit.csv.workersCovered'),
    peopleLeftOut: word('audit.csv.peopleLeftOut'),
    covered: word('audit.csv.covered'),
    p90: word('audit.csv.p90'),
  };
}

export function tableCsv(result: AuditResponse, table: AuditTable, locale: Locale) {
  const text = auditTableCsv(result.tables[table], csvHeadings(locale), table === 'by_grid');
  const name = csvFileName({
    code: result.region.code,
    table,
    minutes: result.minutes,
    mode: result.mode,
    method: result.method,
  });
  return { text, name };
}

export function downloadTableCsv(result: AuditResponse, table: AuditTable, locale: Locale) {
  const { text, name } = tableCsv(result, table, locale);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
