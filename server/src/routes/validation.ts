import { z } from 'zod';
import { AMENITIES, STATION_KINDS } from '../contracts';

export const Lng = z.coerce
  .number({ error: 'must be a number (longitude in degrees)' })
  .min(-180, 'longitude must be between -180 and 180')
  .max(180, 'longitude must be between -180 and 180');
export const Lat = z.coerce
  .number({ error: 'must be a number (latitude in degrees)' })
  .min(-90, 'latitude must be between -90 and 90')
  .max(90, 'latitude must be between -90 and 90');

/** `bbox=minLng,minLat,maxLng,maxLat` (WGS84), as in RFC 7946 §5. */
export const Bbox = z
  .string()
  .transform((value, ctx) => {
    const parts = value.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: minLng,minLat,maxLng,maxLat' });
      return z.NEVER;
    }
    const [minLng, minLat, maxLng, maxLat] = parts as [number, number, number, number];
    if (minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90) {
      ctx.addIssue({ code: 'custom', message: 'bbox is out of range: longitudes within ±180, latitudes within ±90' });
      return z.NEVER;
    }
    if (minLng > maxLng || minLat > maxLat) {
      ctx.addIssue({ code: 'custom', message: 'bbox minimums must not exceed maximums (minLng,minLat,maxLng,maxLat)' });
      return z.NEVER;
    }
    return [minLng, minLat, maxLng, maxLat] as const;
  })
  .meta({ description: 'minLng,minLat,maxLng,maxLat in WGS84 degrees', example: '106.55,26.55,106.70,26.65' });

/** A comma-separated list of values from a fixed set, e.g. `kind=rider_station,party_service_centre`. */
export function csvOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z
    .string()
    .transform((value, ctx) => {
      const items = value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      const unknown = items.filter((i) => !(values as readonly string[]).includes(i));
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${what}: ${unknown.join(', ')}; expected one of ${values.join(', ')}`,
        });
        return z.NEVER;
      }
      return [...new Set(items)] as T[number][];
    })
    .meta({ description: `comma-separated ${what}: ${values.join(', ')}` });
}

export const StationKinds = csvOf(STATION_KINDS, 'station kind');
export const Amenities = csvOf(AMENITIES, 'amenity');

/** Travel minutes for one circle or isochrone: 1–60, 15 by default (the 15-minute life circle). */
export const Minutes = z.coerce
  .number()
  .int('minutes must be a whole number')
  .min(1, 'minutes must be 1–60')
  .max(60, 'minutes must be 1–60')
  .default(15);
