import type { MessageKey, Messages } from './zh-CN';
import { zhCN } from './zh-CN';
import { en } from './en';

export type { MessageKey, Messages };

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const dictionaries: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export type MessageParams = Record<string, string | number>;

/** Replaces `{name}` placeholders; an unknown placeholder is left as written so it shows up. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Pure lookup, for tests and for code that holds a locale of its own. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[locale][key], params);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Placeholder names in a template, sorted; used to check that translations keep them. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}
