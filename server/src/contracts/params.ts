/**
 * Query-string and path primitives the request schemas are built from.
 *
 * Values arrive as strings (Express's 'simple' query parser gives `string | string[]`), and each
 * primitive reads exactly one string in one plain form: no `Number()` coercion, because it reads
 * `''` as 0, `0x10` as 16, `0b11` as 3 and `1e3` as 1000, and lets an id past int4 reach the
 * database, which then answers with its own error text. Every schema's `z.input` is `string`, so
 * request types read as what a client sends.
 */
import { z } from 'zod';
import { AMENITIES, STATION_KINDS } from './enums';

/** The largest int4 (PostgreSQL `integer`, `serial`): region ids, user ids, counts in the database. */
export const INT4_MAX = 2_147_483_647;

/** A whole number in plain decimal digits, without sign, spaces or leading zeros. */
const DIGITS = /^(0|[1-9][0-9]*)$/;
/** Plain decimal notation: an optional minus, digits, an optional fraction (`106.63`, `-0.5`). */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * The message for a value that isn't one string: missing, or given more than once
 * (`?lng=1&lng=2` arrives as an array).
 */
function notOneString(input: unknown, expected: string): string {
  if (input === undefined) return `is required: ${expected}`;
  if (Array.isArray(input)) {
    const times = input.length === 2 ? 'twice' : `${input.length} times`;
    return `is given ${times}; give it once`;
  }
  return `must be ${expected}`;
}

/**
 * The query parameters of one endpoint: any parameter it doesn't take is a 400 that lists the ones
 * it does (a typo such as `limt=3` would otherwise be ignored without a word).
 */
export function queryObject<const Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const names = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const keys = issue.keys.map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
      const shown = keys.length > 5 ? [...keys.slice(0, 5), '…'] : keys;
      const takes = names.length ? `this endpoint takes ${names.join(', ')}` : 'this endpoint takes no parameters';
      return `unknown parameter${keys.length > 1 ? 's' : ''} ${shown.join(', ')}; ${takes}`;
    },
  });
}

/** For routes that take no query parameters: any parameter is a 400 rather than silently ignored. */
export const NoQuery = queryObject({});

/** One string value; `expected` says what it should hold, for the messages. */
export const oneString = (expected: string) => z.string({ error: (issue) => notOneString(issue.input, expected) });

/** Why `value` is not a plain whole number, or null when it is one. */
function digitsProblem(value: string): string | null {
  if (value === '') return 'must not be empty';
  if (DIGITS.test(value)) return null;
  if (/^0[0-9]+$/.test(value)) return `must be written without leading zeros (${value.replace(/^0+/, '') || '0'})`;
  return 'must be a whole number in plain decimal digits (like 42), without sign, spaces, decimals, exponents or 0x/0b/0o prefixes';
}

/** Why `value` is not in plain decimal notation, or null when it is. */
function decimalProblem(value: string): string | null {
  if (value === '') return 'must not be empty';
  if (DECIMAL.test(value)) return null;
  return 'must be a number in plain decimal notation (like 106.63 or -0.5), without spaces, exponents, NaN or Infinity';
}

/**
 * A whole number from `min` to `max` in plain decimal digits. `what` names it in the messages
 * ("region id"); `rangeMessage` replaces the default message for a number out of range.
 */
