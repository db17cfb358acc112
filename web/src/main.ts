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
 * One chunk per page, so a rider's phone doesn't download deck.gl and the panels it never shows:
 * `/find` the rider's page (lib/find/), `/plan` the planner workspace (lib/plan/), `/audit` the
 * officials' coverage audit and `/audit/report` its printable report (lib/audit/); every other
 * path is the desktop map.
 */
const PAGES: [RegExp, () => Promise<{ default: Component }>][] = [
  [/^\/find\/?$/, () => import('./lib/find/FindPage.svelte')],
  [/^\/plan\/?$/, () => import('./lib/plan/PlanPage.svelte')],
  [/^\/audit\/report\/?$/, () => import('./lib/audit/AuditReport.svelte')],
  [/^\/audit\/?$/, () => import('./lib/audit/AuditPage.svelte')],
];
const page = (PAGES.find(([path]) => path.test(location.pathname))?.[1] ?? (() => import('./App.svelte')))();

export default page.then(({ default: Page }) => mount(Page, { target }));
