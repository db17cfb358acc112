/**
 * Finding a place by name when the phone can't say where it is: the subdistricts, communities
 * and stations the page already has, matched in the browser (no geocoder; this works offline).
 */
import { pointOnFeature } from '@turf/turf';
import type { LngLat, RegionCollection, StationCollection } from '../types';

export type Place = { kind: 'subdistrict' | 'community' | 'station'; name: string; at: LngLat };

/** Every named place, once; regions stand at a point inside them (a centroid can fall outside). */
export function placeIndex(
  regions: { subdistrict?: RegionCollection | null; community?: RegionCollection | null },
  stations: StationCollection | null,
): Place[] {
  const places: Place[] = [];
  for (const kind of ['subdistrict', 'community'] as const) {
    for (const feature of regions[kind]?.features ?? []) {
      const [lng, lat] = pointOnFeature(feature).geometry.coordinates as [number, number];
      places.push({ kind, name: feature.properties.name, at: { lng, lat } });
    }
  }
  for (const feature of stations?.features ?? []) {
    const [lng, lat] = feature.geometry.coordinates as [number, number];
    places.push({ kind: 'station', name: feature.properties.name, at: { lng, lat } });
  }
  return places;
}

const normalise = (text: string) => text.toLowerCase().replace(/[\s·・.\-_]/g, '');

/**
 * Places whose name contains the query (spaces and separators ignored), names that start with it
 * first, then shorter names; at most `limit`.
 */
export function searchPlaces(places: readonly Place[], query: string, limit = 6): Place[] {
  const wanted = normalise(query);
  if (!wanted) return [];
  const hits: { place: Place; starts: boolean }[] = [];
  for (const place of places) {
    const name = normalise(place.name);
    const index = name.indexOf(wanted);
    if (index >= 0) hits.push({ place, starts: index === 0 });
  }
  hits.sort((a, b) => Number(b.starts) - Number(a.starts) || a.place.name.length - b.place.name.length);
  return hits.slice(0, limit).map((hit) => hit.place);
}
