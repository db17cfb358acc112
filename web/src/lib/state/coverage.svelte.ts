import { fetchCoverage } from '../api/coverage';
import { errorText } from '../i18n/index.svelte';
import type { CoverageMinutes } from '../constants';
import type { CoverageMethod, CoverageResponse, StationKind, TravelMode } from '../types';
import { isAbortError, latestRequest } from './latest-request';
import { clearSelection, selection } from './selection.svelte';

class CoverageState {
  minutes = $state<CoverageMinutes>(15);
  mode = $state<TravelMode>('walk');
  method = $state<CoverageMethod>('radius');
  /** null until the config's defaultRegionId arrives. */
  regionId = $state<number | null>(null);
  kind = $state<StationKind | ''>('');
  loading = $state(false);
  error = $state<string | null>(null);
  result = $state.raw<CoverageResponse | null>(null);
}

export const coverage = new CoverageState();

const coverageRequests = latestRequest();

export async function runCoverage() {
  if (coverage.regionId === null) return;
  const { signal, current } = coverageRequests.start();
  coverage.loading = true;
  coverage.error = null;
  try {
    const result = await fetchCoverage(
      {
        region: coverage.regionId,
        minutes: coverage.minutes,
        mode: coverage.mode,
        kind: coverage.kind || null,
        method: coverage.method,
      },
      { signal },
    );
    if (!current()) return;
    coverage.result = result;
    // A selected gap from an older run no longer exists.
    if (selection.selected?.type === 'gap') clearSelection();
  } catch (error) {
    if (!current() || isAbortError(error)) return;
    coverage.error = errorText(error);
  } finally {
    if (current()) coverage.loading = false;
  }
}
