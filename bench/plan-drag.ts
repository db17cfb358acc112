/**
 * `npm run bench:plan-drag [-- --steps 40] [-- --step-px 2] [-- --interval-ms 16] [-- --url http://…]`:
 * the planner page, /plan, dragging a vertex of the community's largest grid in edit mode with
 * more and more grids on the map (issue 7, "Speed"):
 * - (a) the community's grids only;
 * - (b) every grid of the district (GET /api/grids), the other communities' in `plan.nearby`;
 * - (c) 5,000 synthetic grids (a 100 × 50 lattice of squares over the district's bounds, each with
 *   as many vertices as the district's grids have on average) in `plan.nearby`;
 * - (b′) and (c′): the same with snapping off, to tell the snapping search's share of the cost;
 * - (c″): the 5,000 loaded and snapped to, but not drawn (deck's `layerFilter` leaves out
 *   `plan-nearby`), to tell the drawing's share.
 * terra-draw holds only the edited grid in every case; deck.gl draws the rest.
 *
 * Measured in the page, with the page's clock:
 * - next frame: from each pointermove's `event.timeStamp` to the first MapLibre `render` after the
 *   move was handled (what the issue asks for);
 * - drawn: from the same timestamp to the first `render` whose terra-draw handles (the `td-point`
 *   source, read back with querySourceFeatures) show the vertex where that move put it. terra-draw's
 *   MapLibre adapter sets the source's data in a requestAnimationFrame and MapLibre tiles it in its
 *   worker, so the move is on screen a frame or more after "next frame";
 * - where the time goes: the pointermove and mousemove handlers (window capture to window bubble:
 *   terra-draw with the snapping search, and MapLibre with deck.gl's hover bookkeeping), each
 *   MapLibre frame (`map._render`, deck's layers included) and deck's share (`deck._drawLayers`),
 *   deck's hover picking (`deck._pick`, in its own animation frame), and the cost of putting the
 *   grids into deck (assigning `plan.nearby` until the map is idle).
 * Then the bench releases the mouse (the reshape waits for Save), presses Escape, which cancels it,
 * and checks that no grid's version changed. Without --url it starts the app like the browser tests
 * (web build, demo city, a database of its own, PostgreSQL when DATABASE_URL is set).
 *
 * The browser is SwiftShader on 2 cores shared with the server, so the figures are for that shape:
 * compare the rows with each other, and read them with the load average printed beside them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { area, bbox, booleanPointInPolygon, point } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { GridCollection, GridFeature, MeResponse } from '../server/src/contracts';
import { startAppServer, type AppServer } from '../tests/e2e/app-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/chromium';

const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const STEPS = Number(argument('steps') ?? 40);
const STEP_PX = Number(argument('step-px') ?? 2);
/** Between moves, as a 60 Hz mouse would send them (on top of the devtools round trip). */
const INTERVAL_MS = Number(argument('interval-ms') ?? 16);
const SYNTHETIC = { columns: 100, rows: 50 };
const DEMO_PASSWORD = 'wangge-demo';
const VIEWPORT = { width: 1400, height: 900 };

type Scenario = {
  key: string;
  label: string;
  nearby: 'none' | 'district' | 'synthetic';
  snapping: boolean;
  /** Loaded (and snapped to) but left undrawn, with deck's layerFilter: what drawing them costs. */
  undrawn?: boolean;
};
const SCENARIOS: Scenario[] = [
  { key: 'a', label: 'community only', nearby: 'none', snapping: true },
  { key: 'b', label: 'whole district', nearby: 'district', snapping: true },
  { key: 'c', label: '5,000 synthetic', nearby: 'synthetic', snapping: true },
  { key: "b'", label: 'district, no snap', nearby: 'district', snapping: false },
  { key: "c'", label: '5,000, no snap', nearby: 'synthetic', snapping: false },
  { key: 'c"', label: '5,000, not drawn', nearby: 'synthetic', snapping: true, undrawn: true },
];

