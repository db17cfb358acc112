import { STATION_KINDS } from '../constants';
import { stationLayerId } from '../layers/stations';
import type { StationKind } from '../types';

/** Ids of the toggles in the Layers panel (also the `layer-toggle-<id>` test ids). */
export type ToggleId =
  | 'grids'
  | 'zones'
  | `stations-${StationKind}`
  | 'coverage-reach'
  | 'coverage-circles'
  | 'coverage-gaps'
  | 'isochrones'
  | 'labels';

const initial: Record<ToggleId, boolean> = {
  grids: true,
  zones: false,
  ...(Object.fromEntries(STATION_KINDS.map((kind) => [stationLayerId(kind), true])) as Record<
    `stations-${StationKind}`,
    boolean
  >),
  'coverage-reach': true,
  'coverage-circles': true,
  'coverage-gaps': true,
  isochrones: true,
  labels: true,
};

export const layerVisibility = $state<Record<ToggleId, boolean>>(initial);

export function visibleStationKinds(): Record<StationKind, boolean> {
  return Object.fromEntries(STATION_KINDS.map((kind) => [kind, layerVisibility[`stations-${kind}`]])) as Record<
    StationKind,
    boolean
  >;
}
