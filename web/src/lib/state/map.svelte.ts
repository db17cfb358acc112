import type { Map as MapLibreMap, LngLatBoundsLike } from 'maplibre-gl';
import { bbox } from '@turf/turf';
import type { Feature, Geometry } from 'geojson';

/** The live map, for panels that need to move the camera. Set by MapView. */
class MapHandle {
  map = $state.raw<MapLibreMap | null>(null);
  zoom = $state(12);
}

export const mapHandle = new MapHandle();

const isMobile = () => typeof window !== 'undefined' && window.matchMedia('(max-width: 640px)').matches;

/**
 * Padding that keeps a fitted feature clear of the sidebar (desktop) or of the bottom sheets
 * (phone). On a phone the detail sheet's real height is used when it is open.
 */
export function cameraPadding() {
  if (!isMobile()) return { top: 40, bottom: 40, left: 380, right: 400 };
  const sheet = document.querySelector<HTMLElement>('.detail');
  const main = document.querySelector<HTMLElement>('main');
  const mainHeight = main?.clientHeight ?? window.innerHeight;
  const covered = sheet ? sheet.getBoundingClientRect().height + 46 : Math.round(mainHeight * 0.62);
  return { top: 50, bottom: Math.min(covered + 16, mainHeight - 120), left: 30, right: 30 };
}

export function fitFeature(feature: Feature<Geometry>, maxZoom = 16) {
  const map = mapHandle.map;
  if (!map) return;
  const [minLng, minLat, maxLng, maxLat] = bbox(feature);
  const bounds: LngLatBoundsLike = [
    [minLng, minLat],
    [maxLng, maxLat],
  ];
  map.fitBounds(bounds, { padding: cameraPadding(), maxZoom, duration: 800 });
}

export function flyToPoint(lng: number, lat: number, minZoom = 15) {
  const map = mapHandle.map;
  if (!map) return;
  // `offset`, not `padding`: padding given to flyTo stays on the map and skews later moves.
  const padding = cameraPadding();
  map.flyTo({
    center: [lng, lat],
    zoom: Math.max(map.getZoom(), minZoom),
    offset: [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2],
    duration: 900,
  });
}

/** Fits a set of points into the part of the map the panels leave visible. */
export function fitPoints(points: readonly (readonly [number, number])[], maxZoom = 16) {
  const map = mapHandle.map;
  if (!map || points.length === 0) return;
  const lngs = points.map((point) => point[0]);
  const lats = points.map((point) => point[1]);
  map.fitBounds(
    [
      [Math.min(...lngs), Math.min(...lats)],
      [Math.max(...lngs), Math.max(...lats)],
    ],
    { padding: cameraPadding(), maxZoom, duration: 700 },
  );
}

/** Pans (keeping the zoom) when a point would sit under the sidebar, the detail panel or the sheet. */
export function revealPoint(lng: number, lat: number) {
  const map = mapHandle.map;
  if (!map) return;
  const padding = cameraPadding();
  const { x, y } = map.project([lng, lat]);
  const canvas = map.getCanvas();
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const hidden = x < padding.left || x > width - padding.right || y < padding.top || y > height - padding.bottom;
  if (!hidden) return;
  map.easeTo({
    center: [lng, lat],
    offset: [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2],
    duration: 500,
  });
}
