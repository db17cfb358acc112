import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * China's public holidays and make-up working days (调休), as data: one `<year>.json` per year in
 * data/holidays/, from the State Council's notice. The opening_hours library's own China list is
 * wrong (it has 妇女节 as a day off and no 春节), so `PH` in opening hours is judged against this.
 */
export const HOLIDAYS_DIR = fileURLToPath(new URL('../../../data/holidays', import.meta.url));

/** A Beijing calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string;

const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'is not a date in the calendar');

const Day = z.strictObject({ date: DateString, name: z.string().trim().min(1, 'needs the holiday name, e.g. 春节') });

const YearFile = z.strictObject({
  year: z.number().int().min(2000).max(2200),
  source: z.string().optional(),
  holidays: z.array(Day),
  workdays: z.array(Day),
});

export type HolidayCalendar = {
  /** The holiday's name when `date` is a day off, else undefined. */
  holidayName(date: CalendarDate): string | undefined;
  isPublicHoliday(date: CalendarDate): boolean;
  /** A weekend day that is a working day because of a holiday nearby. */
  isMakeUpWorkday(date: CalendarDate): boolean;
  /** The years that have a file. */
  years: number[];
};

/** Why one year's file is unusable, or its parsed content. */
function parseYear(file: string, text: string): z.output<typeof YearFile> {
  const fail = (problem: string): never => {
    throw new Error(`Holiday calendar ${file}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = YearFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`${issue.path.join('.') || 'the file'} ${issue.message}`);
  }
  const data = parsed.data;
  const fileYear = Number(file.replace(/\.json$/, ''));
  if (data.year !== fileYear) fail(`says year ${data.year}, but the file is named for ${fileYear}`);
  const off = new Set<string>();
  for (const [list, days] of [
    ['holidays', data.holidays],
    ['workdays', data.workdays],
  ] as const) {
    const seen = new Set<string>();
    for (const day of days) {
      if (!day.date.startsWith(`${data.year}-`)) fail(`${list}: ${day.date} is not in ${data.year}`);
      if (seen.has(day.date)) fail(`${list}: ${day.date} is listed twice`);
      seen.add(day.date);
      if (list === 'holidays') off.add(day.date);
      else if (off.has(day.date)) fail(`${day.date} is both a day off and a make-up working day`);
    }
  }
  return data;
}

/** Reads and checks every `<year>.json` in `dir`; throws, naming the file and the problem, on a bad one. */
export function loadHolidayCalendar(dir: string = HOLIDAYS_DIR): HolidayCalendar {
  const holidays = new Map<CalendarDate, string>();
  const workdays = new Set<CalendarDate>();
  const years: number[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of files) {
    if (!/^\d{4}\.json$/.test(file)) throw new Error(`Holiday calendar ${file}: name it <year>.json, e.g. 2027.json`);
    const data = parseYear(file, readFileSync(join(dir, file), 'utf8'));
    years.push(data.year);
    for (const day of data.holidays) holidays.set(day.date, day.name);
    for (const day of data.workdays) workdays.add(day.date);
  }
  return {
    holidayName: (date) => holidays.get(date),
    isPublicHoliday: (date) => holidays.has(date),
    isMakeUpWorkday: (date) => workdays.has(date),
    years,
  };
}

/**
 * Read once, when the server starts: a malformed file stops it with the message rather than
 * every station quietly ignoring the holidays. An admin adds a year by dropping in its file and
 * restarting.
 */
const calendar = loadHolidayCalendar();

export const defaultHolidayCalendar = (): HolidayCalendar => calendar;
export const isPublicHoliday = (date: CalendarDate): boolean => calendar.isPublicHoliday(date);
export const isMakeUpWorkday = (date: CalendarDate): boolean => calendar.isMakeUpWorkday(date);
