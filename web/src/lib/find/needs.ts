/**
 * The chips for what a rider needs. A chip is met when the station has any one of its amenities
 * (a hot meal, or a microwave to heat their own); every chip chosen must be met.
 */
import type { Amenity } from '../types';

export const NEEDS = [
  { id: 'charging', amenities: ['ebike_charging'] },
  { id: 'water', amenities: ['water'] },
  { id: 'meal', amenities: ['meals', 'microwave'] },
  { id: 'toilet', amenities: ['toilet'] },
  { id: 'cool', amenities: ['cooling'] },
  { id: 'warm', amenities: ['heating'] },
] as const satisfies readonly { id: string; amenities: readonly Amenity[] }[];

export type NeedId = (typeof NEEDS)[number]['id'];

const byId = new Map<NeedId, readonly Amenity[]>(NEEDS.map((need) => [need.id, need.amenities]));

/**
 * The `amenity=` lists to ask the API for, whose answers together are exactly the stations that
 * meet every chosen need: the API wants all of a list, so each "either" becomes one list per
 * choice (a meal: one request with `meals`, one with `microwave`), merged afterwards.
 */
export function amenityQueries(needs: readonly NeedId[]): Amenity[][] {
  let lists: Amenity[][] = [[]];
  for (const need of NEEDS) {
    if (!needs.includes(need.id)) continue;
    lists = lists.flatMap((list) => need.amenities.map((amenity) => [...list, amenity]));
  }
  return lists;
}

/** Whether a station with `amenities` meets every chosen need (the offline list's filter). */
export function meetsNeeds(amenities: readonly Amenity[], needs: readonly NeedId[]): boolean {
  return needs.every((need) => (byId.get(need) ?? []).some((amenity) => amenities.includes(amenity)));
}
