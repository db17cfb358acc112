/** Writes to stations: POST /api/stations, PATCH and DELETE /api/stations/:id (planners in scope, admins). */
import { z } from 'zod';
import { AMENITIES, STATION_KINDS, STATION_STATUSES } from './enums';
import { PointInput } from './geometry';
import { integerParam, queryObject, uuidParam } from './params';

/** A GeoJSON Point in WGS84, `[lng, lat]` (RFC 7946), checked with messages that say what to fix. */
export const PointGeometry = PointInput;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .max(max, `${what} must be at most ${max} characters`);

const StationFields = {
  kind: z.enum(STATION_KINDS, { error: `kind must be one of ${STATION_KINDS.join(', ')}` }),
  name: text('name', 100).min(1, 'name must not be empty'),
  address: text('address', 200),
  geometry: PointGeometry,
  amenities: z
    .array(z.enum(AMENITIES, { error: `each amenity must be one of ${AMENITIES.join(', ')}` }), {
      error: 'amenities must be an array',
    })
    .max(AMENITIES.length, 'amenities lists each amenity once')
    .refine((list) => new Set(list).size === list.length, 'amenities lists each amenity once'),
  /** OpenStreetMap opening_hours syntax; the service checks it with the same parser that reads it. */
  openingHours: text('openingHours', 255).min(1, 'openingHours must not be empty (e.g. "24/7" or "Mo-Su 08:00-22:00")'),
  operator: text('operator', 100),
  phone: text('phone', 40).regex(/^[0-9+\-() ]*$/, 'phone may hold digits, spaces and + - ( ) only'),
  status: z.enum(STATION_STATUSES, { error: `status must be one of ${STATION_STATUSES.join(', ')}` }),
};

export const CreateStationBody = z.strictObject({
  ...StationFields,
  address: StationFields.address.default(''),
  amenities: StationFields.amenities.default([]),
  openingHours: StationFields.openingHours.default('24/7'),
  operator: StationFields.operator.default(''),
  phone: StationFields.phone.default(''),
  status: StationFields.status.default('active'),
});
export type CreateStationRequest = z.input<typeof CreateStationBody>;
export type CreateStationParams = z.output<typeof CreateStationBody>;

const Version = z
  .number({ error: 'version must be the version number you edited' })
  .int('version must be a whole number')
  .min(1, 'version starts at 1')
  .max(2_147_483_647, 'version is out of range');

export const UpdateStationBody = z
  .strictObject({
    version: Version,
    kind: StationFields.kind.optional(),
    name: StationFields.name.optional(),
    address: StationFields.address.optional(),
    geometry: StationFields.geometry.optional(),
    amenities: StationFields.amenities.optional(),
    openingHours: StationFields.openingHours.optional(),
    operator: StationFields.operator.optional(),
    phone: StationFields.phone.optional(),
    status: StationFields.status.optional(),
  })
  .refine((body) => Object.keys(body).length > 1, 'say what to change besides the version');
export type UpdateStationRequest = z.input<typeof UpdateStationBody>;
export type UpdateStationParams = z.output<typeof UpdateStationBody>;

export const StationIdPath = z.strictObject({ id: uuidParam('station id') });

export const DeleteStationQuery = queryObject({
  version: integerParam({
    what: 'version (the version you deleted)',
    min: 1,
    max: 2_147_483_647,
    rangeMessage: 'must be the version you deleted, 1 or more',
  }),
});

/** The 409 body's details when a write was based on an older version. */
export type VersionConflictDetails<F> = { current: F; changed_by: string | null; changed_at: string };
