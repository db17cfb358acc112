/**
 * Registers the rider page's service worker (web/src/sw.ts), scoped to /find so the desktop map
 * is never served from its caches.
 */
export const SERVICE_WORKER_URL = '/sw.js';
export const SERVICE_WORKER_SCOPE = '/find';

/**
 * Not under the dev server (`vite serve` has no built sw.js; `import.meta.hot` exists only there).
 * Not `import.meta.env.PROD`: a build run with NODE_ENV=test, as the browser tests' is, sets it false.
 */
const enabled = () => !import.meta.hot && typeof navigator !== 'undefined' && 'serviceWorker' in navigator;

export async function registerServiceWorker(): Promise<void> {
  if (!enabled()) return;
  try {
    await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SERVICE_WORKER_SCOPE });
  } catch (error) {
    // The page works without it (only not offline): say so in the console, not to the rider.
    console.warn('service worker registration failed', error);
  }
}

/**
 * Asks the worker to keep a copy of the API GET `path` for offline use. A controlled page's
 * requests are kept as they pass through the worker; this is for those made before it took
 * control (the first visit), which it fetches again itself.
 */
export function keepForOffline(path: string): void {
  if (!enabled() || navigator.serviceWorker.controller) return;
  void navigator.serviceWorker.ready.then((registration) =>
    registration.active?.postMessage({ type: 'cache-urls', urls: [path] }),
  );
}
