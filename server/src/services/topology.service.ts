import type { Kysely } from 'kysely';
import type { TopologyResponse } from '../contracts';
import type { DB } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { jitOff } from '../queries/audit.queries';
import { regionWithinScopes } from '../queries/grid-edits.queries';
import {
  communityCounts,
  communityGaps,
  communityOverlaps,
  communitySlivers,
  gridsOutsideTheirCommunity,
  regionForTopology,
  zonesOutsideTheirGrid,
  zonesWithoutGrid,
} from '../queries/topology.queries';
import type { Caller } from './caller';
import { roundTo } from './geojson';
import { MIN_PART_AREA_M2, MIN_WIDTH_M, OVERLAP_TOLERANCE_M2, PARENT_TOLERANCE_M } from './grid-edits.service';

/**
 * Uncovered pieces nowhere as wide as this are digitising noise, not gaps: two grids drawn without
 * snapping leave hairline cracks between them, and the 1 m a grid may stray over its community's
 * edge (PARENT_TOLERANCE_M) may as well fall short of it. The demo city's communities have such
 * cracks (10–35 m² each, well under 1 m wide); a planner's real gap is a strip at least a metre wide.
 */
export const GAP_NOISE_WIDTH_M = PARENT_TOLERANCE_M;
/** …and pieces smaller than this (the overlap tolerance, for symmetry) are noise too. */
export const GAP_NOISE_AREA_M2 = OVERLAP_TOLERANCE_M2;
/**
 * A gap's boundary counts as shared with a grid where it runs within this of the grid: the overlay
 * that cut the gap out puts its vertices on the grid's edges only to within float precision, and
 * GeoJSON at 7 decimals moves them by up to ~1 cm more.
 */
const TOUCH_M = 0.05;
/** A gap and a grid that meet along less than this only touch at a corner: no neighbour, no fix. */
const MIN_SHARED_BOUNDARY_M = PARENT_TOLERANCE_M;

/**
 * The whole-community check (issue 7): does a community's set of grids tile it (全面覆盖、不留空白、
 * 不交叉重叠), and are its zones inside their grids? Reads only; every list comes from one snapshot.
 */
