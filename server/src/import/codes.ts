/**
 * Region and grid codes (DOMAIN.md): GB/T 2260 gives a county (区/县) 6 digits; the national
 * statistical codes (统计用区划代码) add 3 for the 街道/乡镇 and 3 for the 社区/村, and write every
 * level in 12 digits (a 街道 as 520115001000, a county as 520115000000). CJ/T 349-2010 numbers a
 * community's grids by appending a sequence (3 digits here) to the community's 12 digits.
 */
import type { RegionLevel } from '../contracts/enums';

/** The level a code of this many digits names (after trailing zero groups are dropped). */
const LEVEL_BY_LENGTH: Record<number, RegionLevel> = { 6: 'district', 9: 'subdistrict', 12: 'community' };

/** Digits only: a code read from a spreadsheet may be a number (DataV's adcode is) or padded. */
function digitsOf(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return String(raw);
  if (typeof raw !== 'string') return null;
  const value = raw.trim().replace(/\.0+$/, '');
  return /^[0-9]+$/.test(value) ? value : null;
}

/**
 * A region code in the database's form (6, 9 or 12 digits) and the level it names, or a reason it
 * is not one. A 12-digit code ending in 000 names a 街道/乡镇 (its first 9 digits); ending in 000000,
 * a county (its first 6).
 */
export function normalizeRegionCode(raw: unknown): { code: string; level: RegionLevel } | { problem: string } {
  const digits = digitsOf(raw);
  if (digits === null) return { problem: `code ${JSON.stringify(raw)} is not digits` };
  let code = digits;
  if (code.length === 12 && code.endsWith('000000')) code = code.slice(0, 6);
  else if (code.length === 12 && code.endsWith('000')) code = code.slice(0, 9);
  else if (code.length === 9 && code.endsWith('000')) code = code.slice(0, 6);
  const level = LEVEL_BY_LENGTH[code.length];
  if (!level) {
    return {
      problem: `code ${digits} has ${digits.length} digits; a region code has 6 (区/县, GB/T 2260), 9 (街道/乡镇) or 12 (社区/村, 统计用区划代码)`,
    };
  }
  if (!/^[1-8][0-9]/.test(code)) return { problem: `code ${digits} does not start with a province code (11–82)` };
  return { code, level };
}

/** The code of the region above (null for a district, the top of the table). */
export function parentCodeOf(code: string): string | null {
  if (code.length === 12) return code.slice(0, 9);
  if (code.length === 9) return code.slice(0, 6);
  return null;
}

export const LEVEL_ABOVE: Record<RegionLevel, RegionLevel | null> = {
  district: null,
  subdistrict: 'district',
  community: 'subdistrict',
};

export const CODE_LENGTH: Record<RegionLevel, number> = { district: 6, subdistrict: 9, community: 12 };

/** A region level from the words files use for it (DataV's `street`, 街道, 村 …), or null. */
export function parseLevel(raw: unknown): RegionLevel | null {
  if (typeof raw !== 'string') return null;
  const v = raw.trim().toLowerCase();
  if (['district', 'county', '区', '县', '区县', '县区', '县级'].includes(v)) return 'district';
  if (['subdistrict', 'street', 'town', 'township', '街道', '乡镇', '镇', '乡', '街道办', '乡级'].includes(v))
    return 'subdistrict';
  if (['community', 'village', '社区', '村', '居委会', '村委会', '社区/村', '村级'].includes(v)) return 'community';
  return null;
}

/** A grid code as stored: 15 digits, the community's 12 and a 3-digit sequence (CJ/T 349-2010). */
export function normalizeGridCode(raw: unknown): { code: string } | { problem: string } {
  const digits = digitsOf(raw);
  if (digits === null) return { problem: `grid code ${JSON.stringify(raw)} is not digits` };
  if (digits.length !== 15) {
    return {
      problem: `grid code ${digits} has ${digits.length} digits; a CJ/T 349-2010 grid code is the community's 12 digits and a 3-digit sequence (15)`,
    };
  }
  return { code: digits };
}

/** `prefix` + a 3-digit sequence. */
export const gridCode = (communityCode: string, sequence: number) =>
  `${communityCode}${String(sequence).padStart(3, '0')}`;