/** What the page's recorder hands back (see INSTRUMENT_SCRIPT). */
type Recording = {
  moves: { t: number; nextFrame: number | null; drawn: number | null; changed: boolean }[];
  renders: number[];
  frames: { cpu: number; deck: number; recorder: number }[];
  pointermove: number[];
  mousemove: number[];
  picks: number[];
  setData: number;
};
type LoadCost = { setProps_ms: number; toIdle_ms: number; firstFrame_ms: number; firstFrameDeck_ms: number };
type Row = {
  scenario: Scenario;
  deckGrids: number;
  deckVertices: number;
  recording: Recording;
  load: LoadCost | null;
  release: { toIdle_ms: number; setProps_ms: number };
  loadAverage: number;
  unchanged: boolean;
};

// ---------------------------------------------------------------- page scripts (strings: tsx would
// wrap functions' inner declarations in its `__name` helper, which the page doesn't have)

/**
 * Installs `window.__bench`: timers around MapLibre's frame, deck's drawing, picking and setProps,
 * the input handlers, and the render listener that decides when each move is on screen. Recording
 * starts with `__bench.start(partId, ring, index)` and stops with `__bench.stop()`.
 */
const INSTRUMENT_SCRIPT = `(() => {
  if (window.__bench) return true;
  const map = window.__map;
  const deck = window.__deck._deck;
  const b = {
    recording: false, phase: 'idle', target: null, origin: null, last: null,
    moves: [], renders: [], frames: [], pointermove: [], mousemove: [], picks: [], setData: 0,
    setPropsMs: 0, phaseFrames: [],
  };
  window.__bench = b;
  let frameDeck = 0;
  let frameRecorder = 0;
  const drawLayers = deck._drawLayers.bind(deck);
  deck._drawLayers = (...args) => {
    const t = performance.now();
    try { return drawLayers(...args); } finally { frameDeck += performance.now() - t; }
  };
  const pick = deck._pick.bind(deck);
  deck._pick = (...args) => {
    const t = performance.now();
    try { return pick(...args); } finally { if (b.recording) b.picks.push(performance.now() - t); }
  };
  const setProps = deck.setProps.bind(deck);
  deck.setProps = (...args) => {
    const t = performance.now();
    try { return setProps(...args); } finally { b.setPropsMs += performance.now() - t; }
  };
  const render = map._render.bind(map);
  map._render = (timestamp) => {
    const start = performance.now();
    frameDeck = 0;
    frameRecorder = 0;
    const result = render(timestamp);
    const cpu = performance.now() - start;
    if (b.recording) b.frames.push({ cpu, deck: frameDeck, recorder: frameRecorder });
    if (b.phase !== 'idle') b.phaseFrames.push({ end: performance.now(), cpu, deck: frameDeck });
    return result;
  };
  for (const name of ['td-point', 'td-polygon']) {
    const source = map.getSource(name);
    const setData = source.setData.bind(source);
    source.setData = (...args) => { if (b.recording) b.setData += 1; return setData(...args); };
  }
  const container = map.getCanvasContainer();
  container.addEventListener('pointerup', (event) => { if (b.phase !== 'idle') b.pointerUp = event.timeStamp; }, true);
  container.addEventListener('pointermove', (event) => {
    if (b.recording) b.moves.push({ t: event.timeStamp, vertex: null, nextFrame: null, drawn: null, changed: false });
  }, true);
  for (const type of ['pointermove', 'mousemove']) {
    let start = 0;
    window.addEventListener(type, () => { start = performance.now(); }, true);
    window.addEventListener(type, () => {
      if (!b.recording) return;
      b[type].push(performance.now() - start);
      if (type !== 'pointermove' || !b.moves.length) return;
      const feature = window.__draw.getSnapshotFeature(b.target.partId);
      const at = feature && feature.geometry.coordinates[b.target.ring][b.target.index];
      const move = b.moves[b.moves.length - 1];
      move.vertex = at;
      const previous = b.last ?? b.origin;
      move.changed = !!at && (at[0] !== previous[0] || at[1] !== previous[1]);
      if (move.changed) b.last = at;
    }, false);
  }
  map.on('render', () => {
    if (!b.recording) return;
    const now = performance.now();
    b.renders.push(now);
    for (const move of b.moves) if (move.nextFrame === null) move.nextFrame = now - move.t;
    const waiting = b.moves.filter((m) => m.changed && m.drawn === null);
    if (waiting.length) {
      const shown = map.querySourceFeatures('td-point').map((f) => map.project(f.geometry.coordinates));
      for (let i = waiting.length - 1; i >= 0; i--) {
        const p = map.project(waiting[i].vertex);
        if (!shown.some((q) => Math.hypot(q.x - p.x, q.y - p.y) < 1)) continue;
        for (let j = 0; j <= i; j++) waiting[j].drawn = now - waiting[j].t;
        break;
      }
    }
    frameRecorder += performance.now() - now;
  });
  b.start = (partId, ring, index) => {
    const feature = window.__draw.getSnapshotFeature(partId);
    b.target = { partId, ring, index };
    b.origin = feature.geometry.coordinates[ring][index];
    b.last = null;
    b.moves = []; b.renders = []; b.frames = []; b.pointermove = []; b.mousemove = []; b.picks = []; b.setData = 0;
    b.recording = true;
  };
  b.stop = () => {
    b.recording = false;
    return {
      moves: b.moves.map((m) => ({ t: m.t, nextFrame: m.nextFrame, drawn: m.drawn, changed: m.changed })),
      renders: b.renders, frames: b.frames, pointermove: b.pointermove, mousemove: b.mousemove,
      picks: b.picks, setData: b.setData,
    };
  };
  b.pendingDrawn = () => b.moves.filter((m) => m.changed && m.drawn === null).length;
  return true;
})()`;

