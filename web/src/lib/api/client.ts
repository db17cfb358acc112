import type { ErrorBody } from '../types';

/** A non-2xx answer from the API, carrying the server's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
    /** Seconds from the Retry-After header of a 429 or 503; null when the server sent none. */
    readonly retryAfter_s: number | null = null,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | boolean | null | undefined;

/** Builds `/api/<path>?…`, skipping null/undefined/empty parameters. */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return `/api/${path.replace(/^\//, '')}${text ? `?${text}` : ''}`;
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error;
}

/**
 * What the API client needs from the signed-in session, registered by `state/session.svelte.ts`
 * (the api layer imports no state). Without hooks the client works signed out: no CSRF header, and
 * a 401 is simply thrown.
 */
export type SessionHooks = {
  /** The session's CSRF token, sent as `X-CSRF-Token` on every write; null when signed out. */
  csrfToken(): string | null;
  /** Whether the page believes it is signed in (so any 401 means the session ended under it). */
  signedIn(): boolean;
  /**
   * The session ended under the page: ask the person to sign in again, keeping the page as it is.
   * Resolves true once they have (the request is then retried once), false if they gave up.
   */
  reauthenticate(error: ApiError): Promise<boolean>;
  /** The CSRF token was refused (e.g. renewed in another tab): fetch a fresh one; true when there is one. */
  refreshCsrf(): Promise<boolean>;
};

let hooks: SessionHooks | null = null;

/** Registers (or, with null, removes) the session's hooks. */
export function setSessionHooks(next: SessionHooks | null) {
  hooks = next;
}

export const CSRF_HEADER = 'X-CSRF-Token';
export const SESSION_ENDED_HEADER = 'X-Session-Ended';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type RequestOptions = {
  method: 'GET' | WriteMethod;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A file sent as it is (an import), instead of a JSON `body`. */
  raw?: Blob;
  init?: RequestInit;
  /**
   * False for the session's own calls (sign-in, sign-out, me): their 401s are answers, not a
   * session that ended under the page.
   */
  reauthenticate?: boolean;
};

function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function once<T>(path: string, options: RequestOptions): Promise<T> {
  const { method, query = {}, body, raw, init = {} } = options;
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (raw !== undefined) headers.set('Content-Type', 'application/octet-stream');
  else if (body !== undefined) headers.set('Content-Type', 'application/json');
  const csrf = method === 'GET' ? null : (hooks?.csrfToken() ?? null);
  if (csrf) headers.set(CSRF_HEADER, csrf);
  const response = await fetch(apiUrl(path, query), {
    ...init,
    method,
    headers,
    // The session cookie is same-origin; say so rather than rely on the default.
    credentials: 'same-origin',
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // A public route answered as the public because the session had ended (see authenticate.ts):
  // ask to sign in again now rather than at the next write.
  if (response.headers.get(SESSION_ENDED_HEADER) && hooks?.signedIn() && options.reauthenticate !== false) {
    void hooks.reauthenticate(new ApiError('Your session has ended; sign in again.', 401, 'session_expired'));
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (response.ok) {
        throw new ApiError(`Invalid JSON from ${path}`, response.status, 'invalid_json');
      }
    }
  }
  if (!response.ok) {
    const retryAfter = retryAfterSeconds(response);
    if (isErrorBody(parsed)) {
      throw new ApiError(
        parsed.error.message,
        response.status,
        parsed.error.code ?? 'error',
        parsed.error.details,
        retryAfter,
      );
    }
    throw new ApiError(
      `${response.status} ${response.statusText || 'error'} (${path})`,
      response.status,
      'http_error',
      undefined,
      retryAfter,
    );
  }
  return parsed as T;
}

/** A 401 that means the session ended under the page, rather than "this needs an account". */
const sessionEnded = (error: ApiError) =>
  error.status === 401 && (error.code === 'session_expired' || hooks?.signedIn() === true);

/**
 * Every API call goes through here, so the session's failures are handled in one place:
 * - 401 when the session has ended: the sign-in dialog opens over the page (nothing on it is lost)
 *   and, once signed in, the request is sent again;
 * - 403 `csrf_failed`: a fresh CSRF token is fetched and the request sent again, once;
 * - everything else (403, 409, 422, 429 with Retry-After, 503) is thrown as an `ApiError` for the
 *   caller to show with `describeError` (i18n/api-errors.ts), in the page's language.
 */
async function request<T>(path: string, options: RequestOptions): Promise<T> {
  try {
    return await once<T>(path, options);
  } catch (error) {
    if (!(error instanceof ApiError) || !hooks || options.reauthenticate === false) throw error;
    if (options.init?.signal?.aborted) throw error;
    if (sessionEnded(error)) {
      if (!(await hooks.reauthenticate(error))) throw error;
      return once<T>(path, options);
    }
    if (error.status === 403 && error.code === 'csrf_failed' && (await hooks.refreshCsrf())) {
      return once<T>(path, options);
    }
    throw error;
  }
}

/** GETs JSON; throws `ApiError` with the server's message on any non-2xx status. */
export function getJson<T>(
  path: string,
  query: Record<string, QueryValue> = {},
  init: RequestInit = {},
  options: { reauthenticate?: boolean } = {},
): Promise<T> {
  return request<T>(path, { method: 'GET', query, init, ...options });
}

/**
 * Sends a write (`body` as JSON, if given) with the session's `X-CSRF-Token`; resolves to the
 * parsed answer, or undefined for a 204. Throws `ApiError` as `getJson` does.
 */
export function sendJson<T = undefined>(
  method: WriteMethod,
  path: string,
  body?: unknown,
  init: RequestInit = {},
  options: { reauthenticate?: boolean } = {},
): Promise<T> {
  return request<T>(path, { method, body, init, ...options });
}

/** [minLng, minLat, maxLng, maxLat] as the API's `bbox=` parameter. */
export type Bbox = [number, number, number, number];
export const bboxParam = (bbox: Bbox | null | undefined): string | undefined =>
  bbox ? bbox.map((value) => value.toFixed(6)).join(',') : undefined;

/** POSTs a file as it is (`application/octet-stream`), with the CSRF header; JSON back, as `sendJson`. */
export function sendFile<T>(path: string, file: Blob, query: Record<string, QueryValue> = {}, init: RequestInit = {}) {
  return request<T>(path, { method: 'POST', raw: file, query, init });
}
