/**
 * The rider page's service worker (scope /find; registered by lib/find/service-worker.ts).
 *
 * - The app shell (every file of the build, the MapLibre worker included) is precached at
 *   install; the list is written into this file at build time (vite.config.ts, `precacheList`).
 * - Navigations go to the network first and fall back to the cached index.html, so the page
 *   opens with no signal instead of the browser's error page.
 * - The data the page needs offline (config, regions, the station list, the basemap around the
 *   rider) goes to the network first, and the last good answer is kept. Only 200s are kept: the
 *   Cache API refuses 206 (partial) responses.
 * - `/api/stations/nearest` is never cached: an old route is worse than the page's own offline
 *   answer, which says it is by straight line.
 */

// The DOM lib has no service-worker types, and the WebWorker lib can't share a program with it.
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface MessageEventLike extends ExtendableEventLike {
  readonly data: unknown;
}
interface ServiceWorkerScope {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
}

const worker = self as unknown as ServiceWorkerScope;

/**
 * Written in at build time (vite.config.ts replaces `self.__WANGGE_PRECACHE__` and
 * `self.__WANGGE_VERSION__` in the built file): the build's files ("/assets/…", "/index.html"),
 * and a hash of that list, so each build gets a shell cache of its own.
 */
const buildInfo = self as unknown as { __WANGGE_PRECACHE__?: string[]; __WANGGE_VERSION__?: string };
const PRECACHE: string[] = buildInfo.__WANGGE_PRECACHE__ ?? [];
const VERSION: string = buildInfo.__WANGGE_VERSION__ ?? 'dev';

const SHELL_CACHE = `wangge-find-shell-${VERSION}`;
const DATA_CACHE = 'wangge-find-data';
const SHELL_PREFIX = 'wangge-find-shell-';
const INDEX = '/index.html';
/** Basemap areas kept: the rider's latest few, not every place they ever opened the page. */
const BASEMAP_AREAS_KEPT = 3;
/** A navigation waits this long for the network before the cached page is shown. */
const NAVIGATION_TIMEOUT_MS = 4000;

const precached = new Set(PRECACHE);

/** API GETs kept for offline use (paths, with any query string). */
function isOfflineData(url: URL): boolean {
  return (
    url.pathname === '/api/config' ||
    url.pathname === '/api/regions' ||
    url.pathname === '/api/basemap' ||
    (url.pathname === '/api/stations' && url.search === '')
  );
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      // Take the page that registered us now, so its next requests are kept for offline.
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(navigation(request));
  else if (precached.has(url.pathname)) event.respondWith(cacheFirst(request, url));
  else if (isOfflineData(url)) event.respondWith(networkFirst(request, url));
});

worker.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: unknown } | null;
  if (data?.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  const urls = data.urls
    .filter((path): path is string => typeof path === 'string')
    .map((path) => new URL(path, worker.location.origin))
    .filter((url) => url.origin === worker.location.origin && isOfflineData(url));
  event.waitUntil(Promise.all(urls.map((url) => networkFirst(new Request(url.href), url).catch(() => undefined))));
});

async function navigation(request: Request): Promise<Response> {
  try {
    return await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
  } catch (error) {
    const cached = await caches.match(INDEX, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request, url: URL): Promise<Response> {
  const cached = await caches.match(url.pathname, { cacheName: SHELL_CACHE });
  return cached ?? fetch(request);
}

/** Network first; the answer (200 only) is kept under its path and query. */
async function networkFirst(request: Request, url: URL): Promise<Response> {
  const key = url.pathname + url.search;
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      await cache.put(key, response.clone());
      if (url.pathname === '/api/basemap') await trimBasemaps(cache, key);
    }
    return response;
  } catch (error) {
    const cached =
      (await cache.match(key)) ?? (url.pathname === '/api/basemap' ? await latestBasemap(cache) : undefined);
    if (cached) return cached;
    throw error;
  }
}

const basemapKeys = async (cache: Cache) =>
  (await cache.keys()).filter((request) => new URL(request.url).pathname === '/api/basemap');

/** Offline, a slightly different area than the one kept is still the rider's neighbourhood. */
async function latestBasemap(cache: Cache): Promise<Response | undefined> {
  const keys = await basemapKeys(cache);
  const last = keys.at(-1);
  return last ? cache.match(last) : undefined;
}

async function trimBasemaps(cache: Cache, keep: string): Promise<void> {
  const keys = await basemapKeys(cache);
  // Keys come back in insertion order, and `put` over an existing key moves it last.
  const old = keys
    .filter((request) => !request.url.endsWith(keep))
    .slice(0, Math.max(0, keys.length - BASEMAP_AREAS_KEPT));
  await Promise.all(old.map((request) => cache.delete(request)));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