/** Starts a measured phase: frames and deck.setProps time from now until `PHASE_END_SCRIPT`. */
const PHASE_START_SCRIPT = `(() => {
  const b = window.__bench;
  b.phase = 'measured'; b.phaseFrames = []; b.setPropsMs = 0; b.phaseStart = performance.now(); b.pointerUp = null;
  return true;
})()`;

/**
 * Ends the phase once the map is idle (after a frame: Svelte applies a state change in a
 * microtask and deck draws on the next frame), from its start or from the pointerup in it.
 */
const PHASE_END_SCRIPT = `new Promise((resolve) => {
  const b = window.__bench;
  const map = window.__map;
  requestAnimationFrame(() => {
    map.once('idle', () => {
      const end = performance.now();
      const first = b.phaseFrames[0] ?? { cpu: 0, deck: 0 };
      b.phase = 'idle';
      resolve({
        setProps_ms: b.setPropsMs,
        toIdle_ms: end - (b.pointerUp ?? b.phaseStart),
        firstFrame_ms: first.cpu,
        firstFrameDeck_ms: first.deck,
      });
    });
    map.triggerRepaint();
  });
})`;

// ---------------------------------------------------------------- helpers

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const triple = (values: number[]) =>
  `${fixed(percentile(values, 50))} / ${fixed(percentile(values, 95))} / ${fixed(Math.max(...values))}`;

const rings = (geometry: Polygon | MultiPolygon): Position[][] =>
  geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
const vertexCount = (grids: readonly GridFeature[]) =>
  grids.reduce((sum, g) => sum + rings(g.geometry).reduce((s, ring) => s + ring.length - 1, 0), 0);

async function json<T>(page: Page, url: string, init?: { method: string; body: unknown }): Promise<T> {
  const options = init
    ? `{ method: ${JSON.stringify(init.method)}, headers: { 'Content-Type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(init.body))} }`
    : '{}';
  return page.evaluate<T>(`fetch(${JSON.stringify(url)}, ${options}).then((r) => r.json())`);
}

