/**
 * Drafting balanced grids for a community (issue 8, `POST /api/regions/:id/draft-grids`): a
 * proposal, never saved. The steps:
 * 1. Street blocks: the faces the community's boundary and its roads cut it into (PostGIS
 *    polygonize), with the household demand points inside each.
 * 2. Blocks holding more than a grid's target households are cut by a straight line through their
 *    demand (drafting/split.ts), and the streets polygonized again with the cuts, until none does
 *    (at most six rounds): a block with no inner street would otherwise be a lump no partition can
 *    balance, and a cut that halves its demand is the line a planner would draw. Crumbs (under
 *    20 m² or 2 m wide) are folded into their neighbours.
 * 3. The partition (drafting/partition.ts): bisection and spanning-tree starts, then local moves.
 *    When its largest-to-smallest ratio misses the aim (1.1), steps 2 and 3 run again with blocks
 *    cut down to half, a quarter, then an eighth of a grid: boundaries leave the streets only as far
 *    as balance needs. The best draft of those tried is the answer.
 * 4. Each grid is the union of its blocks in PostGIS; since blocks share exact edges, the grids tile
 *    the community with no slivers between them.
 *
 * Households and population: a household demand point's weight is residents (persons; see
 * data/src/demand.ts, 20–200 per building entrance), so a grid's population is the sum of the
 * weights inside it and its households are that over the persons per household: the community's
 * own (its grids' population over their households) when it has grids with households, otherwise
 * 2.8, the figure the demo city's grids were built with (data/src/grids.ts). Within a community the
 * two are proportional, so balancing households balances population too.
 */
import type { Kysely } from 'kysely';
import type { LineString } from 'geojson';
import {
  type DraftGridProps,
  type DraftGridsParams,
  type DraftGridsResponse,
  MAX_GRIDS_PER_COMMUNITY,
} from '../contracts';
import type { DB } from '../db/schema';
import { gridTotals, largestToSmallest, polsbyPopper } from '../drafting/compactness';
import { type BlockInput, buildBlockGraph, everyGridConnected, mergeCrumbs } from '../drafting/graph';
import { kMeans } from '../drafting/kmeans';
import { DraftingError, draftPartition } from '../drafting/partition';
import { seededRandom } from '../drafting/random';
import { type WeightedPoint, localFrame, medianCut } from '../drafting/split';
import { HttpError, notFound } from '../errors';
import { jitOff } from '../queries/audit.queries';
import { clippedCuts, regionForDrafting, streetFaces, unionDraftGrids } from '../queries/drafting.queries';
import { regionWithinScopes } from '../queries/grid-edits.queries';
import type { Caller } from './caller';
import { roundTo } from './geojson';
import { MIN_PART_AREA_M2, MIN_WIDTH_M, PARENT_TOLERANCE_M } from './grid-edits.service';

/** The demo city's persons per household (data/src/grids.ts), used when the community has no grids. */
export const DEFAULT_PERSONS_PER_HOUSEHOLD = 2.8;
/**
 * Step 2's levels: blocks holding more than these shares of a grid's target households are cut,
 * the next level only when the draft at this one misses the aim ratio. A block larger than a grid
 * must be cut anyway; below that, cutting buys balance at the price of boundaries off the streets.
 */
export const CUT_LEVELS = [1, 0.5, 0.25, 0.125];
const MAX_CUT_ROUNDS = 6;
/** How far a cut reaches past the edges of the block it cuts, so noding splits the block for certain. */
const CUT_OVERSHOOT_M = 0.5;
/**
 * Blocks sharing at least this much boundary are adjacent: a grid is connected through them. (Shorter
 * contacts are float noise where two streets meet at a corner; see buildBlockGraph for the rest.)
 */
const MIN_SHARED_M = PARENT_TOLERANCE_M;
export const MAX_RATIO = 1.2;
export const AIM_RATIO = 1.1;
/** Starts per draft: on the bench, 24 instead of 12 lifted the worst Polsby-Popper by about 0.05 for ~0.2 s. */
const RESTARTS = 24;

export const DRAFTING_ALGORITHM =
  'street blocks (roads polygonized, large blocks cut through their demand) → recursive bisection and spanning-tree splits of the block adjacency graph → local moves and two-step chains of boundary blocks under contiguity, minimising squared imbalance plus a compactness penalty; best of 24 starts';

