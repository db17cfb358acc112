/**
 * Stations: 38 户外劳动者服务站 and 10 小蜜蜂驿站 (the 观山湖 figures in the seeds), one
 * 党群服务中心 per community, and about 20 便民服务站. Positions, amenities, hours, operators,
 * phones and addresses are synthetic.
 */
import { createRequire } from 'node:module';
import type { DemoStationProps } from './types';
import { PolygonTester, areaCentroid, distM, offsetLL, round6, type XY } from './geo';
import type { DemandPoint } from './demand';
import { PLACES, makeLandlineFactory } from './names';
import type { CommunityRegion, SubdistrictRegion } from './regions';
import type { Random } from './random';
import { AMENITIES } from '../../server/src/contracts/enums';

const require = createRequire(import.meta.url);

export type Station = { at: XY; props: DemoStationProps };

/** Canonical amenity order (output lists are sorted by it so the file is stable and readable). */
export { AMENITIES };

const HOURS = {
  outdoor: [
    '24/7',
    'Mo-Su 08:00-22:00',
    'Mo-Su 07:00-21:00',
    'Mo-Su 09:00-21:00',
    'Mo-Fr 08:30-17:30; Sa,Su 09:00-17:00',
    'Mo-Su 07:30-20:30',
  ],
  rider: ['24/7', 'Mo-Su 08:00-22:00', 'Mo-Su 10:00-14:00,16:30-22:00', 'Mo-Su 06:00-24:00', 'Mo-Su 09:00-23:00'],
  party: [
    'Mo-Fr 08:30-17:30; Sa,Su 09:00-17:00',
    'Mo-Fr 09:00-17:00',
    'Mo-Fr 08:30-12:00,14:00-17:30',
    'Mo-Su 08:30-18:00',
    'Mo-Fr 08:30-17:30; Sa 09:00-12:00',
  ],
  convenience: ['Mo-Su 08:00-20:00', 'Mo-Sa 08:30-18:00', 'Mo-Su 07:00-21:00', 'Mo-Su 08:00-22:00'],
};

/** Throws unless every value parses with the maintained opening_hours library. */
export function assertOpeningHours(values: Iterable<string>): void {
  const OpeningHours = require('opening_hours') as new (value: string) => unknown;
  for (const v of values) new OpeningHours(v);
}

function amenities(rng: Random, always: string[], maybe: [string, number][]): string[] {
  const set = new Set(always);
  for (const [a, p] of maybe) if (rng.chance(p)) set.add(a);
  return AMENITIES.filter((a) => set.has(a));
}

export type StationInputs = {
  subdistricts: SubdistrictRegion[];
  communities: CommunityRegion[];
  households: DemandPoint[];
  workers: DemandPoint[];
  pointsByCommunity: Map<string, DemandPoint[]>;
  inside: (p: XY) => boolean;
  inLake: (p: XY) => boolean;
  nearestRoadName: (p: XY) => string | null;
};