async function waitFor(page: Page, expression: string, what: string, timeout_ms = 90_000) {
  const deadline = Date.now() + timeout_ms;
  while (Date.now() < deadline) {
    if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const mapIdle = (page: Page) =>
  page.evaluate(
    `new Promise((resolve) => { window.__map.once('idle', () => resolve(true)); window.__map.triggerRepaint(); })`,
  );

/** Page coordinates of `[lng, lat]` positions on the map. */
const screenAt = (page: Page, positions: Position[]) =>
  page.evaluate<{ x: number; y: number }[]>(`(() => {
    const map = window.__map;
    const rect = map.getCanvas().getBoundingClientRect();
    return ${JSON.stringify(positions)}.map((at) => {
      const p = map.project(at);
      return { x: rect.left + p.x, y: rect.top + p.y };
    });
  })()`);

/** A point well inside a polygon (the inside point of a 30 × 30 lattice farthest from its edges), as plan.test.ts. */
function deepInside(feature: Feature<Polygon | MultiPolygon>): Position {
  const [west, south, east, north] = bbox(feature);
  let best: Position | null = null;
  let bestDistance = -1;
  for (let i = 0.5; i < 30; i += 1) {
    for (let j = 0.5; j < 30; j += 1) {
      const at: Position = [west + ((east - west) * i) / 30, south + ((north - south) * j) / 30];
      if (!booleanPointInPolygon(point(at), feature)) continue;
      let nearest = Infinity;
      for (const ring of rings(feature.geometry))
        for (let k = 1; k < ring.length; k += 1) nearest = Math.min(nearest, segment2(at, ring[k - 1]!, ring[k]!));
      if (nearest > bestDistance) {
        bestDistance = nearest;
        best = at;
      }
    }
  }
  if (!best) throw new Error('no inside point');
  return best;
}

function segment2([px = 0, py = 0]: Position, [ax = 0, ay = 0]: Position, [bx = 0, by = 0]: Position) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))) : 0;
  return (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
}

/**
 * `columns × rows` squares over `bounds`, each taking 80 % of its cell (so they don't touch) and
 * with `verticesPerGrid` vertices spread over its four sides, shaped like the API's grids.
 */
function syntheticGrids(
  [west, south, east, north]: [number, number, number, number],
  columns: number,
  rows: number,
  verticesPerGrid: number,
): GridFeature[] {
  const perSide = Math.max(1, Math.round(verticesPerGrid / 4));
  const width = (east - west) / columns;
  const height = (north - south) / rows;
  const grids: GridFeature[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const x0 = west + (column + 0.1) * width;
      const y0 = south + (row + 0.1) * height;
      const x1 = x0 + 0.8 * width;
      const y1 = y0 + 0.8 * height;
      const corners: Position[] = [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ];
      const ring: Position[] = [];
      for (let side = 0; side < 4; side++) {
        const [ax, ay] = corners[side]! as [number, number];
        const [bx, by] = corners[(side + 1) % 4]! as [number, number];
        for (let k = 0; k < perSide; k++) ring.push([ax + ((bx - ax) * k) / perSide, ay + ((by - ay) * k) / perSide]);
      }
      ring.push(ring[0]!);
      const index = row * columns + column;
      const sequence = String(index + 1).padStart(4, '0');
      grids.push({
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates: [[ring]] },
        properties: {
          id: `synthetic-${index}`,
          communityId: -1 - Math.floor(index / 50),
          communityName: `合成社区${Math.floor(index / 50) + 1}`,
          code: `999999999${sequence.padStart(6, '0')}`,
          name: `合成网格${sequence}`,
          kind: index % 17 === 0 ? 'dedicated' : 'basic',
          households: 300,
          population: 800,
          workerName: null,
          workerPhone: null,
          version: 1,
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      });
    }
  }
  return grids;
}

// ---------------------------------------------------------------- one scenario

