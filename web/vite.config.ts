import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type Rolldown } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** The rider page's service worker is built as its own entry, at the site root (its scope's parent). */
const SERVICE_WORKER_ENTRY = 'sw';
const SERVICE_WORKER_FILE = 'sw.js';

/** The rider page's component: its chunk and everything it imports are what /find needs. */
const FIND_PAGE_MODULE = /\/lib\/find\/FindPage\.svelte$/;

/**
 * What /find loads: index.html, the entry chunk, the rider page's chunk (a dynamic import of the
 * entry; the desktop App's chunk is the other one, and not followed), their static imports, and
 * the CSS and assets (the MapLibre worker from `?worker&url`) those chunks reference.
 */
function findPageFiles(bundle: Rolldown.OutputBundle): Set<string> | null {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const file = bundle[name];
    if (!file || wanted.has(name)) return;
    wanted.add(name);
    if (file.type !== 'chunk') return;
    for (const css of file.viteMetadata?.importedCss ?? []) wanted.add(css);
    for (const asset of file.viteMetadata?.importedAssets ?? []) wanted.add(asset);
    // The worker's URL is written into the code as a string; Vite lists it nowhere else.
    for (const other of Object.keys(bundle)) if (file.code.includes(other)) visit(other);
    for (const imported of file.imports) visit(imported);
    for (const dynamic of file.dynamicImports) {
      const target = bundle[dynamic];
      if (target?.type === 'chunk' && target.facadeModuleId && FIND_PAGE_MODULE.test(target.facadeModuleId)) {
        visit(dynamic);
      }
    }
  };
  const entry = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry && file.name === 'index');
  if (!entry || !bundle['index.html']) return null;
  wanted.add('index.html');
  visit(entry.fileName);
  const findChunk = Object.values(bundle).some(
    (file) => wanted.has(file.fileName) && file.type === 'chunk' && FIND_PAGE_MODULE.test(file.facadeModuleId ?? ''),
  );
  return findChunk ? wanted : null;
}

/**
 * Writes the list of files /find needs into the service worker (src/sw.ts) for it to precache
 * (all files of the build, should the rider page's chunk not be found). A hand-written worker
 * rather than Workbox: it has no 2 MiB precache limit to trip over (the map's shared chunk is
 * over 1 MB), and a few lines do what /find needs.
 */
function precacheList(): Plugin {
  return {
    name: 'wangge-precache-list',
    apply: 'build',
    // After Vite's own HTML plugin, so index.html is in the bundle by then.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const needed = findPageFiles(bundle);
      if (!needed) this.warn('the /find chunk was not found; precaching every file of the build');
      const files = Object.keys(bundle)
        .filter((name) => name !== SERVICE_WORKER_FILE && !name.endsWith('.map') && (!needed || needed.has(name)))
        .sort()
        .map((name) => `/${name}`);
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const worker = bundle[SERVICE_WORKER_FILE];
      if (!worker || worker.type !== 'chunk') throw new Error(`${SERVICE_WORKER_FILE} missing from the build`);
      const before = worker.code;
      worker.code = worker.code
        .replace(/[\w$]+\.__WANGGE_PRECACHE__\b/g, JSON.stringify(files))
        .replace(/[\w$]+\.__WANGGE_VERSION__\b/g, JSON.stringify(version));
      if (worker.code === before || /__WANGGE_(PRECACHE|VERSION)__/.test(worker.code)) {
        throw new Error(`could not write the precache list into ${SERVICE_WORKER_FILE}`);
      }
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }), precacheList()],
  // Mounting Svelte components under vitest otherwise resolves Svelte's server build
  // (`lifecycle_function_unavailable`); see /work/shared/STACK-NOTES.md pitfall 1.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        [SERVICE_WORKER_ENTRY]: fileURLToPath(new URL('./src/sw.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === SERVICE_WORKER_ENTRY ? SERVICE_WORKER_FILE : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
});