export function buildStations(rng: Random, inp: StationInputs): Station[] {
  const phone = makeLandlineFactory(rng.fork('phones'));
  const testers = inp.communities.map((c) => ({ c, t: new PolygonTester(c.geometry) }));
  const communityAt = (p: XY) => testers.find(({ t }) => t.contains(p[0], p[1]))?.c ?? null;
  const subName = new Map(inp.subdistricts.map((s) => [s.code, s.name]));
  const ok = (p: XY) => inp.inside(p) && !inp.inLake(p) && communityAt(p) !== null;
  const placeRng = rng.fork('places');
  const places = placeRng.shuffle(PLACES);
  let nextPlace = 0;
  const usedNames = new Set<string>();
  const uniqueName = (base: (place: string) => string, fallback: string, usePool = true): string => {
    while (usePool && nextPlace < places.length) {
      const n = base(places[nextPlace++] as string);
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
    let n = base(fallback);
    for (let k = 2; usedNames.has(n); k++) n = base(`${fallback}${k}`);
    usedNames.add(n);
    return n;
  };
  const addrRng = rng.fork('addresses');
  const address = (p: XY, c: CommunityRegion): string => {
    const road = inp.nearestRoadName(p);
    if (road) return `观山湖区${road}${addrRng.int(1, 399)}号`;
    const sd = subName.get(c.subdistrictCode) ?? '';
    return c.kind === 'village'
      ? `观山湖区${sd}${c.name}${addrRng.int(1, 12)}组`
      : `观山湖区${sd}${c.name}${addrRng.int(1, 99)}号`;
  };

  const stations: Station[] = [];
  const push = (
    at: XY,
    c: CommunityRegion,
    props: Omit<DemoStationProps, 'address' | 'phone' | 'communityCode' | 'status'>,
  ) => {
    const p: XY = [round6(at[0]), round6(at[1])];
    stations.push({
      at: p,
      props: { ...props, address: address(p, c), phone: phone(), status: 'active', communityCode: c.code },
    });
  };

  // party-mass service centres: at the community's centre when that is inside it and dry, otherwise
  // at the resident point closest to the centre
  const party = rng.fork('party');
  for (const c of inp.communities) {
    const centre = areaCentroid(c.geometry);
    let at: XY | null = null;
    const jittered = offsetLL(centre, party.range(-60, 60), party.range(-60, 60));
    if (ok(jittered) && communityAt(jittered)?.code === c.code) at = jittered;
    else if (ok(centre) && communityAt(centre)?.code === c.code) at = centre;
    else {
      const pts = inp.pointsByCommunity.get(c.code) ?? [];
      let bd = Infinity;
      for (const q of pts) {
        const d = distM(q.ll, centre);
        if (d < bd && ok(q.ll)) {
          bd = d;
          at = q.ll;
        }
      }
      if (!at) at = c.seed;
    }
    push(at, c, {
      kind: 'party_service_centre',
      name: `${c.name}党群服务中心`,
      amenities: amenities(
        party,
        ['water', 'toilet', 'rest'],
        [
          ['reading', 0.8],
          ['wifi', 0.7],
          ['cooling', 0.6],
          ['heating', 0.5],
          ['first_aid', 0.5],
          ['charging', 0.6],
          ['microwave', 0.3],
        ],
      ),
      openingHours: party.pick(HOURS.party),
      operator: c.kind === 'village' ? c.sourceName : `${c.name}居委会`,
    });
  }

  // spread-out picks weighted by demand, at least minSpacing metres from each other
  const spread = (r: Random, pts: DemandPoint[], n: number, minSpacing: number, filter: (p: XY) => boolean): XY[] => {
    const chosen: XY[] = [];
    const weights = pts.map((p) => p.w);
    for (let guard = 0; chosen.length < n && guard < 20000; guard++) {
      const p = (pts[r.weightedIndex(weights)] as DemandPoint).ll;
      const q = offsetLL(p, r.range(-40, 40), r.range(-40, 40));
      if (!ok(q) || !filter(q)) continue;
      const spacing = guard < 10000 ? minSpacing : minSpacing / 2;
      if (chosen.some((c) => distM(c, q) < spacing) || stations.some((s) => distM(s.at, q) < 60)) continue;
      chosen.push(q);
    }
    return chosen;
  };
  const isStreet = (p: XY) => communityAt(p)?.subdistrictKind === 'street';

  // 38 outdoor-worker stations: 33 in the 街道 near workers, 5 in the towns
  const out = rng.fork('outdoor');
  const outdoorSites = [
    ...spread(out, inp.workers, 33, 550, isStreet),
    ...spread(out, inp.households, 5, 1500, (p) => !isStreet(p)),
  ];
  const banks = [
    '中国建设银行观山湖支行',
    '中国工商银行金阳支行',
    '贵阳银行观山湖支行',
    '中国农业银行世纪城支行',
    '贵州银行会展城支行',
  ];
  for (const at of outdoorSites) {
    const c = communityAt(at) as CommunityRegion;
    const sd = subName.get(c.subdistrictCode) ?? '';
    const urbanSite = c.subdistrictKind === 'street';
    push(at, c, {
      kind: 'outdoor_worker_station',
      // town stations are named after their community; urban ones after a landmark
      name: uniqueName((pl) => `${sd}户外劳动者服务站(${pl})`, c.name, urbanSite),
      amenities: amenities(
        out,
        ['water', 'rest'],
        [
          ['toilet', 0.8],
          ['microwave', 0.7],
          ['charging', 0.9],
          ['ebike_charging', 0.4],
          ['cooling', 0.8],
          ['heating', 0.6],
          ['first_aid', 0.7],
          ['reading', 0.4],
          ['wifi', 0.6],
          ['tyre_inflation', 0.3],
          ['meals', 0.2],
        ],
      ),
      openingHours: out.pick(HOURS.outdoor),
      operator: out.chance(0.55) ? '观山湖区总工会' : out.chance(0.5) ? out.pick(banks) : `${sd}总工会`,
    });
  }

  // 10 小蜜蜂驿站 for riders, around the busiest commercial streets
  const bee = rng.fork('rider');
  for (const at of spread(bee, inp.workers, 10, 800, isStreet)) {
    const c = communityAt(at) as CommunityRegion;
    push(at, c, {
      kind: 'rider_station',
      name: uniqueName((pl) => `小蜜蜂驿站·${pl}`, c.name),
      amenities: amenities(
        bee,
        ['water', 'charging', 'ebike_charging', 'rest'],
        [
          ['microwave', 0.9],
          ['toilet', 0.5],
          ['wifi', 0.5],
          ['tyre_inflation', 0.5],
          ['cooling', 0.4],
          ['meals', 0.2],
          ['first_aid', 0.3],
        ],
      ),
      openingHours: bee.pick(HOURS.rider),
      operator: bee.pick(['美团', '美团', '饿了么', '饿了么', '观山湖区委组织部', '观山湖区总工会']),
    });
  }

  // 20 便民服务站: 14 in 街道 communities, 6 in the towns
  const conv = rng.fork('convenience');
  const urbanC = conv.shuffle(inp.communities.filter((c) => c.subdistrictKind === 'street')).slice(0, 14);
  const ruralC = conv.shuffle(inp.communities.filter((c) => c.subdistrictKind === 'town')).slice(0, 6);
  for (const c of [...urbanC, ...ruralC].sort((a, b) => a.code.localeCompare(b.code))) {
    const pts = (inp.pointsByCommunity.get(c.code) ?? []).filter(
      (p) => ok(p.ll) && stations.every((s) => distM(s.at, p.ll) > 60),
    );
    if (pts.length === 0) continue;
    const at = (pts[conv.weightedIndex(pts.map((p) => p.w))] as DemandPoint).ll;
    push(at, c, {
      kind: 'convenience_station',
      name: `${c.name}便民服务站`,
      amenities: amenities(
        conv,
        ['water'],
        [
          ['toilet', 0.7],
          ['charging', 0.8],
          ['rest', 0.8],
          ['tyre_inflation', 0.5],
          ['first_aid', 0.6],
          ['wifi', 0.5],
          ['microwave', 0.3],
          ['ebike_charging', 0.3],
        ],
      ),
      openingHours: conv.pick(HOURS.convenience),
      operator: conv.chance(0.6)
        ? c.kind === 'village'
          ? c.sourceName
          : `${c.name}居委会`
        : `${subName.get(c.subdistrictCode) ?? ''}便民服务中心`,
    });
  }

  // a few stations are not (yet) in service: 3 planned, 2 suspended
  const st = rng.fork('status');
  const byKind = (k: DemoStationProps['kind']) => stations.filter((s) => s.props.kind === k);
  const setStatus = (k: DemoStationProps['kind'], status: DemoStationProps['status']) => {
    const candidates = byKind(k).filter((s) => s.props.status === 'active');
    if (candidates.length > 0) st.pick(candidates).props.status = status;
  };
  setStatus('outdoor_worker_station', 'planned');
  setStatus('rider_station', 'planned');
  setStatus('convenience_station', 'planned');
  setStatus('outdoor_worker_station', 'suspended');
  setStatus('convenience_station', 'suspended');

  assertOpeningHours(stations.map((s) => s.props.openingHours));
  return stations;
}
