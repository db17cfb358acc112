import type { ErrorBody } from '../types';

/** A non-2xx answer from the API, carrying the server's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
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

/** GETs JSON; throws `ApiError` with the server's message on any non-2xx status. */
export async function getJson<T>(
  path: string,
  query: Record<string, QueryValue> = {},
  init: RequestInit = {},
): Promise<T> {
  const response = await fetch(apiUrl(path, query), {
    ...init,
    headers: { Accept: 'application/json', ...init.headers },
  });
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok) {
        throw new ApiError(`Invalid JSON from ${path}`, response.status, 'invalid_json');
      }
    }
  }
  if (!response.ok) {
    if (isErrorBody(body)) {
      throw new ApiError(body.error.message, response.status, body.error.code ?? 'error', body.error.details);
    }
    throw new ApiError(`${response.status} ${response.statusText || 'error'} (${path})`, response.status, 'http_error');
  }
  return body as T;
}

/** [minLng, minLat, maxLng, maxLat] as the API's `bbox=` parameter. */
export type Bbox = [number, number, number, number];
export const bboxParam = (bbox: Bbox | null | undefined): string | undefined =>
  bbox ? bbox.map((value) => value.toFixed(6)).join(',') : undefined;
