/**
 * API errors in the page's language. The server's messages are English and written for whoever
 * calls the API; a person on the page gets a sentence of their own for each code they can meet,
 * and for the rest a sentence by status (with the server's text where it says what to fix).
 */
import { ApiError } from '../api/client';
import { translate, type Locale, type MessageKey } from './translate';

/** Codes with a sentence of their own and no placeholders. */
export const OWN_SENTENCE = new Set<string>([
  'invalid_credentials',
  'unauthenticated',
  'session_expired',
  'invalid_token',
  'forbidden',
  'outside_scope',
  'csrf_failed',
  'username_taken',
  'last_admin',
  'self_disable',
  'not_found',
  'database_unavailable',
  'timeout',
]);

export function describeError(locale: Locale, error: unknown): string {
  if (!(error instanceof ApiError)) {
    // fetch rejects with a TypeError when the server can't be reached at all.
    if (error instanceof TypeError) return translate(locale, 'error.network');
    return error instanceof Error ? error.message : String(error);
  }
  const { code, status, retryAfter_s } = error;
  if (OWN_SENTENCE.has(code)) return translate(locale, `apiError.${code}` as MessageKey);
  if (code === 'too_many_attempts') {
    return retryAfter_s !== null
      ? translate(locale, 'apiError.too_many_attempts', { minutes: Math.max(1, Math.ceil(retryAfter_s / 60)) })
      : translate(locale, 'apiError.too_many_attempts_later');
  }
  if (status === 429) {
    return retryAfter_s !== null
      ? translate(locale, 'apiError.rate_limited', { seconds: Math.max(1, retryAfter_s) })
      : translate(locale, 'apiError.rate_limited_later');
  }
  if (status === 503) {
    if (code === 'busy' && retryAfter_s !== null)
      return translate(locale, 'apiError.busy', { seconds: Math.max(1, retryAfter_s) });
    return translate(locale, 'apiError.unavailable');
  }
  if (status === 401) return translate(locale, 'apiError.unauthenticated');
  if (status === 403) return translate(locale, 'apiError.forbidden');
  if (status === 404) return translate(locale, 'apiError.not_found');
  if (status === 409) return translate(locale, 'apiError.conflict', { message: error.message });
  if (status >= 500) return translate(locale, 'apiError.server', { status });
  // 400, 413, 415, 422…: the server's message names the field and what to fix.
  return translate(locale, 'apiError.invalid', { message: error.message });
}