async function openPlan(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/plan`);
  await waitFor(page, `window.__mapReady === true && window.__layersReady?.has('plan-grids')`, 'the plan map');
  // The neighbours' grids and the topology check load after the grids: let them land first, so
  // nothing arrives during the drag.
  await page.waitForLoadState('networkidle');
  await mapIdle(page);
  return Number(await page.locator('[data-testid="plan-community"]').inputValue());
}

async function runScenario(
  page: Page,
  baseUrl: string,
  scenario: Scenario,
  district: GridFeature[],
  synthetic: GridFeature[],
): Promise<Row> {
  const community = await openPlan(page, baseUrl);
  const grids = (await json<GridCollection>(page, `/api/grids?community=${community}`)).features as GridFeature[];
  const target = [...grids].sort((a, b) => area(b) - area(a))[0]!;
  const targetId = target.properties.id;

  await page.evaluate(INSTRUMENT_SCRIPT);
  const nearby =
    scenario.nearby === 'district'
      ? district.filter((g) => g.properties.communityId !== community)
      : scenario.nearby === 'synthetic'
        ? synthetic
        : [];
  // In the page: `nearby` stays a plain array (plan.nearby is $state.raw), as the app's own load sets it.
  await page.evaluate(PHASE_START_SCRIPT);
  // The clock starts once the page has parsed the grids, at the assignment.
  await page.evaluate(`(() => {
    const nearby = ${JSON.stringify(nearby)};
    window.__bench.phaseStart = performance.now();
    window.__plan.nearby = nearby;
    window.__plan.snapping = ${scenario.snapping};
    return true;
  })()`);
  const load = await page.evaluate<LoadCost>(PHASE_END_SCRIPT);
  if (scenario.undrawn) {
    await page.evaluate(`window.__deck.setProps({ layerFilter: ({ layer }) => layer.id !== 'plan-nearby' }); true`);
    await mapIdle(page);
  }

  // Fit the largest grid (as plan.test.ts), select it with a click and enter edit mode.
  const [w, s, e, n] = bbox(target);
  await page.evaluate(`window.__map.fitBounds([[${w}, ${s}], [${e}, ${n}]], { padding: 120, duration: 0 })`);
  await mapIdle(page);
  const [inside] = await screenAt(page, [deepInside(target)]);
  await page.mouse.click(inside!.x, inside!.y);
  await page.waitForTimeout(350);
  await waitFor(page, `window.__plan.selected[0] === ${JSON.stringify(targetId)}`, 'the grid to be selected', 10_000);
  await page.locator('[data-testid="plan-mode-edit"]').click();
  await waitFor(
    page,
    `document.querySelector('[data-testid="plan-map"]')?.dataset.mode === 'edit' && window.__draw.getSnapshot().length > 0`,
    'edit mode',
    10_000,
  );
  await mapIdle(page);

  // The vertex to drag: on the largest part's outer ring, the one farthest (on screen) from its two
  // neighbours, so the press lands on it and not on another handle; dragged away from the centre.
  const parts = target.geometry.coordinates;
  const partIndex = parts
    .map((p, i) => ({ i, a: area({ type: 'Polygon', coordinates: p }) }))
    .sort((x, y) => y.a - x.a)[0]!.i;
  const ring = parts[partIndex]![0]!;
  const onScreen = await screenAt(page, ring);
  const canvas = await page.evaluate<{ left: number; top: number; right: number; bottom: number }>(
    `(() => { const r = window.__map.getCanvas().getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })()`,
  );
  const [cx, cy] = [
    onScreen.reduce((sum, p) => sum + p.x, 0) / onScreen.length,
    onScreen.reduce((sum, p) => sum + p.y, 0) / onScreen.length,
  ];
  const count = ring.length - 1;
  let best = -1;
  let bestGap = -1;
  for (let k = 0; k < count; k++) {
    const p = onScreen[k]!;
    const margin = STEPS * STEP_PX + 20;
    if (
      p.x < canvas.left + margin ||
      p.x > canvas.right - margin ||
      p.y < canvas.top + margin ||
      p.y > canvas.bottom - margin
    )
      continue;
    const before = onScreen[(k - 1 + count) % count]!;
    const after = onScreen[(k + 1) % count]!;
    const gap = Math.min(Math.hypot(p.x - before.x, p.y - before.y), Math.hypot(p.x - after.x, p.y - after.y));
    if (gap > bestGap) {
      bestGap = gap;
      best = k;
    }
  }
  if (best < 0) throw new Error('no vertex of the grid is on screen');
  const start = onScreen[best]!;
  const length = Math.hypot(start.x - cx, start.y - cy) || 1;
  const [ux, uy] = [(start.x - cx) / length, (start.y - cy) / length];
  const hit = await page.evaluate<string>(`document.elementFromPoint(${start.x}, ${start.y})?.tagName ?? ''`);
  if (hit !== 'CANVAS') throw new Error(`the vertex at ${start.x}, ${start.y} is under a ${hit}, not the map`);

  // The drag: press on the vertex, ~STEPS small moves, then wait for every move to be drawn.
  const partId = `${targetId}#${partIndex}`;
  await page.mouse.move(start.x, start.y);
  await page.waitForTimeout(100);
  await page.evaluate(`window.__bench.start(${JSON.stringify(partId)}, 0, ${best})`);
  await page.mouse.down();
  for (let i = 1; i <= STEPS; i++) {
    await page.mouse.move(start.x + ux * STEP_PX * i, start.y + uy * STEP_PX * i);
    if (INTERVAL_MS > 0) await page.waitForTimeout(INTERVAL_MS);
  }
  const drawnBy = Date.now() + 10_000;
  while (Date.now() < drawnBy && (await page.evaluate<number>('window.__bench.pendingDrawn()')) > 0) {
    await page.waitForTimeout(50);
  }
  const recording = await page.evaluate<Recording>('window.__bench.stop()');
  const loadAverage = loadavg()[0]!;

  // Release (the reshape becomes a save in waiting, deck redraws the community), then Escape.
  await page.evaluate(PHASE_START_SCRIPT);
  await page.mouse.up();
  const released = await page.evaluate<LoadCost>(PHASE_END_SCRIPT);
  await page.keyboard.press('Escape');
  await waitFor(page, `window.__plan.pending === null`, 'Escape to cancel the reshape', 10_000);
  const after = (await json<GridCollection>(page, `/api/grids?community=${community}`)).features as GridFeature[];
  const versions = (list: GridFeature[]) =>
    JSON.stringify(list.map((g) => [g.properties.id, g.properties.version]).sort());

  const deckGrids = grids.length - 1 + nearby.length;
  return {
    scenario,
    deckGrids,
    deckVertices: vertexCount(grids.filter((g) => g.properties.id !== targetId)) + vertexCount(nearby),
    recording,
    load: scenario.nearby === 'none' ? null : load,
    release: { toIdle_ms: released.toIdle_ms, setProps_ms: released.setProps_ms },
    loadAverage,
    unchanged: versions(after) === versions(grids),
  };
}

