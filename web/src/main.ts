import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { i18n } from './lib/i18n/index.svelte';

// Test hooks are always present (see README in the brief): empty until the map fills them.
window.__mapReady = false;
window.__layersReady ??= new Set();
document.documentElement.lang = i18n.locale;

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

export default mount(App, { target });
