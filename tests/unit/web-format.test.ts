import { describe, expect, it } from 'vitest';
import {
  formatArea,
  formatDistance,
  formatDuration,
  formatInteger,
  formatPercent,
} from '../../web/src/lib/i18n/format';

describe('formatDistance', () => {
  it('shows metres below a kilometre', () => {
    expect(formatDistance(0)).toBe('0 m');
    expect(formatDistance(850)).toBe('850 m');
    expect(formatDistance(849.6)).toBe('850 m');
    expect(formatDistance(999.4)).toBe('999 m');
  });
  it('switches to km with one decimal', () => {
    expect(formatDistance(999.6)).toBe('1.0 km');
    expect(formatDistance(1000)).toBe('1.0 km');
    expect(formatDistance(1234)).toBe('1.2 km');
    expect(formatDistance(15_050)).toBe('15.1 km');
    expect(formatDistance(123_456)).toBe('123 km');
  });
  it('never shows a negative or NaN distance', () => {
    expect(formatDistance(-3)).toBe('0 m');
    expect(formatDistance(Number.NaN)).toBe('–');
  });
});

describe('formatArea', () => {
  it('gives km² with two decimals', () => {
    expect(formatArea(307_000_000)).toBe('307.00 km²');
    expect(formatArea(1_234_567, 'en')).toBe('1.23 km²');
    expect(formatArea(12_345_678_900, 'en')).toBe('12,345.68 km²');
  });
  it('keeps small gaps in m²', () => {
    expect(formatArea(850)).toBe('850 m²');
    expect(formatArea(9_999.4, 'en')).toBe('9,999 m²');
  });
});

describe('formatPercent', () => {
  it('turns a share into a percentage', () => {
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.8734)).toBe('87.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(Number.NaN)).toBe('–');
  });
});

describe('formatInteger', () => {
  it('rounds and groups thousands', () => {
    expect(formatInteger(0)).toBe('0');
    expect(formatInteger(12_345.6)).toBe('12,346');
    expect(formatInteger(640_000, 'en')).toBe('640,000');
    expect(formatInteger(1_079, 'zh-CN')).toBe('1,079');
  });
});

describe('formatDuration', () => {
  it('gives whole minutes in each locale', () => {
    expect(formatDuration(360)).toBe('6 分钟');
    expect(formatDuration(360, 'en')).toBe('6 min');
    expect(formatDuration(372, 'zh-CN')).toBe('6 分钟');
    expect(formatDuration(900)).toBe('15 分钟');
  });
  it('rounds to the nearest minute', () => {
    expect(formatDuration(60)).toBe('1 分钟');
    expect(formatDuration(89)).toBe('1 分钟');
    expect(formatDuration(90)).toBe('2 分钟');
    expect(formatDuration(880, 'en')).toBe('15 min');
  });
  it('says "<1" under a minute', () => {
    expect(formatDuration(0)).toBe('<1 分钟');
    expect(formatDuration(59.9)).toBe('<1 分钟');
    expect(formatDuration(12, 'en')).toBe('<1 min');
  });
  it('never shows NaN', () => {
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatDuration(Number.POSITIVE_INFINITY, 'en')).toBe('–');
  });
});
