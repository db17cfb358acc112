import type { Feature, Point } from 'geojson';
import type { AuditSitesParams, AuditSitesResponse, SiteCandidate, SuggestedSiteProps } from '../contracts';
import { HttpError } from '../errors';
import type { SitingPool } from '../siting';
import type { SitingProblem } from '../siting/types';
import type { AuditQuery, auditService } from './audit.service';
import type { Caller } from './caller';
import { roundTo } from './geojson';
import type { HeavyWorkLimiter } from './heavy-work';

/**
 * Without candidates in the request, at most this many automatic ones (public buildings first, then
 * uncovered hexagon centres, most people first): the exact solver stays small, and the cells past
 * this hold few people.
 */
export const MAX_AUTO_CANDIDATES = 2000;
/** MCLP's k when the request names neither k nor target_share. */
export const DEFAULT_K = 5;

type Candidate = Omit<SiteCandidate, 'source'> & { source: SiteCandidate['source'] | 'given' };

/**
 * Where the next stations should go (issue 10): the uncovered demand of an audit, each candidate's
 * cover of it (the audit's own rule: radius or street network), then MCLP or LSCP in a worker
 * thread (HiGHS for exact, lazy greedy for large problems; server/src/siting).
 */
export function auditSitesService(audit: ReturnType<typeof auditService>, siting: SitingPool, heavy: HeavyWorkLimiter) {
  return {
    async suggest(body: AuditSitesParams, caller: Caller): Promise<AuditSitesResponse> {
      if (body.k !== undefined && body.target_share !== undefined)
        throw new HttpError(
          400,
          'invalid_request',
          'Give k (the best k new sites) or target_share (the fewest sites that reach that share), not both.',
        );
      const query: AuditQuery = {
        regionId: body.region,
        minutes: body.minutes,
        mode: body.mode,
        method: body.method,
        kinds: body.kind,
        demand: body.demand,
        withPlanned: body.include_planned,
      };
      const started = performance.now();
      const candidates: Candidate[] = body.candidates
        ? body.candidates.map(([lng, lat]) => ({ lng, lat, source: 'given' as const }))
        : (await audit.siteCandidates(query, caller)).slice(0, MAX_AUTO_CANDIDATES);
      const cover = await audit.candidateCover(
        query,
        candidates.map((c) => [c.lng, c.lat]),
        caller,
      );
      const { dataVersion } = await audit.audit(query, caller).then((a) => ({ dataVersion: a.data_version }));

      // The uncovered points, then one point standing for everyone covered already: LSCP's target
      // counts them, and covering them again gains nothing.
      const n = cover.demand.weight.length;
      const demandWeight = new Float64Array(n + 1);
      demandWeight.set(cover.demand.weight);
      demandWeight[n] = cover.covered_weight;
      const alreadyCovered = new Uint8Array(n + 1);
      alreadyCovered[n] = 1;
      const coverStart = new Int32Array(candidates.length + 1);
      cover.covers.forEach((hits, j) => (coverStart[j + 1] = coverStart[j]! + hits.length));
      const coverIndex = new Int32Array(coverStart[candidates.length]!);
      cover.covers.forEach((hits, j) => coverIndex.set(hits, coverStart[j]!));
      const problem: SitingProblem = { demandWeight, coverStart, coverIndex, alreadyCovered };

      const objective = body.target_share !== undefined ? 'lscp' : 'mclp';
      const k = objective === 'mclp' ? (body.k ?? DEFAULT_K) : null;
      const result = await heavy.run(() =>
        siting.run(
          {
            problem,
            request: objective === 'lscp' ? { objective, targetShare: body.target_share! } : { objective, k: k! },
            options: { solver: body.solver ?? 'auto' },
          },
          { transfer: true },
        ),
      );

      // Each site's newly covered residents and workers, in the order the sites add value.
      const taken = new Uint8Array(n);
      const features: Feature<Point, SuggestedSiteProps>[] = result.chosen.map((j, order) => {
        let residents = 0;
        let workers = 0;
        for (const i of cover.covers[j]!) {
          if (taken[i]) continue;
          taken[i] = 1;
          if (cover.demand.kind[i] === 'household') residents += cover.demand.weight[i]!;
          else workers += cover.demand.weight[i]!;
        }
        const c = candidates[j]!;
        return {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
          properties: {
            order: order + 1,
            source: c.source,
            ...(c.station_id ? { station_id: c.station_id } : {}),
            ...(c.name ? { name: c.name } : {}),
            ...(c.h3 ? { h3: c.h3 } : {}),
            gain_population: roundTo(result.gain[order]!, 1),
            gain_residents: roundTo(residents, 1),
            gain_workers: roundTo(workers, 1),
          },
        };
      });
      const total = cover.total_weight;
      return {
        problem: objective,
        k,
        target_share: body.target_share ?? null,
        solver: result.solver,
        status: result.status,
        mip_gap: result.mipGap === null ? null : roundTo(result.mipGap, 6),
        greedy_shortfall_share:
          result.greedy?.shortfallShare === null || result.greedy?.shortfallShare === undefined
            ? null
            : roundTo(result.greedy.shortfallShare, 6),
        best_reachable_share: roundTo(result.bestReachableShare, 6),
        candidates: candidates.length,
        demand_points: n,
        total_population: roundTo(total, 1),
        covered_population_before: roundTo(cover.covered_weight, 1),
        covered_population_after: roundTo(result.coveredWeight, 1),
        covered_share_before: total > 0 ? roundTo(cover.covered_weight / total, 6) : 0,
        covered_share_after: total > 0 ? roundTo(result.coveredWeight / total, 6) : 0,
        sites: { type: 'FeatureCollection', features },
        elapsed_ms: Math.round(performance.now() - started),
        data_version: dataVersion,
        computed_at: new Date().toISOString(),
      };
    },
  };
}
