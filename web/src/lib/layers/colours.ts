import type { StationKind } from '../types';

export type Rgba = [number, number, number, number];
export type Rgb = [number, number, number];

/** Station colours by kind; also used for the legend swatches. */
export const STATION_KIND_COLOURS: Record<StationKind, Rgb> = {
  rider_station: [220, 38, 38],
  outdoor_worker_station: [234, 88, 12],
  party_service_centre: [162, 28, 175],
  convenience_station: [13, 148, 136],
};

export const COLOURS = {
  gridFill: [59, 130, 246, 28] as Rgba,
  gridDedicatedFill: [139, 92, 246, 45] as Rgba,
  gridLine: [37, 99, 235, 200] as Rgba,
  gridDedicatedLine: [124, 58, 237, 220] as Rgba,
  zoneFill: [245, 158, 11, 30] as Rgba,
  zoneLine: [217, 119, 6, 210] as Rgba,
  stationInactiveFill: [255, 255, 255, 200] as Rgba,
  stationInactiveLine: [120, 120, 120, 255] as Rgba,
  stationActiveLine: [255, 255, 255, 255] as Rgba,
  // Faint: 200+ circles overlap in town, and stacked alpha would hide the map underneath.
  coverageFill: [34, 197, 94, 16] as Rgba,
  coverageLine: [21, 128, 61, 110] as Rgba,
  // The union of everything some station reaches: one polygon, so it can be a little stronger.
  coverageReachFill: [34, 197, 94, 60] as Rgba,
  coverageReachLine: [21, 128, 61, 170] as Rgba,
  gapFill: [220, 38, 38, 115] as Rgba,
  gapLine: [153, 27, 27, 230] as Rgba,
  nearestLink: [37, 99, 235, 220] as Rgba,
  nearestRing: [37, 99, 235, 255] as Rgba,
  herePoint: [17, 24, 39, 255] as Rgba,
  herePointLine: [255, 255, 255, 255] as Rgba,
  selection: [250, 204, 21, 255] as Rgba,
  labelText: [31, 41, 55, 255] as Rgba,
  labelCommunityText: [75, 85, 99, 255] as Rgba,
  labelOutline: [255, 255, 255, 235] as Rgba,
};

/**
 * Isochrone bands from the fastest (dark teal) to the slowest (light blue). The bands are nested
 * and drawn largest first, so the fastest area also shows through every slower fill above it.
 */
export const ISOCHRONE_DARK: Rgba = [15, 94, 110, 105];
export const ISOCHRONE_LIGHT: Rgba = [125, 211, 252, 64];

/** The fill of band `rank` (0 = fewest minutes) of `count`, graded from ISOCHRONE_DARK to ISOCHRONE_LIGHT. */
export function isochroneBandColour(rank: number, count: number): Rgba {
  const t = count > 1 ? Math.min(1, Math.max(0, rank / (count - 1))) : 0;
  return ISOCHRONE_DARK.map((dark, channel) =>
    Math.round(dark + ((ISOCHRONE_LIGHT[channel] ?? dark) - dark) * t),
  ) as Rgba;
}

/** `rgb(…)`/`rgba(…)` for CSS legend swatches. */
export function cssColour(colour: Rgb | Rgba, alpha?: number): string {
  const [r, g, b] = colour;
  const a = alpha ?? (colour.length === 4 ? colour[3] / 255 : 1);
  return `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
}