// ---------------------------------------------------------------- main

const url = argument('url');
const app: AppServer | null = url ? null : await startAppServer();
const baseUrl = url ?? app!.baseUrl;
const profile = mkdtempSync(join(tmpdir(), 'wangge-bench-plan-'));
let context: BrowserContext | undefined;
const rows: Row[] = [];
const errors: string[] = [];
try {
  // The browser tests' Chromium (chromium.ts), launched as openSessionAt does: importing
  // tests/e2e/browser.ts would pull its DOM and vitest `inject` types into the root typecheck.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${baseUrl}/api/health`);
  const me = await json<MeResponse>(page, '/api/auth/login', {
    method: 'POST',
    body: { username: 'demo-planner', password: DEMO_PASSWORD },
  });
  if (me.username !== 'demo-planner') throw new Error(`sign-in failed: ${JSON.stringify(me)}`);
  const district = (await json<GridCollection>(page, '/api/grids')).features as GridFeature[];
  const config = await json<{ bounds: [number, number, number, number] }>(page, '/api/config');
  const verticesPerGrid = Math.round(vertexCount(district) / district.length);
  const synthetic = syntheticGrids(config.bounds, SYNTHETIC.columns, SYNTHETIC.rows, verticesPerGrid);
  console.log(
    `district: ${district.length} grids, ${vertexCount(district)} vertices (${verticesPerGrid} a grid); ` +
      `synthetic: ${synthetic.length} grids, ${vertexCount(synthetic)} vertices`,
  );
  for (const scenario of SCENARIOS) {
    const row = await runScenario(page, baseUrl, scenario, district, synthetic);
    rows.push(row);
    const r = row.recording;
    console.log(
      `(${scenario.key}) done: ${r.moves.length} moves, ${r.renders.length} frames, load ${row.loadAverage.toFixed(2)}`,
    );
  }
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  await app?.stop();
}

