/**
 * Polsby-Popper compactness (4πA/P²: 1 for a disc, about 0.785 for a square, towards 0 for a snake)
 * and the per-grid totals it is computed from. A grid's perimeter is its blocks' perimeters less
 * twice every boundary two of its blocks share, so the score follows from the block graph alone.
 */
import type { BlockGraph } from './graph';

export const polsbyPopper = (area_m2: number, perimeter_m: number) =>
  perimeter_m > 0 ? (4 * Math.PI * area_m2) / (perimeter_m * perimeter_m) : 0;

export type GridTotals = {
  weight: number[];
  area_m2: number[];
  perimeter_m: number[];
  blocks: number[];
};

/** Each grid's households, area, perimeter and block count under `assignment` (block → grid). */
export function gridTotals(graph: BlockGraph, assignment: readonly number[], grids: number): GridTotals {
  const totals: GridTotals = {
    weight: new Array<number>(grids).fill(0),
    area_m2: new Array<number>(grids).fill(0),
    perimeter_m: new Array<number>(grids).fill(0),
    blocks: new Array<number>(grids).fill(0),
  };
  for (let b = 0; b < graph.size; b++) {
    const g = assignment[b]!;
    if (g < 0) continue;
    totals.weight[g]! += graph.weight[b]!;
    totals.area_m2[g]! += graph.area_m2[b]!;
    totals.blocks[g]! += 1;
    let perimeter = graph.perimeter_m[b]!;
    for (const c of graph.contacts[b]!) if (assignment[c.block] === g) perimeter -= c.shared_m;
    totals.perimeter_m[g]! += perimeter;
  }
  return totals;
}

/** Largest over smallest; Infinity when a grid is empty of households (or there are none). */
export function largestToSmallest(weights: readonly number[]): number {
  if (!weights.length) return Infinity;
  const max = Math.max(...weights);
  const min = Math.min(...weights);
  return min > 0 ? max / min : Infinity;
}
