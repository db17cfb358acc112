/**
 * "营业中 · 22:00 关门" / "已关门 · 明天 06:00 开门" from a station's openState. Stations keep
 * Beijing time (UTC+8 all year, no daylight saving), whatever the phone's own time zone.
 */
import { translate, type Locale } from '../i18n/translate';

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Days since 1970-01-01 in Beijing, and minutes into that day. */
function beijingClock(instant: Date) {
  const shifted = instant.getTime() + BEIJING_OFFSET_MS;
  const day = Math.floor(shifted / DAY_MS);
  return { day, minutes: Math.floor((shifted - day * DAY_MS) / 60_000), weekday: new Date(day * DAY_MS).getUTCDay() };
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * When the state next changes, as the rider would say it: "22:00" today, "24:00" for midnight
 * tonight (hours written 06:00-24:00 close then), "明天 06:00", or "周五 06:00" further on.
 */
export function changeTime(locale: Locale, nextChange: Date, now: Date): string {
  const at = beijingClock(nextChange);
  const today = beijingClock(now).day;
  if (at.day === today) return hhmm(at.minutes);
  if (at.day === today + 1 && at.minutes === 0) return '24:00';
  if (at.day === today + 1) return translate(locale, 'find.hours.tomorrow', { time: hhmm(at.minutes) });
  return translate(locale, 'find.hours.weekday', {
    day: translate(locale, `find.weekday.${at.weekday}` as 'find.weekday.0'),
    time: hhmm(at.minutes),
  });
}

export type OpenState = { open: boolean; nextChange: string | null };

/** The card's line for opening hours; `now` is the time the state was judged at. */
export function openingText(locale: Locale, state: OpenState, now: Date): string {
  const next = state.nextChange ? new Date(state.nextChange) : null;
  if (!next || Number.isNaN(next.getTime())) {
    return translate(locale, state.open ? 'find.hours.openAllWeek' : 'find.hours.closedAllWeek');
  }
  const time = changeTime(locale, next, now);
  return translate(locale, state.open ? 'find.hours.openUntil' : 'find.hours.closedUntil', { time });
}

/** A clock time in Beijing ("14:05"), or with the date when not today ("12/1 14:05"). */
export function fetchedAtText(fetchedAt: Date, now: Date): string {
  const at = beijingClock(fetchedAt);
  const time = hhmm(at.minutes);
  if (at.day === beijingClock(now).day) return time;
  const date = new Date(at.day * DAY_MS);
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()} ${time}`;
}
