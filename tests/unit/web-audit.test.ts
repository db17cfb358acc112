/** The audit page's pure parts: the URL that holds the inputs, the CSV, the colour scale (issue 10). */
import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../server/src/contracts';
import { auditTableCsv, csvField, csvText, CSV_BOM, type AuditCsvHeadings } from '../../web/src/lib/audit/audit-csv';
import {
  auditRequest,
  DEFAULT_INPUTS,
  DEFAULT_SITES,
  inputsQuery,
  parseInputs,
  sitesRequest,
} from '../../web/src/lib/audit/audit-inputs';
import { gapFill, shareGrade, shareHue } from '../../web/src/lib/audit/audit-colours';
import { fitProjection, pathOf } from '../../web/src/lib/audit/report-svg';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

describe('audit inputs in the URL', () => {
  it('reads every input and writes them back the same', () => {
    const search =
      '?region=8&minutes=12&mode=ebike&method=network&kind=rider_station,convenience_station&demand=worker&redundancy=true&split=grid&k=3&solver=greedy';
    const { inputs, sites } = parseInputs(search);
    expect(inputs).toEqual({
      region: 8,
      minutes: 12,
      mode: 'ebike',
      method: 'network',
      kinds: ['rider_station', 'convenience_station'],
      demand: 'worker',
      redundancy: true,
      includePlanned: false,
      split: 'grid',
    });
    expect(sites).toEqual({ problem: 'mclp', k: 3, targetShare: 0.95, solver: 'greedy', ran: true });
    expect(parseInputs(`?${inputsQuery(inputs, sites)}`)).toEqual({ inputs, sites });
  });

  it('falls back to the defaults for anything missing or malformed', () => {
    const { inputs, sites } = parseInputs('?region=abc&minutes=90&mode=car&method=x&kind=nope&demand=,&split=zone');
    expect(inputs).toEqual(DEFAULT_INPUTS);
    expect(sites.ran).toBe(false);
    expect(parseInputs('?minutes=0').inputs.minutes).toBe(15);
    expect(parseInputs('?minutes=60').inputs.minutes).toBe(60);
  });

  it('treats every station kind named as no filter, and both demand kinds as "both"', () => {
    const all = 'rider_station,outdoor_worker_station,party_service_centre,convenience_station';
    expect(parseInputs(`?kind=${all}`).inputs.kinds).toEqual([]);
    expect(parseInputs('?demand=household,worker').inputs.demand).toBe('both');
    expect(parseInputs('?demand=household').inputs.demand).toBe('household');
  });

  it('keeps an LSCP target as a percentage in the URL and a share in the request', () => {
    const { inputs, sites } = parseInputs('?region=1&target=95');
    expect(sites).toMatchObject({ problem: 'lscp', targetShare: 0.95, ran: true });
    expect(inputsQuery(inputs, sites)).toContain('target=95');
    expect(sitesRequest({ ...inputs, region: 1 }, sites)).toEqual({
      region: 1,
      minutes: 15,
      mode: 'walk',
      method: 'radius',
      demand: ['household', 'worker'],
      target_share: 0.95,
    });
  });

  it('sends the audit query the API takes, include_planned only when asked', () => {
    const inputs = { ...DEFAULT_INPUTS, region: 3, includePlanned: true, kinds: ['rider_station' as const] };
    expect(auditRequest(inputs)).toEqual({
      region: '3',
      minutes: '15',
      mode: 'walk',
      method: 'radius',
      kind: 'rider_station',
      demand: 'household,worker',
      redundancy: undefined,
      include_planned: 'true',
    });
    expect(auditRequest({ ...inputs, includePlanned: false }).include_planned).toBeUndefined();
    expect(sitesRequest({ ...inputs, region: 3 }, { ...DEFAULT_SITES, problem: 'mclp', k: 3 })).toMatchObject({
      include_planned: true,
    });
  });
});