const cores = cpus().length;
console.log(
  `\n/plan, vertex drag of the community's largest grid: ${STEPS} moves of ${STEP_PX} px, ${INTERVAL_MS} ms apart; ` +
    `${VIEWPORT.width}×${VIEWPORT.height}, SwiftShader; ${cores} cores, load average now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
);
console.log('terra-draw holds the edited grid only; deck.gl draws the other grids. Latency in ms, p50 / p95 / max.\n');
const table = (header: string[], body: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
  console.log('');
};
table(
  ['', 'scenario', 'deck grids', 'vertices', 'moves', 'next frame', 'drawn', 'fps', 'load avg'],
  rows.map((row) => {
    const r = row.recording;
    const nextFrame = r.moves.flatMap((m) => (m.nextFrame === null ? [] : [m.nextFrame]));
    const drawn = r.moves.flatMap((m) => (m.changed && m.drawn !== null ? [m.drawn] : []));
    const span = r.renders.length > 1 ? r.renders[r.renders.length - 1]! - r.renders[0]! : NaN;
    return [
      `(${row.scenario.key})`,
      row.scenario.label,
      String(row.deckGrids),
      String(row.deckVertices),
      `${r.moves.length} (${drawn.length} moved)`,
      triple(nextFrame),
      triple(drawn),
      fixed(((r.renders.length - 1) / span) * 1000, 1),
      row.loadAverage.toFixed(2),
    ];
  }),
);
table(
  [
    '',
    'scenario',
    'pointermove',
    'mousemove',
    'frame',
    'deck draw',
    'hover pick',
    'setData',
    'nearby into deck',
    'release',
  ],
  rows.map((row) => {
    const r = row.recording;
    return [
      `(${row.scenario.key})`,
      row.scenario.label,
      triple(r.pointermove),
      triple(r.mousemove),
      triple(r.frames.map((f) => f.cpu - f.recorder)),
      triple(r.frames.map((f) => f.deck)),
      r.picks.length ? `${fixed(Math.max(...r.picks))} ×${r.picks.length}` : '–',
      String(r.setData),
      row.load
        ? `${fixed(row.load.toIdle_ms)} (setProps ${fixed(row.load.setProps_ms)}, frame ${fixed(row.load.firstFrame_ms)})`
        : '–',
      `${fixed(row.release.toIdle_ms)}`,
    ];
  }),
);
console.log(
  'pointermove / mousemove: main-thread time in the handlers of one event (terra-draw with the snapping\n' +
    '  search / MapLibre and deck); frame: main-thread time of one MapLibre frame, deck layers included (the\n' +
    "  recorder taken out), deck draw: deck's share. Both are CPU time issuing WebGL calls: SwiftShader draws them\n" +
    '  in the GPU process, which the fps and the latencies show and these do not.\n' +
    "hover pick: deck's slowest pick and the number of picks (a readPixels, so it waits for the GPU to catch up);\n" +
    "setData: terra-draw's source updates during the drag; nearby into deck: assigning plan.nearby until the map\n" +
    '  is idle; release: mouse up until idle. All in ms.',
);
const changed = rows.filter((row) => !row.unchanged).map((row) => row.scenario.key);
console.log(
  changed.length
    ? `grid versions CHANGED after (${changed.join(', ')})`
    : 'no grid version changed (each drag was cancelled with Escape)',
);
if (errors.length) {
  console.log(`page errors: ${errors.join('; ')}`);
  process.exitCode = 1;
}