export function integerParam(options: { what: string; min: number; max: number; rangeMessage?: string }) {
  const { what, min, max } = options;
  const range = options.rangeMessage ?? `must be a ${what} from ${min} to ${max}`;
  return oneString(`a ${what} (a whole number from ${min} to ${max})`)
    .transform((value, ctx) => {
      const problem = digitsProblem(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      // Past 16 digits a double is no longer exact; anything that long is out of range anyway.
      const number = value.length > 15 ? Infinity : Number(value);
      if (number < min || number > max) {
        ctx.addIssue({ code: 'custom', message: range });
        return z.NEVER;
      }
      return number;
    })
    .meta({ description: `${what}: a whole number from ${min} to ${max}` });
}

/** A database id of an int4 `serial` column, 1..2147483647 (region ids, user ids, token ids). */
export const serialId = (what: string) =>
  integerParam({ what, min: 1, max: INT4_MAX, rangeMessage: `must be a ${what} from 1 to ${INT4_MAX}` });

/** A UUID (grid, zone and station ids). */
export const uuidParam = (what: string) =>
  oneString(`a ${what} (a UUID)`).pipe(
    z.uuid({ error: (issue) => (issue.input === '' ? 'must not be empty' : `must be a ${what} (a UUID)`) }),
  );

/**
 * A number from `min` to `max` in plain decimal notation; `what` names it ("longitude in degrees"),
 * `rangeMessage` is said when it is outside.
 */
export function decimalParam(options: { what: string; min: number; max: number; rangeMessage: string }) {
  return oneString(`a number (${options.what})`)
    .transform((value, ctx) => {
      const problem = decimalProblem(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      const number = Number(value);
      if (!(number >= options.min && number <= options.max)) {
        ctx.addIssue({ code: 'custom', message: options.rangeMessage });
        return z.NEVER;
      }
      return number;
    })
    .meta({ description: `${options.what}, from ${options.min} to ${options.max}` });
}

/** One value from a fixed set. */
export function enumParam<const T extends readonly [string, ...string[]]>(values: T, message?: string) {
  const expected = message ?? `must be one of ${values.join(', ')}`;
  return z.enum(values, {
    error: (issue) => {
      if (issue.input === '') return 'must not be empty';
      if (issue.input === undefined || Array.isArray(issue.input)) return notOneString(issue.input, expected);
      return expected;
    },
  });
}

export const Lng = decimalParam({
  what: 'longitude in degrees',
  min: -180,
  max: 180,
  rangeMessage: 'longitude must be between -180 and 180',
});
export const Lat = decimalParam({
  what: 'latitude in degrees',
  min: -90,
  max: 90,
  rangeMessage: 'latitude must be between -90 and 90',
});

/** `bbox=minLng,minLat,maxLng,maxLat` (WGS84), as in RFC 7946 §5. */
export const Bbox = oneString('four numbers: minLng,minLat,maxLng,maxLat')
  .transform((value, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (value === '') return fail('must not be empty');
    const parts = value.split(',');
    if (parts.length !== 4) return fail(`bbox must be four numbers: minLng,minLat,maxLng,maxLat (got ${parts.length})`);
    const names = ['minLng', 'minLat', 'maxLng', 'maxLat'] as const;
    for (const [i, part] of parts.entries()) {
      const problem = decimalProblem(part);
      if (problem) return fail(`bbox must be four numbers: minLng,minLat,maxLng,maxLat (${names[i]} ${problem})`);
    }
    const [minLng, minLat, maxLng, maxLat] = parts.map(Number) as [number, number, number, number];
    if (minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90) {
      return fail('bbox is out of range: longitudes within ±180, latitudes within ±90');
    }
    if (minLng > maxLng || minLat > maxLat) {
      return fail('bbox minimums must not exceed maximums (minLng,minLat,maxLng,maxLat)');
    }
    return [minLng, minLat, maxLng, maxLat] as const;
  })
  .meta({ description: 'minLng,minLat,maxLng,maxLat in WGS84 degrees', example: '106.55,26.55,106.70,26.65' });

/** A comma-separated list of values from a fixed set, e.g. `kind=rider_station,party_service_centre`. */
export function csvOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return oneString(`comma-separated ${what}s`)
    .transform((value, ctx) => {
      // An empty list would silently mean "no filter" to some readers and "nothing" to others.
      if (value.trim() === '') {
        ctx.addIssue({ code: 'custom', message: `must not be empty; leave the parameter out for every ${what}` });
        return z.NEVER;
      }
      const items = value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      const unknown = items.filter((i) => !(values as readonly string[]).includes(i));
      if (unknown.length) {
        const shown = unknown.slice(0, 5).map((u) => (u.length > 40 ? `${u.slice(0, 40)}…` : u));
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${what}: ${shown.join(', ')}${unknown.length > 5 ? ', …' : ''}; expected one of ${values.join(', ')}`,
        });
        return z.NEVER;
      }
      return [...new Set(items)] as T[number][];
    })
    .meta({ description: `comma-separated ${what}: ${values.join(', ')}` });
}

export const StationKinds = csvOf(STATION_KINDS, 'station kind');
export const Amenities = csvOf(AMENITIES, 'amenity');

/** How many results to return: 1–50, 5 by default. */
export const Limit = integerParam({ what: 'count', min: 1, max: 50, rangeMessage: 'limit must be 1–50' }).default(5);

/** Travel minutes for one circle or isochrone: 1–60, 15 by default (the 15-minute life circle). */
export const Minutes = integerParam({
  what: 'number of minutes',
  min: 1,
  max: 60,
  rangeMessage: 'minutes must be 1–60',
})
  .default(15)
  .meta({ description: 'travel minutes, 1–60' });

/** `minutes=5,10,15`: up to six bands of 1–60 minutes, returned smallest first. */
export const MinutesList = oneString('comma-separated minutes, e.g. 5,10,15')
  .transform((value, ctx) => {
    if (value === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      return z.NEVER;
    }
    const parts = value.split(',');
    if (parts.some((p) => !DIGITS.test(p) || +p < 1 || +p > 60)) {
      ctx.addIssue({
        code: 'custom',
        message: 'minutes must be whole numbers from 1 to 60, comma-separated, e.g. 5,10,15',
      });
      return z.NEVER;
    }
    const unique = [...new Set(parts.map(Number))].sort((a, b) => a - b);
    if (unique.length > 6) {
      ctx.addIssue({ code: 'custom', message: 'at most six bands' });
      return z.NEVER;
    }
    return unique;
  })
  .meta({ description: 'comma-separated minutes, e.g. 5,10,15', example: '5,10,15' });

/** `true`/`false`/`1`/`0` as a boolean. */
export const BooleanFlag = enumParam(['true', 'false', '1', '0'], 'must be true or false').transform(
  (v) => v === 'true' || v === '1',
);

/** `2026-02-17T12:00:00+08:00`: date, time to the minute or second (fraction optional), and its offset. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const INSTANT_FORMAT =
  'must be an ISO 8601 time with its offset, like 2026-02-17T12:00:00+08:00 or 2026-02-17T04:00:00Z';

/**
 * A moment in time. The offset is required: "12:00" alone would be read in whatever zone the
 * server runs in, while a rider means Beijing time and a script may mean UTC.
 */
export const Instant = oneString('an ISO 8601 time with offset, like 2026-02-17T12:00:00+08:00')
  .transform((value, ctx) => {
    const match = INSTANT.exec(value);
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (value === '') return fail('must not be empty');
    if (!match) return fail(INSTANT_FORMAT);
    const [, y, mo, d, h, mi, s, , oh, om] = match.map((part) => (part === undefined ? 0 : Number(part)));
    const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth) return fail(`has no such date; ${INSTANT_FORMAT}`);
    if (h! > 23 || mi! > 59 || s! > 59 || oh! > 14 || om! > 59) return fail(`has no such time; ${INSTANT_FORMAT}`);
    return new Date(value);
  })
  .meta({ description: 'an ISO 8601 time with offset', example: '2026-02-17T12:00:00+08:00' });
