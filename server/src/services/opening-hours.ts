import OpeningHours from 'opening_hours';
import { type CalendarDate, type HolidayCalendar, defaultHolidayCalendar } from './holidays';

/**
 * The stations are in China, so "open now" is judged on Beijing time whatever the server's own
 * time zone. opening_hours reads a Date's *local* fields, so we hand it a Date whose local fields
 * are the wall clock in Asia/Shanghai.
 */
export function shanghaiWallClock(now: Date): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return new Date(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

const cache = new Map<string, OpeningHours | null>();

/** Parses once per distinct value; null when the value is not valid opening_hours syntax. */
export function parseOpeningHours(value: string): OpeningHours | null {
  if (!cache.has(value)) {
    let parsed: OpeningHours | null = null;
    try {
      // No location (null): the library's China holidays are wrong, so its `PH` never matches here;
      // holidays come from our own calendar (see dayIntervals). Mode 0: time ranges only.
      parsed = new OpeningHours(value, null, 0);
    } catch {
      parsed = null;
    }
    cache.set(value, parsed);
  }
  return cache.get(value) ?? null;
}

/** Why a value is not valid, or null when it is. */
export function openingHoursError(value: string): string | null {
  try {
    new OpeningHours(value, null, 0);
    return null;
  } catch (error) {
    return String(error instanceof Error ? error.message : error).split('\n')[0] ?? 'invalid';
  }
}

const DAY_MS = 86_400_000;
/** Beijing has kept UTC+8 all year since 1991, so its calendar days are fixed 24-hour spans of UTC. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** How far ahead `nextChange` looks: "opens at 06:00" matters today and this week, not next month. */
export const NEXT_CHANGE_HORIZON_MS = 7 * DAY_MS;
const WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'] as const;

/** Days since 1970-01-01 on the Beijing calendar. */
const beijingDayIndex = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
const dayDate = (dayIndex: number): CalendarDate => new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
const dayWeekday = (dayIndex: number) => new Date(dayIndex * DAY_MS).getUTCDay();

/** An instant as a Date whose local fields are its Beijing wall clock (what the library reads). */
function toLibraryDate(ms: number): Date {
  const b = new Date(ms + BEIJING_OFFSET_MS);
  return new Date(
    b.getUTCFullYear(),
    b.getUTCMonth(),
    b.getUTCDate(),
    b.getUTCHours(),
    b.getUTCMinutes(),
    b.getUTCSeconds(),
    b.getUTCMilliseconds(),
  );
}

/** The inverse: a library Date (local fields = Beijing wall clock) back to an instant. */
function fromLibraryDate(d: Date): number {
  const wall = Date.UTC(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  );
  return wall - BEIJING_OFFSET_MS;
}

/**
 * The value as it reads on a public holiday falling on `weekday`: each `PH` selector (outside
 * "comments") becomes that weekday, so `PH off` closes the day, `PH 10:00-16:00` sets its hours and
 * `Sa,Su,PH 10:00-16:00` matches it, while a rule without PH applies as on that weekday. Only used
 * for that one day, so the weekday selector matches nothing else. Null if nothing changes.
 */
function onHoliday(value: string, weekday: number): string | null {
  const parts = value.split('"');
  let changed = false;
  for (let i = 0; i < parts.length; i += 2) {
    const replaced = parts[i]!.replace(/\bPH\b/g, WEEKDAYS[weekday]!);
    if (replaced !== parts[i]) changed = true;
    parts[i] = replaced;
  }
  return changed ? parts.join('"') : null;
}

type Interval = [start_ms: number, end_ms: number];

/**
 * The open spans of one Beijing calendar day, clipped to it; null when the value is invalid.
 *
 * - A public holiday (our calendar): `PH` rules apply (see onHoliday). Should the rewritten value
 *   not parse (e.g. `PH +1 day`, which needs the library's own list), the plain rules apply.
 * - A make-up working day (调休, a Saturday or Sunday worked in exchange for a holiday): OSM has no
 *   syntax for it, so a station keeps the hours of a normal working day: the day is evaluated as
 *   the nearest Monday–Friday (Saturday as the Friday before, Sunday as the Monday after), so
 *   `Mo-Fr 08:00-18:00` applies and a rule naming only Sa or Su does not.
 * - Any other day: the rules as written (`PH` matches nothing).
 *
 * A span that crosses midnight counts with the rules of the day it falls in.
 */
function dayIntervals(value: string, dayIndex: number, calendar: HolidayCalendar): Interval[] | null {
  const date = dayDate(dayIndex);
  const weekday = dayWeekday(dayIndex);
  let parsed = parseOpeningHours(value);
  if (!parsed) return null;
  let shift_ms = 0;
  if (calendar.isPublicHoliday(date)) {
    const holidayValue = onHoliday(value, weekday);
    parsed = (holidayValue && parseOpeningHours(holidayValue)) || parsed;
  } else if (calendar.isMakeUpWorkday(date) && (weekday === 6 || weekday === 0)) {
    shift_ms = (weekday === 6 ? -1 : 1) * DAY_MS;
  }
  const start_ms = dayIndex * DAY_MS - BEIJING_OFFSET_MS;
  const from = toLibraryDate(start_ms + shift_ms);
  const to = toLibraryDate(start_ms + DAY_MS + shift_ms);
  return (
    parsed
      .getOpenIntervals(from, to)
      // "unknown" spans (a rule with only a comment) are not promised open, as getState treats them.
      .filter(([, , unknown]) => !unknown)
      .map(([a, b]): Interval => [fromLibraryDate(a) - shift_ms, fromLibraryDate(b) - shift_ms])
      .filter(([a, b]) => b > a)
      // Two rules may meet (06:00-12:00, 12:00-18:00): one span, so the change is at 18:00.
      .reduce<Interval[]>((merged, span) => {
        const previous = merged.at(-1);
        if (previous && span[0] <= previous[1]) previous[1] = Math.max(previous[1], span[1]);
        else merged.push(span);
        return merged;
      }, [])
  );
}

const dayCache = new WeakMap<HolidayCalendar, Map<string, Map<number, Interval[] | null>>>();
let cachedDays = 0;

/** dayIntervals, remembered: the nearest search asks about the same few values for many stations. */
function cachedDayIntervals(value: string, dayIndex: number, calendar: HolidayCalendar): Interval[] | null {
  let byValue = dayCache.get(calendar);
  if (!byValue || cachedDays >= 50_000) {
    dayCache.set(calendar, (byValue = new Map()));
    cachedDays = 0;
  }
  let byDay = byValue.get(value);
  if (!byDay) byValue.set(value, (byDay = new Map()));
  let intervals = byDay.get(dayIndex);
  if (intervals === undefined) {
    intervals = dayIntervals(value, dayIndex, calendar);
    byDay.set(dayIndex, intervals);
    cachedDays++;
  }
  return intervals;
}

export type OpenState = {
  open: boolean;
  /** When it next closes (if open) or opens (if closed), within 7 days; null when no change is due. */
  nextChange: Date | null;
};

/**
 * Whether a station with these hours is open at `at` (Beijing time, China's public holidays and
 * make-up working days applied), and when that next changes: "营业中 · 22:00 关门" or "06:00 开门".
 * An invalid value is closed with no change due.
 */
export function stateAt(value: string, at: Date, calendar: HolidayCalendar = defaultHolidayCalendar()): OpenState {
  const t = at.getTime();
  if (!Number.isFinite(t)) return { open: false, nextChange: null };
  const horizon = t + NEXT_CHANGE_HORIZON_MS;
  const first = beijingDayIndex(t);
  const last = beijingDayIndex(horizon);
  let open: boolean | undefined;
  for (let day = first; day <= last; day++) {
    const intervals = cachedDayIntervals(value, day, calendar);
    if (!intervals) return { open: false, nextChange: null };
    const dayStart = day * DAY_MS - BEIJING_OFFSET_MS;
    if (open === undefined) {
      const current = intervals.find(([a, b]) => a <= t && t < b);
      open = current !== undefined;
      if (open) {
        if (current![1] < dayStart + DAY_MS) return finish(true, current![1], horizon);
        continue; // open till midnight: does it go on tomorrow?
      }
      const next = intervals.find(([a]) => a > t);
      if (next) return finish(false, next[0], horizon);
      continue;
    }
    if (open) {
      // Still open at midnight: the change is the first moment of this day that is closed.
      const head = intervals[0];
      if (!head || head[0] > dayStart) return finish(true, dayStart, horizon);
      if (head[1] < dayStart + DAY_MS) return finish(true, head[1], horizon);
    } else if (intervals[0]) {
      return finish(false, intervals[0][0], horizon);
    }
  }
  return { open: open ?? false, nextChange: null };
}

function finish(open: boolean, change_ms: number, horizon_ms: number): OpenState {
  return { open, nextChange: change_ms <= horizon_ms ? new Date(change_ms) : null };
}

/** Whether a station with these hours is open at `now` (Beijing time, holidays applied). */
export function isOpenAt(value: string, now: Date): boolean {
  return stateAt(value, now).open;
}
