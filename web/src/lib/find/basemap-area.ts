import type { LngLat } from '../types';

/** [west, south, east, north] */
export type BasemapBbox = [number, number, number, number];

/** About 3 km each way at Guiyang's latitude: a few minutes by e-bike, and 400 KB of roads. */
const HALF_WIDTH_DEG = 0.03;
const HALF_HEIGHT_DEG = 0.027;

/** The basemap area to load (and cache for offline) around the rider. */
export function basemapBbox({ lng, lat }: LngLat): BasemapBbox {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  // Rounded, so small moves ask for the same URL and hit the service worker's copy.
  return [
    round(lng - HALF_WIDTH_DEG),
    round(lat - HALF_HEIGHT_DEG),
    round(lng + HALF_WIDTH_DEG),
    round(lat + HALF_HEIGHT_DEG),
  ];
}

/** Whether the rider is still well inside an area loaded earlier (a third of it from each edge). */
export function coversWithMargin([west, south, east, north]: BasemapBbox, { lng, lat }: LngLat): boolean {
  const marginX = (east - west) / 3;
  const marginY = (north - south) / 3;
  return lng > west + marginX && lng < east - marginX && lat > south + marginY && lat < north - marginY;
}
