import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMakeUpWorkday, isPublicHoliday, loadHolidayCalendar } from '../../server/src/services/holidays';
import { isOpenAt, stateAt } from '../../server/src/services/opening-hours';

/** Beijing wall-clock time, written with its offset so the machine's own zone plays no part. */
const bj = (wall: string) => new Date(`${wall}+08:00`);
const iso = (state: { nextChange: Date | null }) => state.nextChange?.toISOString() ?? null;
const WEEKDAYS = 'Mo-Fr 08:00-18:00; PH off';

describe('holiday calendar (data/holidays/2026.json)', () => {
  it('has the State Council days off and make-up working days for 2026', () => {
    expect(['2026-01-01', '2026-02-15', '2026-02-17', '2026-02-23', '2026-10-07'].map(isPublicHoliday)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    // 妇女节 is not a day off for everyone; the working day after 春节 is not a holiday.
    expect(['2026-03-08', '2026-02-24', '2026-02-14'].map(isPublicHoliday)).toEqual([false, false, false]);
    expect(
      ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map(isMakeUpWorkday),
    ).toEqual([true, true, true, true, true, true]);
    expect(isMakeUpWorkday('2026-02-21')).toBe(false);
  });
});

describe('stateAt with China holidays, on Beijing time', () => {
  it(`closes a "${WEEKDAYS}" station on 2026-02-17 (春节, a Tuesday) and opens it after the holiday`, () => {
    const state = stateAt(WEEKDAYS, bj('2026-02-17T12:00:00'));
    expect(state.open).toBe(false);
    // 春节 runs to Mon 23 Feb, so it opens on Tue 24 Feb at 08:00 Beijing time.
    expect(iso(state)).toBe('2026-02-24T00:00:00.000Z');
    // Without the calendar the same rule would open that Tuesday.
    expect(stateAt(WEEKDAYS, bj('2026-02-17T12:00:00'), emptyCalendar()).open).toBe(true);
  });

  it('opens it on Sat 2026-02-14, a make-up working day, with working-day hours', () => {
    const noon = stateAt(WEEKDAYS, bj('2026-02-14T12:00:00'));
    expect(noon).toEqual({ open: true, nextChange: bj('2026-02-14T18:00:00') });
    // The evening before: next opening is that Saturday morning, not Tuesday the 24th.
    expect(stateAt(WEEKDAYS, bj('2026-02-13T19:00:00')).nextChange).toEqual(bj('2026-02-14T08:00:00'));
    // An ordinary Saturday stays closed.
    expect(stateAt(WEEKDAYS, bj('2026-03-07T12:00:00')).open).toBe(false);
    // A rule for weekends only does not apply on a make-up working day.
    expect(stateAt('Sa,Su 10:00-16:00', bj('2026-02-14T12:00:00')).open).toBe(false);
  });

  it('closes "Mo-Fr 08:00-18:00; PH off" on 2026-10-01 (国庆节, a Thursday)', () => {
    expect(stateAt('Mo-Fr 08:00-18:00; PH off', bj('2026-10-01T10:00:00')).open).toBe(false);
    expect(stateAt('Mo-Fr 08:00-18:00; PH off', bj('2026-10-08T10:00:00')).open).toBe(true);
    expect(isOpenAt('Mo-Fr 08:00-18:00; PH off', bj('2026-10-01T10:00:00'))).toBe(false);
  });

  it('applies PH hours on a holiday and weekday hours on the day after', () => {
    const hours = 'Mo-Su 06:00-22:00; PH 10:00-16:00';
    expect(stateAt(hours, bj('2026-02-17T08:00:00'))).toEqual({ open: false, nextChange: bj('2026-02-17T10:00:00') });
    expect(stateAt(hours, bj('2026-02-17T12:00:00'))).toEqual({ open: true, nextChange: bj('2026-02-17T16:00:00') });
    expect(stateAt(hours, bj('2026-02-24T08:00:00'))).toEqual({ open: true, nextChange: bj('2026-02-24T22:00:00') });
    // "Sa,Su,PH" matches a holiday on a Tuesday.
    expect(stateAt('Sa,Su,PH 10:00-16:00', bj('2026-02-17T12:00:00')).open).toBe(true);
  });

  it('finds the next change across midnight', () => {
    expect(stateAt('Mo-Su 18:00-02:00', bj('2026-03-10T23:00:00'))).toEqual({
      open: true,
      nextChange: bj('2026-03-11T02:00:00'),
    });
    expect(stateAt('Mo-Su 06:00-24:00', bj('2026-03-10T03:45:00'))).toEqual({
      open: false,
      nextChange: bj('2026-03-10T06:00:00'),
    });
    expect(stateAt('Mo-Su 06:00-24:00', bj('2026-03-10T23:30:00'))).toEqual({
      open: true,
      nextChange: bj('2026-03-11T00:00:00'),
    });
  });

  it('finds the next change across a holiday, and none past 7 days', () => {
    // Wed 30 Sep 19:00: 国庆节 is Oct 1–7 and Thu 8 Oct 08:00 is more than 7 days away.
    expect(stateAt(WEEKDAYS, bj('2026-09-30T19:00:00'))).toEqual({ open: false, nextChange: null });
    // Fri 2 Jan (元旦) 09:00: Sat 3 Jan is off too and Sun 4 Jan is a make-up working day.
    expect(stateAt(WEEKDAYS, bj('2026-01-02T09:00:00'))).toEqual({
      open: false,
      nextChange: bj('2026-01-04T08:00:00'),
    });
  });

  it('keeps a 24/7 station open with no change due, holiday or not', () => {
    for (const at of ['2026-02-17T03:45:00', '2026-02-14T12:00:00', '2026-03-10T00:00:00']) {
      expect(stateAt('24/7', bj(at))).toEqual({ open: true, nextChange: null });
    }
    expect(stateAt('24/7; PH off', bj('2026-02-17T03:45:00'))).toEqual({
      open: false,
      nextChange: bj('2026-02-24T00:00:00'),
    });
  });

  it('treats invalid hours as closed', () => {
    expect(stateAt('not hours', bj('2026-03-10T12:00:00'))).toEqual({ open: false, nextChange: null });
  });
});

describe('loadHolidayCalendar refuses a malformed file with a message', () => {
  const dirs: string[] = [];
  const emptyOrWith = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const year = (holidays: unknown[], workdays: unknown[] = []) => ({ year: 2027, holidays, workdays });

  it.each([
    [
      'a date that does not exist',
      year([{ date: '2027-02-30', name: '春节' }]),
      /2027\.json: holidays\.0\.date is not a date/,
    ],
    [
      'a date outside its year',
      year([{ date: '2026-12-31', name: '元旦' }]),
      /2027\.json: holidays: 2026-12-31 is not in 2027/,
    ],
    [
      'a day both off and working',
      year([{ date: '2027-02-06', name: '春节' }], [{ date: '2027-02-06', name: '春节' }]),
      /2027-02-06 is both a day off and a make-up working day/,
    ],
    ['a missing name', year([{ date: '2027-01-01' }]), /holidays\.0\.name/],
    ['not JSON', '{"year": 2027,', /2027\.json: not valid JSON/],
    [
      'the wrong year inside',
      { year: 2028, holidays: [], workdays: [] },
      /says year 2028, but the file is named for 2027/,
    ],
  ])('%s', (_, content, message) => {
    const dir = emptyOrWith({ '2027.json': content });
    expect(() => loadHolidayCalendar(dir)).toThrow(message);
  });

  it('reads a good file', () => {
    const dir = emptyOrWith({ '2027.json': year([{ date: '2027-01-01', name: '元旦' }]) });
    const calendar = loadHolidayCalendar(dir);
    expect(calendar.years).toEqual([2027]);
    expect(calendar.holidayName('2027-01-01')).toBe('元旦');
    expect(calendar.isPublicHoliday('2027-01-02')).toBe(false);
  });
});

/** A calendar with no years: read from an empty folder, removed again once read. */
function emptyCalendar() {
  const dir = mkdtempSync(join(tmpdir(), 'holidays-none-'));
  try {
    return loadHolidayCalendar(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
