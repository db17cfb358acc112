/**
 * "Latest request wins": a newer click, filter or run makes the answer to an older one worthless,
 * and a slow older answer must never land on top of a newer one. One `latestRequest()` per kind
 * of request (the "here" answer, the nearest stations, the isochrones…); `start()` aborts the
 * request before it, so the browser stops downloading what nobody will read.
 */

export type RequestTicket = {
  /** Pass to `fetch` (every api/ helper takes `{ signal }`). */
  signal: AbortSignal;
  /**
   * Still the latest, and not aborted: only then may the answer (or its error) be shown. False
   * once a newer `start()` or an `abort()` came, even if the answer had already arrived.
   */
  current: () => boolean;
};

export type LatestRequest = {
  /** Aborts the request in flight, if any, and starts a new one. */
  start(): RequestTicket;
  /** Aborts the request in flight, if any (the panel that wanted it was closed). */
  abort(): void;
};

export function latestRequest(): LatestRequest {
  let controller: AbortController | null = null;
  return {
    start() {
      controller?.abort();
      const own = new AbortController();
      controller = own;
      return { signal: own.signal, current: () => controller === own && !own.signal.aborted };
    },
    abort() {
      controller?.abort();
      controller = null;
    },
  };
}

/** The rejection `fetch` gives for an aborted signal: not a failure to show anyone. */
export const isAbortError = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';
