/** What the parts of the "here" panel share: opening a station from a list, and bringing a fresh answer into view. */
import type { Feature, Point } from 'geojson';
import { t } from '../i18n/index.svelte';
import { flyToPoint } from '../state/map.svelte';
import type { ReachError } from '../state/reach.svelte';
import { selectFeature } from '../state/selection.svelte';
import type { RoutingProfile, StationProps } from '../types';

/** Flies to a station named in the panel and opens it, with a way back to the list. */
export function openStation(feature: Feature<Point, StationProps>) {
  const [lng, lat] = feature.geometry.coordinates;
  if (lng !== undefined && lat !== undefined) flyToPoint(lng, lat);
  selectFeature({ type: 'station', feature, fromNearest: true });
}

/**
 * On a phone a fresh answer starts below the fold of the sheet; bring it up. Scrolls the panel's
 * own container only: scrollIntoView would also scroll the page body.
 */
export function reveal(element: HTMLElement | null) {
  const container = element?.closest<HTMLElement>('.detail');
  if (!element || !container) return;
  const top = element.offsetTop;
  if (top + 120 > container.scrollTop + container.clientHeight) {
    container.scrollTo({ top: Math.max(0, top - 56), behavior: 'smooth' });
  }
}

export const modeLabel = (mode: RoutingProfile) => (mode === 'car' ? t('reach.car') : t(`coverage.mode.${mode}`));

/** The 422 for a point far from any street gets a sentence of its own; anything else shows the server's message. */
export const reachErrorText = (
  error: ReachError,
  mode: RoutingProfile,
  key: 'reach.noStreet' | 'reachable.noStreet',
) => (error.code === 'no_street_nearby' ? t(key, { mode: modeLabel(mode) }) : error.message);