describe('audit CSV', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and defuses formulas', () => {
    expect(csvField('六砂社区')).toBe('六砂社区');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('starts with a byte-order mark and ends every line with CRLF', () => {
    const text = csvText(['a', 'b'], [[1, 'x,y']]);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.slice(1)).toBe('a,b\r\n1,"x,y"\r\n');
  });

  const headings: AuditCsvHeadings = {
    rank: 'rank',
    code: 'code',
    name: 'name',
    community: 'community',
    area_km2: 'area',
    areaCovered: 'area%',
    residents: 'res',
    residentsCovered: 'res%',
    workers: 'wrk',
    workersCovered: 'wrk%',
    peopleLeftOut: 'left',
    covered: 'covered%',
    p90: 'p90',
  };
  const figures = (total: number, covered: number) => ({
    total,
    covered,
    covered_share: total ? covered / total : 0,
    points: 1,
    covered_points: 1,
  });
  const rows: AuditRow[] = deepFreeze([
    {
      id: 'g1',
      code: '520115001001001',
      name: '六砂社区第1网格',
      level: 'grid',
      community: { id: 12, code: '520115001001', name: '六砂社区' },
      area_m2: 1_234_567,
      covered_area_m2: 617_283,
      area_covered_share: 0.5,
      residents: figures(200, 150),
      workers: figures(0, 0),
      people_left_out: 50,
      covered_share: 0.75,
      p90_minutes: 17.07,
    },
    {
      id: 'g2',
      code: '520115001001002',
      name: 'A, "B"',
      level: 'grid',
      community: { id: 12, code: '520115001001', name: '六砂社区' },
      area_m2: 500,
      covered_area_m2: 500,
      area_covered_share: 1,
      residents: figures(10, 10),
      workers: figures(4, 4),
      people_left_out: 0,
      covered_share: 1,
      p90_minutes: null,
    },
  ]);

  it('writes one line per row in the given order, with shares in percent and blanks where there is no demand', () => {
    const lines = auditTableCsv(rows, headings, true).slice(1).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'rank,code,name,community,area,area%,res,res%,wrk,wrk%,left,covered%,p90',
      '1,520115001001001,六砂社区第1网格,六砂社区,1.235,50,200,75,0,,50,75,17.07',
      '2,520115001001002,"A, ""B""",六砂社区,0.001,100,10,100,4,100,0,100,',
    ]);
  });

  it('leaves out the community column for region rows', () => {
    const header = auditTableCsv(rows, headings, false).slice(1).split('\r\n')[0];
    expect(header).toBe('rank,code,name,area,area%,res,res%,wrk,wrk%,left,covered%,p90');
  });
});

describe('audit colours', () => {
  it('are red at half covered or less, green at all covered, and rise in between', () => {
    expect(shareHue(0)).toBe(0);
    expect(shareHue(0.5)).toBe(0);
    expect(shareHue(1)).toBe(120);
    const grades = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1].map(shareGrade);
    for (let i = 1; i < grades.length; i += 1) expect(grades[i]).toBeGreaterThan(grades[i - 1]!);
    // 36.6 % of area covered (issue 10) must not look good.
    expect(shareHue(0.366)).toBe(0);
    // 90 % is not yet green.
    expect(shareHue(0.9)).toBeLessThan(90);
  });

  it('darken a gap with the people it leaves out', () => {
    const light = gapFill(10, 1000);
    const dark = gapFill(1000, 1000);
    expect(dark[0] + dark[1] + dark[2]).toBeLessThan(light[0] + light[1] + light[2]);
    expect(dark[3]).toBeGreaterThan(light[3]);
    expect(gapFill(0, 1000)[3]).toBeLessThan(light[3]);
  });
});

describe('report SVG', () => {
  it('fits the box into the width and keeps its shape', () => {
    const projection = fitProjection([106, 26, 107, 27], 1000, 2000, 0);
    const [x0, y0] = projection.project([106, 27]);
    const [x1, y1] = projection.project([107, 26]);
    expect(x0).toBeCloseTo(0);
    expect(y0).toBeCloseTo(0);
    expect(x1).toBeCloseTo(1000);
    // One degree of latitude is 1/cos(26.5°) times longer on the page than one of longitude.
    expect(y1 / x1).toBeCloseTo(1 / Math.cos((26.5 * Math.PI) / 180), 6);
    expect(projection.height).toBeCloseTo(y1);
  });

  it('writes one closed subpath per ring', () => {
    const projection = fitProjection([0, 0, 1, 1], 100, 100, 0);
    const d = pathOf(
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      projection,
    );
    expect(d).toBe('M0 100L100 100L100 0L0 100Z');
  });
});
