import { describe, expect, it } from 'vitest';
import { zhCN } from '../../web/src/lib/i18n/zh-CN';
import { en } from '../../web/src/lib/i18n/en';
import {
  dictionaries,
  interpolate,
  isLocale,
  LOCALES,
  placeholders,
  translate,
} from '../../web/src/lib/i18n/translate';
import {
  AMENITIES,
  COVERAGE_METHODS,
  STATION_KINDS,
  STATION_STATUSES,
  TRAVEL_MODES,
} from '../../web/src/lib/constants';

describe('i18n dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('have no empty messages', () => {
    for (const locale of LOCALES) {
      for (const [key, message] of Object.entries(dictionaries[locale])) {
        expect(message.trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });

  it('keep the same {placeholders} in every translation', () => {
    for (const [key, message] of Object.entries(zhCN)) {
      expect(placeholders(en[key as keyof typeof zhCN]), key).toEqual(placeholders(message));
    }
  });

  it('label every station kind, amenity and status', () => {
    for (const locale of LOCALES) {
      const keys = Object.keys(dictionaries[locale]);
      for (const kind of STATION_KINDS) expect(keys).toContain(`kind.${kind}`);
      for (const amenity of AMENITIES) expect(keys).toContain(`amenity.${amenity}`);
      for (const status of STATION_STATUSES) expect(keys).toContain(`status.${status}`);
    }
  });

  it('label every coverage method (with its hint) and travel mode', () => {
    for (const locale of LOCALES) {
      const keys = Object.keys(dictionaries[locale]);
      for (const method of COVERAGE_METHODS) {
        expect(keys).toContain(`coverage.method.${method}`);
        expect(keys).toContain(`coverage.method.${method}Hint`);
      }
      for (const mode of TRAVEL_MODES) expect(keys).toContain(`coverage.mode.${mode}`);
    }
  });

  it('word the reachable-stations line and the street-network note', () => {
    expect(translate('zh-CN', 'reachable.count', { minutes: 15, count: 3, mode: '步行' })).toBe(
      '15 分钟内可达的驿站：3 个（步行）',
    );
    expect(translate('zh-CN', 'reachable.empty', { minutes: 15, mode: '步行' })).toContain('15 分钟内没有可达的驿站');
    expect(translate('zh-CN', 'coverage.method.networkHint')).toBe('沿街道路网计算，绕行河流、铁路和封闭小区');
    expect(translate('en', 'reachable.count', { minutes: 10, count: 2, mode: 'E-bike' })).toContain('10 min');
  });

  it('name the app in both languages', () => {
    expect(translate('zh-CN', 'app.name')).toContain('网格通');
    expect(translate('en', 'app.name')).toContain('Wangge');
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('en', 'coverage.minutesValue', { minutes: 15 })).toBe('15 min');
    expect(translate('zh-CN', 'coverage.minutesValue', { minutes: 15 })).toBe('15 分钟');
  });

  it('leaves unknown placeholders visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(interpolate('no params')).toBe('no params');
  });

  it('recognises locales', () => {
    expect(isLocale('zh-CN')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale(null)).toBe(false);
  });
});