export function topologyService(db: Kysely<DB>) {
  /**
   * Admins and officials read any community; planners those inside their scopes. (Officials have no
   * scopes in this app, as in the audit: they read everything.)
   */
  async function requireReadable(caller: Caller, community: { id: number; name: string }, tx: Kysely<DB>) {
    if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    if (caller.role === 'admin' || caller.role === 'official') return;
    if (caller.role !== 'planner')
      throw new HttpError(403, 'forbidden', `A ${caller.role} may not read a community's topology.`);
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
    async check(caller: Caller, communityId: number): Promise<TopologyResponse> {
      // One snapshot: a save between two of the queries must not make the answer disagree with itself.
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (tx) => {
          // The planner prices geography buffers high and JIT-compiles the overlays: 300 ms of
          // compiling for 30 ms of work on the demo city's largest community.
          await jitOff().execute(tx);
          const region = (await regionForTopology(communityId).execute(tx)).rows[0];
          if (!region) throw notFound('Region', communityId);
          if (region.level !== 'community')
            throw new HttpError(
              400,
              'not_a_community',
              `Region ${communityId} (${region.name}) is a ${region.level}: the topology check runs on one community (社区/村), whose grids should tile it. Ask for one of its communities (GET /api/regions?parent=${communityId}).`,
            );
          await requireReadable(caller, region, tx);

          const gapRows = (
            await communityGaps(communityId, {
              noiseHalfWidth_m: GAP_NOISE_WIDTH_M / 2,
              noiseArea_m2: GAP_NOISE_AREA_M2,
              touch_m: TOUCH_M,
              minShared_m: MIN_SHARED_BOUNDARY_M,
            }).execute(tx)
          ).rows;
          const overlapRows = (await communityOverlaps(communityId, OVERLAP_TOLERANCE_M2).execute(tx)).rows;
          const sliverRows = (await communitySlivers(communityId, MIN_WIDTH_M / 2, MIN_PART_AREA_M2).execute(tx)).rows;
          const zoneRows = (await zonesOutsideTheirGrid(communityId, PARENT_TOLERANCE_M).execute(tx)).rows;
          const gridRows = (await gridsOutsideTheirCommunity(communityId, PARENT_TOLERANCE_M).execute(tx)).rows;
          const orphanRows = (await zonesWithoutGrid(communityId).execute(tx)).rows;
          const counts = (await communityCounts(communityId).execute(tx)).rows[0]!;

          const gaps: TopologyResponse['gaps'] = gapRows.map((g) => {
            const neighbours = g.neighbours.map(({ id, code, name, version, shared_m }) => ({
              grid: { id, code, name, version },
              sharedBoundary_m: roundTo(shared_m, 1),
            }));
            const area = roundTo(g.area_m2, 1);
            return {
              geometry: g.geometry,
              area_m2: area,
              residents: roundTo(g.residents, 1),
              neighbours,
              fixes: g.neighbours.map((n) => ({
                kind: 'give_to_neighbour' as const,
                grid: { id: n.id, code: n.code, name: n.name, version: n.version },
                description: `Give the ${area} m² gap to ${n.name} (${n.code}), which shares ${roundTo(n.shared_m, 1)} m of boundary with it.`,
                geometry: n.merged,
              })),
            };
          });
          const overlaps: TopologyResponse['overlaps'] = overlapRows.map((o) => ({
            grids: [o.a, o.b],
            geometry: o.geometry,
            area_m2: roundTo(o.area_m2, 1),
          }));
          const slivers: TopologyResponse['slivers'] = sliverRows.map((s) => {
            const small = s.area_m2 < MIN_PART_AREA_M2;
            return {
              grid: s.grid,
              geometry: s.geometry,
              area_m2: roundTo(s.area_m2, 1),
              reason: small ? 'too_small' : 'too_narrow',
              description: small
                ? `A ${roundTo(s.area_m2, 1)} m² part of ${s.grid.name}, under the ${MIN_PART_AREA_M2} m² a part must have.`
                : `A part of ${s.grid.name} nowhere ${MIN_WIDTH_M} m wide (${roundTo(s.area_m2, 1)} m²).`,
            };
          });
          const zonesOutsideGrid: TopologyResponse['zonesOutsideGrid'] = zoneRows.map((z) => ({
            zone: z.zone,
            grid: z.grid,
            geometry: z.outside,
            area_m2: roundTo(z.outside_m2, 1),
            fixes:
              z.clipped && !z.clipped_empty
                ? [
                    {
                      kind: 'clip_to_grid',
                      description: `Keep only the part of ${z.zone.name} inside ${z.grid.name}.`,
                      geometry: z.clipped,
                    },
                  ]
                : [],
          }));
          const gridsOutsideCommunity: TopologyResponse['gridsOutsideCommunity'] = gridRows.map((g) => ({
            grid: g.grid,
            geometry: g.outside,
            area_m2: roundTo(g.outside_m2, 1),
            fixes:
              g.clipped && !g.clipped_empty
                ? [
                    {
                      kind: 'clip_to_community',
                      description: `Keep only the part of ${g.grid.name} inside ${region.name}.`,
                      geometry: g.clipped,
                    },
                  ]
                : [],
          }));
          const zonesWithoutGridList: TopologyResponse['zonesWithoutGrid'] = orphanRows.map((z) => ({
            zone: z.zone,
            geometry: z.geometry,
            area_m2: roundTo(z.area_m2, 1),
          }));

          const summary: TopologyResponse['summary'] = {
            grids: counts.grids,
            zones: counts.zones,
            gaps: gaps.length,
            gapArea_m2: roundTo(
              gapRows.reduce((sum, g) => sum + g.area_m2, 0),
              1,
            ),
            gapResidents: roundTo(
              gapRows.reduce((sum, g) => sum + g.residents, 0),
              1,
            ),
            overlaps: overlaps.length,
            overlapArea_m2: roundTo(
              overlapRows.reduce((sum, o) => sum + o.area_m2, 0),
              1,
            ),
            slivers: slivers.length,
            zonesOutsideGrid: zonesOutsideGrid.length,
            gridsOutsideCommunity: gridsOutsideCommunity.length,
            zonesWithoutGrid: zonesWithoutGridList.length,
          };
          return {
            community: { id: region.id, code: region.code, name: region.name, area_m2: roundTo(region.area_m2, 1) },
            gaps,
            overlaps,
            slivers,
            zonesOutsideGrid,
            gridsOutsideCommunity,
            zonesWithoutGrid: zonesWithoutGridList,
            summary,
            tolerances: {
              parent_m: PARENT_TOLERANCE_M,
              overlap_m2: OVERLAP_TOLERANCE_M2,
              minWidth_m: MIN_WIDTH_M,
              minPartArea_m2: MIN_PART_AREA_M2,
              gapNoiseWidth_m: GAP_NOISE_WIDTH_M,
              gapNoiseArea_m2: GAP_NOISE_AREA_M2,
            },
            ok:
              gaps.length +
                overlaps.length +
                slivers.length +
                zonesOutsideGrid.length +
                gridsOutsideCommunity.length +
                zonesWithoutGridList.length ===
              0,
          };
        });
    },
  };
}

export type TopologyService = ReturnType<typeof topologyService>;
