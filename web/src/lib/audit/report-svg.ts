/**
 * The report's map picture as SVG paths: crisp on paper at any size, no WebGL canvas to capture,
 * and nothing cropped by the printer. An equirectangular projection scaled by cos(latitude) at the
 * region's centre, which at a district's size differs from Web Mercator by far less than a pixel.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Projection = {
  width: number;
  height: number;
  project: (position: Position) => [number, number];
};

/** Fits `[west, south, east, north]` into `width` pixels wide (height follows), at most `maxHeight`. */
export function fitProjection(
  [west, south, east, north]: [number, number, number, number],
  width: number,
  maxHeight: number,
  padding = 8,
): Projection {
  const kx = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const spanX = Math.max(1e-9, (east - west) * kx);
  const spanY = Math.max(1e-9, north - south);
  const scale = Math.min((width - 2 * padding) / spanX, (maxHeight - 2 * padding) / spanY);
  const usedWidth = spanX * scale + 2 * padding;
  const height = spanY * scale + 2 * padding;
  const offsetX = (width - usedWidth) / 2;
  return {
    width,
    height,
    project: ([lng = 0, lat = 0]) => [offsetX + padding + (lng - west) * kx * scale, padding + (north - lat) * scale],
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

/** An SVG path `d` for a polygon or multipolygon (even-odd fill keeps holes open). */
export function pathOf(geometry: Polygon | MultiPolygon, projection: Projection): string {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const parts: string[] = [];
  for (const rings of polygons) {
    for (const ring of rings) {
      if (ring.length < 3) continue;
      parts.push(
        ring
          .map((position, index) => {
            const [x, y] = projection.project(position);
            return `${index === 0 ? 'M' : 'L'}${round(x)} ${round(y)}`;
          })
          .join('') + 'Z',
      );
    }
  }
  return parts.join('');
}
