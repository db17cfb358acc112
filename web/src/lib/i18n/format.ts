/**
 * Number formatting for panels and tables. Pure functions; the locale is passed in so tests
 * don't depend on the rune state.
 */
import { translate, type Locale } from './translate';

/** "850 m" below a kilometre, "1.2 km" up to 100 km, "123 km" beyond. */
export function formatDistance(distance_m: number): string {
  if (!Number.isFinite(distance_m)) return '–';
  const metres = Math.max(0, distance_m);
  if (metres < 1000) {
    const rounded = Math.round(metres);
    // 999.6 m rounds to 1000 m; say "1.0 km" instead.
    return rounded < 1000 ? `${rounded} m` : '1.0 km';
  }
  const km = metres / 1000;
  return km < 100 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

/** Square metres as km² with two decimals; areas under 0.01 km² stay in m² so small gaps aren't "0.00". */
export function formatArea(area_m2: number, locale: Locale = 'zh-CN'): string {
  if (!Number.isFinite(area_m2)) return '–';
  if (Math.abs(area_m2) < 10_000) return `${formatInteger(area_m2, locale)} m²`;
  const km2 = area_m2 / 1_000_000;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(km2)} km²`;
}

/** A share in [0, 1] as a percentage with one decimal: 0.8734 → "87.3%". */
export function formatPercent(share: number, fractionDigits = 1): string {
  if (!Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(fractionDigits)}%`;
}

/** Rounded integer with thousands separators: 12345.6 → "12,346". */
export function formatInteger(value: number, locale: Locale = 'zh-CN'): string {
  if (!Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.round(value));
}

/**
 * A travel time in whole minutes: 372 s → "6 分钟" / "6 min"; under a minute → "<1 分钟". Rounded to
 * the nearest minute, so a station 14 min 40 s away reads "15 分钟" and still fits "within 15".
 */
export function formatDuration(duration_s: number, locale: Locale = 'zh-CN'): string {
  if (!Number.isFinite(duration_s)) return '–';
  if (duration_s < 60) return translate(locale, 'duration.underOneMinute');
  return translate(locale, 'duration.minutes', { minutes: Math.round(duration_s / 60) });
}

/** An ISO 8601 instant as a short local date and time: "2025/3/2 10:15" / "3/2/2025, 10:15". */
export function formatDateTime(iso: string, locale: Locale = 'zh-CN'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '–';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}
