import OpeningHours from 'opening_hours';

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
      // Mode 0: time ranges only; China's public holidays are not in the library's data.
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

export function isOpenAt(value: string, now: Date): boolean {
  const parsed = parseOpeningHours(value);
  return parsed ? parsed.getState(shanghaiWallClock(now)) : false;
}
