import { describeError } from './api-errors';
import { DEFAULT_LOCALE, isLocale, translate, type Locale, type MessageKey, type MessageParams } from './translate';

export { LOCALES, type Locale, type MessageKey } from './translate';

const STORAGE_KEY = 'wangge.locale';

function readStoredLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : DEFAULT_LOCALE;
  } catch {
    // Storage can be disabled (private mode, sandboxed iframes); the default locale is fine then.
    return DEFAULT_LOCALE;
  }
}

const state = $state<{ locale: Locale }>({ locale: readStoredLocale() });

/** The current locale. Reading it inside a component or effect makes that code re-run on change. */
export const i18n = {
  get locale(): Locale {
    return state.locale;
  },
  set locale(next: Locale) {
    state.locale = next;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // See readStoredLocale.
    }
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  },
};

/** Translates `key` in the current locale, filling `{name}` placeholders from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(state.locale, key, params);
}

/** An error (an `ApiError` above all) as a sentence in the current locale; see api-errors.ts. */
export function errorText(error: unknown): string {
  return describeError(state.locale, error);
}
