/**
 * Responsibility zones (责任区域): each grid is cut into 2–6 zones (about 90 households each), and
 * runs of neighbouring zones are 包保 by one unit, the way a department takes on a block of streets.
 */
import type { Area } from './geo';
import { numberingOrder, toSamples, type Grid } from './grids';
import { unitPool } from './names';
import { partition } from './partition';
import type { Random } from './random';

export type Zone = { communityCode: string; gridCode: string; name: string; unit: string; geometry: Area };

export function zoneCount(households: number): number {
  return Math.max(2, Math.min(6, Math.round(households / 90)));
}

export function buildZones(rng: Random, grids: Grid[]): Zone[] {
  const zones: Omit<Zone, 'unit'>[] = [];
  for (const grid of grids) {
    const n = zoneCount(grid.households);
    const { cells } = partition({
      parent: grid.geometry,
      n,
      rng: rng.fork(grid.code),
      points: toSamples(grid.points),
      backgroundShare: 0.25,
      iterations: 8,
      samplesPerCell: 50,
    });
    numberingOrder(grid.geometry, cells).forEach((cellIndex, pos) => {
      zones.push({
        communityCode: grid.communityCode,
        gridCode: grid.code,
        name: `${grid.name}第${pos + 1}责任区`,
        geometry: cells[cellIndex] as Area,
      });
    });
  }
  // zones are in code order, i.e. neighbours are close together: hand out runs of 6–16 zones
  const units = unitPool(rng.fork('units'));
  const pick = rng.fork('assign');
  const out: Zone[] = [];
  let u = 0;
  let left = pick.int(6, 16);
  for (const z of zones) {
    if (left === 0) {
      u = (u + 1) % units.length;
      left = pick.int(6, 16);
    }
    out.push({ ...z, unit: units[u] as string });
    left--;
  }
  return out;
}