/**
 * The order CJ/T 349-2010 reads grids in: rows from north to south (round(√n) bands of the grids'
 * centres), west to east within a row. Returns grid indices in that order.
 */
function readingOrder(centres: readonly [number, number][]): number[] {
  const ys = centres.map((c) => c[1]);
  const north = Math.max(...ys);
  const south = Math.min(...ys);
  const rows = Math.max(1, Math.round(Math.sqrt(centres.length)));
  const height = (north - south) / rows || 1;
  return centres
    .map(([x, y], i) => ({ i, x, y, band: Math.min(rows - 1, Math.floor((north - y) / height)) }))
    .sort((a, b) => a.band - b.band || a.x - b.x || b.y - a.y)
    .map((k) => k.i);
}

const ratioOrNull = (weights: readonly number[]) => {
  const ratio = largestToSmallest(weights);
  return Number.isFinite(ratio) ? roundTo(ratio, 3) : null;
};

export function draftingService(db: Kysely<DB>) {
  /** Admins anywhere; planners inside their scopes (the route lets no other role through). */
  async function requirePlannable(caller: Caller, community: { id: number; name: string }, tx: Kysely<DB>) {
    if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    if (caller.role === 'admin') return;
    if (caller.role !== 'planner')
      throw new HttpError(403, 'forbidden', `A ${caller.role} may not draft grids; planners and admins may.`);
    const inside = caller.scopes.length
      ? (await regionWithinScopes(community.id, caller.scopes).execute(tx)).rows[0]?.inside
      : false;
    if (!inside)
      throw new HttpError(
        403,
        'outside_scope',
        `Community ${community.id} (${community.name}) lies outside the regions you may plan; ask an admin to add it to your scopes.`,
        { scopes: caller.scopes },
      );
  }

  return {
    async draft(caller: Caller, communityId: number, request: DraftGridsParams): Promise<DraftGridsResponse> {
      const started = performance.now();
      // One snapshot, read only: a draft changes nothing.
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (tx) => {
          // JIT compiling the overlays costs more than running them (as in the topology check).
          await jitOff().execute(tx);
          const region = (await regionForDrafting(communityId).execute(tx)).rows[0];
          if (!region) throw notFound('Region', communityId);
          if (region.level !== 'community')
            throw new HttpError(
              400,
              'not_a_community',
              `Region ${communityId} (${region.name}) is a ${region.level}: grids are drafted for one community (社区/村) at a time. Ask for one of its communities (GET /api/regions?parent=${communityId}).`,
            );
          await requirePlannable(caller, region, tx);

          const fromGrids = region.grid_households > 0 && region.grid_population > 0;
          const personsPerHousehold = fromGrids
            ? region.grid_population / region.grid_households
            : DEFAULT_PERSONS_PER_HOUSEHOLD;
          const frame = localFrame(region.lng, region.lat);
          const crumb = { minArea_m2: MIN_PART_AREA_M2, minHalfWidth_m: MIN_WIDTH_M / 2 };

          // Step 1: the street faces and the demand in them (re-run after every round of cuts).
          const cuts: string[] = [];
          const facesWith = async () => {
            const row = (await streetFaces(communityId, cuts, crumb).execute(tx)).rows[0]!;
            return { faces: row.faces ?? [], contacts: row.contacts ?? [], points: row.points ?? [] };
          };
          let faces = await facesWith();
          const streetFaceCount = faces.faces.length;
          const totalPersons = faces.points.reduce((s, p) => s + p.weight, 0);
          const totalHouseholds = totalPersons / personsPerHousehold;
          if (!(totalHouseholds > 0))
            throw new HttpError(
              400,
              'no_demand',
              `Community ${communityId} (${region.name}) has no household demand points, so there is nothing to balance the grids on; import its residents first (npm run import -- demand <file>).`,
            );
          const grids = request.grids ?? Math.max(1, Math.round(totalHouseholds / request.households_per_grid!));
          if (grids > MAX_GRIDS_PER_COMMUNITY)
            throw new HttpError(
              400,
              'too_many_grids',
              `${roundTo(totalHouseholds, 0)} households at ${request.households_per_grid} per grid would make ${grids} grids; a community has at most ${MAX_GRIDS_PER_COMMUNITY}. Ask for more households per grid.`,
            );
          if (grids > faces.points.length)
            throw new HttpError(
              400,
              'too_many_grids',
              `The households of ${region.name} stand at ${faces.points.length} places (demand points), and a grid needs at least one: ask for at most ${faces.points.length} grids.`,
            );
          const target = totalHouseholds / grids;

          /** Cuts every face holding more than `cutAbove` households (and two places to cut between). */
          const cutUntil = async (cutAbove: number) => {
            for (let round = 0; round < MAX_CUT_ROUNDS; round++) {
              const pointsByFace = new Map<number, WeightedPoint[]>();
              for (const p of faces.points) {
                const [x, y] = frame.toMetres(p.lng, p.lat);
                const list = pointsByFace.get(p.face) ?? [];
                list.push({ x, y, w: p.weight / personsPerHousehold });
                pointsByFace.set(p.face, list);
              }
              const wanted: { faceHex: string; line: LineString }[] = [];
              for (const face of faces.faces) {
                const points = pointsByFace.get(face.id) ?? [];
                if (points.reduce((s, p) => s + p.w, 0) <= cutAbove) continue;
                const cut = medianCut(points);
                if (!cut) continue; // one building's worth of demand: nothing to cut between
                // Long enough to cross the face from anywhere inside it: its diagonal, both ways.
                const [cx, cy] = frame.toMetres(face.lng, face.lat);
                const half = face.diagonal_m + Math.hypot(cut.x - cx, cut.y - cy) + CUT_OVERSHOOT_M;
                wanted.push({
                  faceHex: face.hex,
                  line: {
                    type: 'LineString',
                    coordinates: [
                      frame.toLngLat(cut.x - half * cut.dx, cut.y - half * cut.dy),
                      frame.toLngLat(cut.x + half * cut.dx, cut.y + half * cut.dy),
                    ],
                  },
                });
              }
              if (!wanted.length) return;
              const clipped = (await clippedCuts(wanted, CUT_OVERSHOOT_M).execute(tx)).rows;
              cuts.push(...clipped.map((c) => c.hex));
              faces = await facesWith();
            }
          };

          // Steps 2 and 3, coarse to fine: stop at the first level whose draft meets the aim.
          let chosen:
            | {
                faces: typeof faces;
                merged: ReturnType<typeof mergeCrumbs>;
                graph: ReturnType<typeof buildBlockGraph>;
                draft: ReturnType<typeof draftPartition>;
                ratio: number;
                cutAbove: number;
                cuts: number;
              }
            | undefined;
          let refused: DraftingError | undefined;
          for (const share of CUT_LEVELS) {
            const cutAbove = share * target;
            await cutUntil(cutAbove);
            const faceInputs: BlockInput[] = faces.faces.map((f) => {
              const [x, y] = frame.toMetres(f.lng, f.lat);
              return { weight: 0, area_m2: f.area_m2, perimeter_m: f.perimeter_m, x, y };
            });
            for (const p of faces.points) faceInputs[p.face]!.weight += p.weight / personsPerHousehold;
            const merged = mergeCrumbs(
              faceInputs,
              faces.contacts,
              faces.faces.map((f) => f.crumb),
            );
            const graph = buildBlockGraph(merged.blocks, merged.contacts, MIN_SHARED_M);
            let draft;
            try {
              draft = draftPartition(graph, grids, { restarts: RESTARTS, seed: 1 });
            } catch (error) {
              if (!(error instanceof DraftingError)) throw error;
              refused = error;
              // More cuts make more blocks (too_many_grids may pass), never fewer separate parts.
              if (error.code === 'too_few_grids') break;
              continue;
            }
            const ratio = largestToSmallest(gridTotals(graph, draft.assignment, grids).weight);
            if (!chosen || ratio < chosen.ratio)
              chosen = { faces, merged, graph, draft, ratio, cutAbove, cuts: cuts.length };
            if (ratio <= AIM_RATIO) break;
          }
          if (!chosen) throw new HttpError(400, refused!.code, refused!.message);
          const { merged, graph, draft } = chosen;
          faces = chosen.faces;

          // Step 4: each grid the union of its blocks.
          const rows = (
            await unionDraftGrids(
              faces.faces.map((f) => ({ grid: draft.assignment[merged.faceBlock[f.id]!]!, hex: f.hex })),
            ).execute(tx)
          ).rows;
          if (rows.length !== grids) throw new Error(`draft: ${rows.length} of ${grids} grids have blocks`);
          const totals = gridTotals(graph, draft.assignment, grids);
          const centres = totals.area_m2.map(() => [0, 0] as [number, number]);
          for (let b = 0; b < graph.size; b++) {
            const g = draft.assignment[b]!;
            const share = graph.area_m2[b]! / (totals.area_m2[g]! || 1);
            centres[g]![0] += graph.x[b]! * share;
            centres[g]![1] += graph.y[b]! * share;
          }
          const order = readingOrder(centres);
          const scores = rows.map((row) => polsbyPopper(row.area_m2, row.perimeter_m));
          const features = order.map((g, index) => {
            const row = rows[g]!;
            const properties: DraftGridProps = {
              sequence: index + 1,
              households: roundTo(totals.weight[g]!, 0),
              population: roundTo(totals.weight[g]! * personsPerHousehold, 0),
              polsby_popper: roundTo(scores[g]!, 3),
              blocks: totals.blocks[g]!,
              area_m2: roundTo(row.area_m2, 1),
            };
            return { type: 'Feature' as const, geometry: row.geometry, properties };
          });
          const draftMs = performance.now() - started;

          // The floor: plain k-means of the demand points, and of the blocks by their nearest centre.
          const kmStarted = performance.now();
          const points = faces.points.map((p) => {
            const [x, y] = frame.toMetres(p.lng, p.lat);
            return { x, y, w: p.weight / personsPerHousehold };
          });
          // Best of three runs, or one short run when there are many points and grids (it is the floor, not the draft).
          const heavy = points.length * grids > 200_000;
          const km = kMeans(points, grids, seededRandom(11), heavy ? 1 : 3, heavy ? 30 : 100);
          const nearestCentre = Array.from({ length: graph.size }, (_, b) => {
            const d2 = km.centres.map(([x, y]) => (graph.x[b]! - x) ** 2 + (graph.y[b]! - y) ** 2);
            return d2.indexOf(Math.min(...d2));
          });
          const kmTotals = gridTotals(graph, nearestCentre, km.centres.length);
          const kmScores = kmTotals.area_m2.map((a, c) => polsbyPopper(a, kmTotals.perimeter_m[c]!));
          const kmMs = performance.now() - kmStarted;

          return {
            type: 'FeatureCollection',
            features,
            community: { id: region.id, code: region.code, name: region.name },
            summary: {
              algorithm: DRAFTING_ALGORITHM,
              start: draft.start,
              grids,
              target_households: roundTo(target, 1),
              households: roundTo(totalHouseholds, 0),
              population: roundTo(totalPersons, 0),
              persons_per_household: roundTo(personsPerHousehold, 3),
              persons_per_household_source: fromGrids ? 'community_grids' : 'default',
              ratio: ratioOrNull(totals.weight),
              max_ratio: MAX_RATIO,
              aim_ratio: AIM_RATIO,
              initial_ratio: Number.isFinite(draft.initialRatio) ? roundTo(draft.initialRatio, 3) : null,
              worst_polsby_popper: roundTo(Math.min(...scores), 3),
              mean_polsby_popper: roundTo(scores.reduce((s, v) => s + v, 0) / scores.length, 3),
              contiguous:
                rows.every((row) => row.parts === 1 && row.valid) && everyGridConnected(graph, draft.assignment, grids),
              street_faces: streetFaceCount,
              cut_faces: chosen.cuts,
              cut_above_households: roundTo(chosen.cutAbove, 1),
              crumbs: faces.faces.filter((f) => f.crumb).length,
              blocks: graph.size,
              moves: draft.moves,
              restarts: draft.restarts,
              community_area_m2: roundTo(region.area_m2, 1),
              grids_area_m2: roundTo(
                rows.reduce((s, row) => s + row.area_m2, 0),
                1,
              ),
              time_ms: roundTo(draftMs, 0),
              kmeans: {
                ratio: ratioOrNull(km.weights),
                blocks_ratio: ratioOrNull(kmTotals.weight),
                worst_polsby_popper: roundTo(Math.min(...kmScores), 3),
                contiguous: everyGridConnected(graph, nearestCentre, km.centres.length),
                time_ms: roundTo(kmMs, 0),
              },
            },
          };
        });
    },
  };
}

export type DraftingService = ReturnType<typeof draftingService>;
