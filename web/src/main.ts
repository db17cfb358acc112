import { mount, type Component } from 'svelte';
import './app.css';
import { i18n } from './lib/i18n/index.svelte';

// Test hooks are always present (see README in the brief): empty until the map fills them.
window.__mapReady = false;
window.__layersReady ??= new Set();
document.documentElement.lang = i18n.locale;

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

/**
 * `/find` is the rider's page (lib/find/); every other path is the desktop map. Each is its own
 * chunk, so a rider's phone doesn't download deck.gl and the panels it never shows.
 */
const page: Promise<{ default: Component }> = /^\/find\/?$/.test(location.pathname)
  ? import('./lib/find/FindPage.svelte')
  : // `/audit` is the officials' coverage audit, `/audit/report` its printable report (lib/audit/).
    /^\/audit\/report\/?$/.test(location.pathname)
    ? import('./lib/audit/AuditReport.svelte')
    : /^\/audit\/?$/.test(location.pathname)
      ? import('./lib/audit/AuditPage.svelte')
      : import('./App.svelte');

export default page.then(({ default: Page }) => mount(Page, { target }));
