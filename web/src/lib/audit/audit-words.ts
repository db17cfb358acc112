/** Sentences the audit's page and report share, in the page's language. */
import { translate, type Locale } from '../i18n/translate';
import type { AuditResponse, CoverageMethod, DemandKind, TravelMode } from '../types';

/** "15 分钟步行服务圈（按半径）": the server's title is Chinese only, so the English page builds its own. */
export function auditTitle(
  result: Pick<AuditResponse, 'minutes' | 'mode' | 'method' | 'title'>,
  locale: Locale,
): string {
  if (locale === 'zh-CN' && result.title) return result.title;
  return titleFor(result.minutes, result.mode, result.method, locale);
}

export function titleFor(minutes: number, mode: TravelMode, method: CoverageMethod, locale: Locale): string {
  return translate(locale, 'audit.title', {
    minutes,
    mode: translate(locale, `coverage.mode.${mode}`),
    method: translate(locale, `audit.method.${method}`),
  });
}

/** "residents and workers" / "居民和从业人员". */
export function demandWords(kinds: readonly DemandKind[], locale: Locale): string {
  const both = kinds.includes('household') && kinds.includes('worker');
  return translate(locale, `audit.demand.${both ? 'both' : (kinds[0] ?? 'household')}`);
}
