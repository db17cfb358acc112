/**
 * The planner workspace `/plan` (issue 7), in a real Chromium against the real server and demo
 * city. The planner draws, cuts and joins grids with the mouse (terra-draw on the map's canvas);
 * what the page then holds is checked against the API, and what is drawn by picking deck.gl layers
 * at projected points. Each test leaves the community as it found it (the browser tests share one
 * database), by undoing what it did or merging back what it split.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { area, bbox, booleanPointInPolygon, point } from '@turf/turf';
import gcoord from 'gcoord';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { GridCollection, GridFeature } from '../../server/src/contracts';
import { openSession, signInByApi, type Session } from './browser';

const sessions: Session[] = [];

afterEach(async () => {
  const open = sessions.splice(0);
  try {
    for (const s of open) expect(s.errors.map((e) => e.message)).toEqual([]);
  } finally {
    for (const s of open) await s.close();
  }
});

const getJson = <T>(page: Page, url: string) => page.evaluate((u) => fetch(u).then((r) => r.json()), url) as Promise<T>;

async function signedIn(username: string) {
  const session = await openSession({ width: 1400, height: 900 });
  sessions.push(session);
  const { page, baseUrl } = session;
  const me = await signInByApi(page, baseUrl, username);
  expect(me.username).toBe(username);
  return { page, baseUrl, me };
}

/** Opens /plan (on `community` if given) and waits for the grids to be drawn. */
async function openPlan(page: Page, baseUrl: string, community?: number) {
  await page.goto(`${baseUrl}/plan${community ? `?community=${community}` : ''}`);
  await page.waitForFunction(
    () => window.__mapReady === true && window.__layersReady?.has('plan-grids') === true,
    null,
    {
      timeout: 90_000,
    },
  );
  await mapIdle(page);
  return Number(await page.locator('[data-testid="plan-community"]').inputValue());
}

async function mapIdle(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Screen position (page coordinates) of `[lng, lat]` on the map. */
async function screenAt(page: Page, lngLat: Position) {
  return page.evaluate((at) => {
    const map = window.__map!;
    const rect = map.getCanvas().getBoundingClientRect();
    const { x, y } = map.project(at as [number, number]);
    return { x: rect.left + x, y: rect.top + y };
  }, lngLat);
}

async function clickMap(page: Page, lngLat: Position, modifiers: ('Shift' | 'Control')[] = []) {
  const { x, y } = await screenAt(page, lngLat);
  for (const key of modifiers) await page.keyboard.down(key);
  await page.mouse.click(x, y);
  for (const key of modifiers) await page.keyboard.up(key);
  // terra-draw tells a click from a double-click by time: pace the clicks as a hand would.
  await page.waitForTimeout(350);
}

async function pickedId(page: Page, lngLat: Position, layerId: string) {
  return page.evaluate(
    ({ lngLat, layerId }) => {
      const { x, y } = window.__map!.project(lngLat as [number, number]);
      const info = window.__deck!.pickObject({ x, y, radius: 0, layerIds: [layerId] });
      return (info?.object as { properties?: { id?: string } } | undefined)?.properties?.id ?? null;
    },
    { lngLat, layerId },
  );
}

const gridsOf = async (page: Page, community: number) =>
  (await getJson<GridCollection>(page, `/api/grids?community=${community}`)).features as GridFeature[];

/** A point well inside a polygon (the inside point of a 30 × 30 lattice farthest from its edges). */
function deepInside(feature: Feature<Polygon | MultiPolygon>): [number, number] {
  const [west, south, east, north] = bbox(feature);
  const rings =
    feature.geometry.type === 'Polygon' ? feature.geometry.coordinates : feature.geometry.coordinates.flat();
  let best: [number, number] | null = null;
  let bestDistance = -1;
  for (let i = 0.5; i < 30; i += 1) {
    for (let j = 0.5; j < 30; j += 1) {
      const at: [number, number] = [west + ((east - west) * i) / 30, south + ((north - south) * j) / 30];
      if (!booleanPointInPolygon(point(at), feature)) continue;
      let nearest = Infinity;
      for (const ring of rings)
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

/** The community's grid with the largest area: the easiest to click, cut and draw in. */
const largest = (grids: GridFeature[]) => [...grids].sort((a, b) => area(b) - area(a))[0]!;

async function zoomTo(page: Page, feature: Feature) {
  const [w, s, e, n] = bbox(feature);
  await page.evaluate(
    (b) =>
      window.__map!.fitBounds(
        [
          [b[0]!, b[1]!],
          [b[2]!, b[3]!],
        ],
        { padding: 120, duration: 0 },
      ),
    [w, s, e, n],
  );
  await mapIdle(page);
}

describe('the planner workspace', () => {
  it('draws a grid by clicks, is refused for an overlap drawn in red, takes "clip to neighbours", then undoes and redoes', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const before = await gridsOf(page, community);
    expect(before.length).toBeGreaterThan(1);
    const target = largest(before);
    await zoomTo(page, target);

    // Delete the grid (its area becomes a gap), from the toolbar.
    await clickMap(page, deepInside(target));
    await expect
      .poll(() => page.locator('[data-testid="plan-attributes"] h2').textContent())
      .toContain(target.properties.name);
    await page.locator('[data-testid="plan-delete"]').click();
    await page.locator('[data-testid="plan-delete-confirm"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length - 1);

    // Draw a box a tenth larger than the deleted grid's bounds: it pokes out into the neighbours
    // (and maybe out of the community), so the save is refused until the planner takes the fixes.
    const [w, s, e, n] = bbox(target);
    const pad: [number, number] = [(e - w) * 0.05, (n - s) * 0.05];
    const corners: Position[] = [
      [w - pad[0], s - pad[1]],
      [e + pad[0], s - pad[1]],
      [e + pad[0], n + pad[1]],
      [w - pad[0], n + pad[1]],
    ];
    await page.locator('[data-testid="plan-snapping"]').uncheck();
    await page.locator('[data-testid="plan-mode-draw"]').click();
    await expect.poll(() => page.locator('[data-testid="plan-map"]').getAttribute('data-mode')).toBe('draw');
    for (const corner of corners) await clickMap(page, corner);
    await clickMap(page, corners[0]!); // closes the ring
    await page.locator('[data-testid="plan-save-new"]').waitFor();
    await page.locator('[data-testid="plan-field-name"]').fill('新画网格');
    await page.locator('[data-testid="plan-save-new"]').click();

    // Refused for the overlap (after "clip to community" if it also stuck out): drawn in red, and
    // nothing saved until a fix is taken.
    const problem = page.locator('[data-testid="plan-problem"]');
    const rules: string[] = [];
    for (let round = 0; round < 3 && !rules.includes('no_overlap'); round++) {
      await problem.waitFor();
      expect(await problem.getAttribute('data-kind')).toBe('rule');
      const rule = (await problem.getAttribute('data-rule'))!;
      rules.push(rule);
      expect(await page.evaluate(() => window.__layersReady?.has('plan-problem') === true)).toBe(true);
      expect(await gridsOf(page, community)).toHaveLength(before.length - 1);
      if (rule === 'inside_parent') {
        await page.locator('[data-testid="plan-fix-clip_to_community"]').click();
        await expect.poll(() => problem.getAttribute('data-rule')).not.toBe('inside_parent');
      }
    }
    expect(rules).toContain('no_overlap');

    // Take "clip to neighbours": the grid saves with only the free space, which is the deleted grid's.
    await page.locator('[data-testid="plan-fix-clip_to_neighbours"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length);
    const saved = (await gridsOf(page, community)).find((g) => g.properties.name === '新画网格')!;
    expect(saved).toBeDefined();
    expect(Math.abs(area(saved) / area(target) - 1)).toBeLessThan(0.01);
    await mapIdle(page);
    expect(await pickedId(page, deepInside(saved), 'plan-grids')).toBe(saved.properties.id);

    // Undo: the drawn grid goes; undo again: the deleted grid comes back under its id.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length - 1);
    await page.locator('[data-testid="plan-undo"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length);
    const revived = (await gridsOf(page, community)).find((g) => g.properties.id === target.properties.id);
    expect(revived && Math.abs(area(revived) - area(target))).toBeLessThan(0.5);

    // Redo twice, then undo twice: the same steps forward and back, and the community as it was.
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length - 1);
    await page.locator('[data-testid="plan-redo"]').click();
    await expect
      .poll(async () => (await gridsOf(page, community)).some((g) => g.properties.name === '新画网格'))
      .toBe(true);
    await page.locator('[data-testid="plan-undo"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length - 1);
    await page.locator('[data-testid="plan-undo"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length);
    const after = await gridsOf(page, community);
    expect(after.map((g) => g.properties.id).sort()).toEqual(before.map((g) => g.properties.id).sort());
  });

  it('splits a grid with a line across it, then merges the pieces back', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const before = await gridsOf(page, community);
    const target = largest(before);
    await zoomTo(page, target);
    await clickMap(page, deepInside(target));
    await page.locator('[data-testid="plan-mode-split"]').click();
    await expect.poll(() => page.locator('[data-testid="plan-map"]').getAttribute('data-mode')).toBe('split');

    // A horizontal line through the inside point, from outside the grid's box to outside it.
    const [w, , e] = bbox(target);
    const [, y] = deepInside(target);
    const margin = (e - w) * 0.05;
    await clickMap(page, [w - margin, y]);
    const { x: endX, y: endY } = await screenAt(page, [e + margin, y]);
    await page.mouse.click(endX, endY);
    await page.waitForTimeout(350);
    await page.mouse.dblclick(endX, endY);

    await expect.poll(async () => (await gridsOf(page, community)).length, { timeout: 20_000 }).toBe(before.length + 1);
    const split = await gridsOf(page, community);
    const pieces = split.filter(
      (g) => g.properties.id === target.properties.id || !before.some((b) => b.properties.id === g.properties.id),
    );
    expect(pieces).toHaveLength(2);
    // The two pieces add up to the grid.
    expect(Math.abs(area(pieces[0]!) + area(pieces[1]!) - area(target))).toBeLessThan(1);
    await expect.poll(() => page.locator('[data-testid="plan-map"]').getAttribute('data-mode')).toBe('browse');

    // Select both pieces (click, shift-click) and merge.
    await clickMap(page, deepInside(pieces[0]!));
    await clickMap(page, deepInside(pieces[1]!), ['Shift']);
    await expect.poll(() => page.locator('[data-testid="plan-merge"]').isEnabled()).toBe(true);
    await page.locator('[data-testid="plan-merge"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length).toBe(before.length);
    const merged = (await gridsOf(page, community)).find((g) => g.properties.id === target.properties.id)!;
    expect(Math.abs(area(merged) - area(target))).toBeLessThan(1);
  });

  it('moves a vertex two grids share in both, saves them as one change, and undoes it with Ctrl+Z', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const before = await gridsOf(page, community);
    const key = (p: Position) => `${p[0]!.toFixed(7)},${p[1]!.toFixed(7)}`;
    const vertices = (g: GridFeature) => new Set(g.geometry.coordinates.flat(2).map(key));
    // A vertex held by two or more grids, the one whose grids are largest (easiest to drag).
    const holders = new Map<string, GridFeature[]>();
    for (const g of before) for (const v of vertices(g)) holders.set(v, [...(holders.get(v) ?? []), g]);
    const [vertexKey, pair] = [...holders.entries()]
      .filter(([, gs]) => gs.length === 2)
      .sort((a, b) => area(b[1][0]!) + area(b[1][1]!) - area(a[1][0]!) - area(a[1][1]!))[0]!;
    const [edited, neighbour] = pair;
    const vertex = vertexKey.split(',').map(Number);
    await zoomTo(page, edited!);
    await clickMap(page, deepInside(edited!));
    await page.locator('[data-testid="plan-mode-edit"]').click();
    await expect.poll(() => page.locator('[data-testid="plan-map"]').getAttribute('data-mode')).toBe('edit');
    await page.waitForFunction(() => (window.__draw?.getSnapshot().length ?? 0) > 1);

    // Drag it 12 px right and 8 px down, in small steps, as a hand would.
    const from = await screenAt(page, vertex);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(from.x + i * 1.5, from.y + i);
    await page.mouse.up();
    await expect.poll(() => page.locator('[data-testid="plan-attributes"] li').count()).toBe(2);
    await page.locator('[data-testid="plan-save-reshape"]').click();
    await expect
      .poll(
        async () =>
          (await gridsOf(page, community)).find((g) => g.properties.id === edited!.properties.id)!.properties.version,
      )
      .toBe(edited!.properties.version + 1);

    const after = await gridsOf(page, community);
    const editedAfter = after.find((g) => g.properties.id === edited!.properties.id)!;
    const neighbourAfter = after.find((g) => g.properties.id === neighbour!.properties.id)!;
    expect(neighbourAfter.properties.version).toBe(neighbour!.properties.version + 1);
    // The vertex left both grids, and both have the one new position it went to.
    const added = [...vertices(editedAfter)].filter((v) => !vertices(edited!).has(v));
    expect(added).toHaveLength(1);
    expect(vertices(editedAfter).has(vertexKey)).toBe(false);
    expect(vertices(neighbourAfter).has(vertexKey)).toBe(false);
    expect(vertices(neighbourAfter).has(added[0]!)).toBe(true);
    // One change: the same changeId in both grids' newest history entries.
    const changeIds = await Promise.all(
      [edited!, neighbour!].map(async (g) => {
        const h = await getJson<{ entries: { changeId: string }[] }>(page, `/api/grids/${g.properties.id}/history`);
        return h.entries.at(-1)!.changeId;
      }),
    );
    expect(changeIds[0]).toBe(changeIds[1]);

    // Ctrl+Z puts the vertex back in both.
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => {
        const now = await gridsOf(page, community);
        return [edited!, neighbour!].every((g) =>
          vertices(now.find((n) => n.properties.id === g.properties.id)!).has(vertexKey),
        );
      })
      .toBe(true);
  });

  it('edits a responsibility zone with the same tools: its unit, a delete, and undo of both', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const zonesOf = async () =>
      (
        await getJson<{
          features: (Feature<MultiPolygon> & { properties: { id: string; unit: string; communityId: number } })[];
        }>(page, '/api/zones')
      ).features.filter((z) => z.properties.communityId === community);
    const before = await zonesOf();
    expect(before.length).toBeGreaterThan(0);
    const zone = [...before].sort((a, b) => area(b) - area(a))[0]!;
    await page.locator('[data-testid="plan-target-zones"]').click();
    await zoomTo(page, zone);
    await clickMap(page, deepInside(zone));
    await expect.poll(() => page.locator('[data-testid="plan-zone-unit"]').inputValue()).toBe(zone.properties.unit);

    await page.locator('[data-testid="plan-zone-unit"]').fill('新包保单位');
    await page.locator('[data-testid="plan-save-zone"]').click();
    await expect
      .poll(async () => (await zonesOf()).find((z) => z.properties.id === zone.properties.id)?.properties.unit)
      .toBe('新包保单位');

    await page.locator('[data-testid="plan-delete"]').click();
    await page.locator('[data-testid="plan-delete-confirm"]').click();
    await expect.poll(async () => (await zonesOf()).length).toBe(before.length - 1);

    // Undo brings the zone back under its id, then its old unit.
    await page.locator('[data-testid="plan-undo"]').click();
    await expect.poll(async () => (await zonesOf()).some((z) => z.properties.id === zone.properties.id)).toBe(true);
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => (await zonesOf()).find((z) => z.properties.id === zone.properties.id)?.properties.unit)
      .toBe(zone.properties.unit);
    expect(await page.locator('[data-testid="plan-undo"]').isDisabled()).toBe(true);
  });

  it('snaps a drawn vertex onto a neighbouring grid’s corner within the pixel tolerance, and not when snapping is off', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const target = largest(await gridsOf(page, community));
    await zoomTo(page, target);
    const corner = target.geometry.coordinates[0]![0]![1]!;
    const centre = deepInside(target);
    const drawnFirstVertex = async (snap: boolean) => {
      const box = page.locator('[data-testid="plan-snapping"]');
      if (snap) await box.check();
      else await box.uncheck();
      await page.locator('[data-testid="plan-mode-draw"]').click();
      const at = await screenAt(page, corner);
      // 4 px right and 3 px down of the corner (5 px away: inside the 10 px tolerance).
      await page.mouse.click(at.x + 4, at.y + 3);
      await page.waitForTimeout(350);
      const c = await screenAt(page, centre);
      await page.mouse.click(c.x, c.y);
      await page.waitForTimeout(350);
      await page.mouse.click(c.x + 40, c.y + 30);
      await page.waitForTimeout(350);
      await page.mouse.click(at.x + 4, at.y + 3); // closes on the first point
      await page.locator('[data-testid="plan-save-new"]').waitFor();
      const first = await page.evaluate(() => {
        const pending = window.__plan!.pending;
        return pending?.kind === 'create' && pending.geometry?.type === 'Polygon'
          ? (pending.geometry.coordinates[0]![0]! as [number, number])
          : null;
      });
      await page.locator('[data-testid="plan-attributes"] button', { hasText: /放弃/ }).click();
      await page.locator('[data-testid="plan-mode-browse"]').click();
      return first!;
    };
    expect(await drawnFirstVertex(true)).toEqual(corner);
    const free = await drawnFirstVertex(false);
    expect(free).not.toEqual(corner);
    // Left where the click was: some way off the corner.
    expect(Math.hypot(free[0]! - corner[0]!, free[1]! - corner[1]!)).toBeGreaterThan(1e-7);
  });

  it('drafts balanced grids for the community, draws them, joins two of them before accepting, accepts them as one change, and undoes that', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const before = await gridsOf(page, community);
    await page.locator('[data-testid="plan-draft-toggle"]').click();
    await page.locator('[data-testid="plan-draft-grids"]').fill('3');
    await page.locator('[data-testid="plan-draft-run"]').click();
    await page.locator('[data-testid="plan-draft-summary"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="plan-draft-row"]').count()).toBe(3);
    await page.waitForFunction(() => window.__layersReady?.has('plan-draft') === true);

    // Edit the draft before accepting it: join two of its grids (nothing is saved yet).
    await page.locator('[data-testid="plan-draft-edit"]').click();
    const draft = (await page.evaluate(() => window.__plan!.draft))!;
    expect(draft.features).toHaveLength(3);
    await zoomTo(page, { type: 'FeatureCollection', features: draft.features } as unknown as Feature);
    // Two draft grids that share an edge: 1 and whichever of the others touches it longest is
    // found by trying; mergeAdjacent refuses grids that only touch at a point.
    const [first, ...others] = draft.features;
    let merged = false;
    for (const other of others) {
      await clickMap(page, deepInside(first!));
      await clickMap(page, deepInside(other), ['Shift']);
      await page.locator('[data-testid="plan-merge"]').click();
      if ((await page.locator('[data-testid="plan-draft-row"]').count()) === 2) {
        merged = true;
        break;
      }
      await page.locator('[data-testid="plan-problem"] .close').click();
    }
    expect(merged).toBe(true);
    expect(await gridsOf(page, community)).toHaveLength(before.length);

    await page.locator('[data-testid="plan-draft-accept"]').click();
    await expect.poll(async () => (await gridsOf(page, community)).length, { timeout: 30_000 }).toBe(2);
    const drafted = await gridsOf(page, community);
    // They tile the community as the old grids did: the same total area, to 0.1 %.
    const total = (grids: GridFeature[]) => grids.reduce((sum, g) => sum + area(g), 0);
    expect(Math.abs(total(drafted) / total(before) - 1)).toBeLessThan(0.001);
    expect(drafted).toHaveLength(2);

    // One undo brings the old grids back, under their ids.
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => (await gridsOf(page, community)).map((g) => g.properties.id).sort(), { timeout: 30_000 })
      .toEqual(before.map((g) => g.properties.id).sort());
  });

  it('downloads the grids from the export menu as GeoJSON in GCJ-02', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const [grid] = await gridsOf(page, community);
    await page.locator('[data-testid="export-toggle"]').click();
    await page.locator('[data-testid="export-layer"]').selectOption('grids');
    await page.locator('[data-testid="export-format"]').selectOption('geojson');
    await page.locator('[data-testid="export-crs"]').selectOption('gcj02');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-download"]').click(),
    ]);
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as GridCollection;
    const exported = file.features.find((f) => f.properties.code === grid!.properties.code)!;
    expect(exported).toBeDefined();
    // The same first vertex, moved into GCJ-02 (gcoord as the independent converter), to 1 mm.
    const wgs = grid!.geometry.coordinates[0]![0]![0]!;
    const expected = gcoord.transform([wgs[0]!, wgs[1]!] as [number, number], gcoord.WGS84, gcoord.GCJ02);
    const got = (
      exported.geometry.type === 'Polygon'
        ? exported.geometry.coordinates[0]![0]!
        : exported.geometry.coordinates[0]![0]![0]!
    ) as number[];
    expect(Math.abs(got[0]! - expected[0]!)).toBeLessThan(1e-8 * 1000);
    expect(Math.abs(got[1]! - expected[1]!)).toBeLessThan(1e-8 * 1000);
    // GCJ-02 is some hundreds of metres off WGS84 here: the file is not the API's coordinates.
    expect(Math.hypot(got[0]! - wgs[0]!, got[1]! - wgs[1]!)).toBeGreaterThan(0.001);
  });

  it('imports a GCJ-02 file of the community’s grids: a refused feature in red, then the fixed file, then undo', async () => {
    const { page, baseUrl } = await signedIn('demo-planner');
    const community = await openPlan(page, baseUrl);
    const before = await gridsOf(page, community);
    const prefix = before[0]!.properties.code.slice(0, 12);
    // The community's grids as a GCJ-02 file, from the export (a county's data arrives like this).
    const exported = await getJson<GridCollection>(page, '/api/export/grids?format=geojson&crs=gcj02');
    const mine = { ...exported, features: exported.features.filter((f) => f.properties.code.startsWith(prefix)) };
    expect(mine.features).toHaveLength(before.length);
    const dir = mkdtempSync(join(tmpdir(), 'wangge-import-'));
    const good = join(dir, 'grids-gcj02.geojson');
    writeFileSync(good, JSON.stringify(mine));
    // The same file with the second grid drawn over the first: that feature must be refused.
    const bad = join(dir, 'grids-overlap.geojson');
    const broken = structuredClone(mine);
    broken.features[1]!.geometry = broken.features[0]!.geometry;
    writeFileSync(bad, JSON.stringify(broken));

    await page.locator('[data-testid="plan-import-open"]').click();
    await page.locator('[data-testid="plan-import-layer"]').selectOption('grids');
    await page.locator('[data-testid="plan-import-crs"]').selectOption('gcj02');
    await page.locator('[data-testid="plan-import-replace"]').check();
    await page.locator('[data-testid="plan-import-file"]').setInputFiles(bad);
    await page.locator('[data-testid="plan-import-check"]').click();
    const report = page.locator('[data-testid="plan-import-report"]');
    await expect.poll(() => report.getAttribute('data-refused'), { timeout: 30_000 }).toBe('true');
    expect(await page.locator('[data-testid="plan-import-problem"]').first().textContent()).toContain('#2');
    expect(await page.locator('[data-testid="plan-import-commit"]').isDisabled()).toBe(true);
    await page.waitForFunction(() => window.__layersReady?.has('plan-import') === true);
    // The refused feature is drawn, in red, where the first grid is (the preview is in WGS84 again).
    const under = before.find((b) => b.properties.code === mine.features[0]!.properties.code)!;
    await mapIdle(page);
    const picked = await page.evaluate((at) => {
      const { x, y } = window.__map!.project(at as [number, number]);
      const info = window.__deck!.pickObject({ x, y, radius: 0, layerIds: ['plan-import'] });
      return (info?.object as { properties?: { number: number; ok: boolean } } | undefined)?.properties ?? null;
    }, deepInside(under));
    expect(picked).toEqual(expect.objectContaining({ number: 2, ok: false }));

    await page.locator('[data-testid="plan-import-file"]').setInputFiles(good);
    await page.locator('[data-testid="plan-import-check"]').click();
    await expect.poll(() => report.getAttribute('data-refused'), { timeout: 30_000 }).toBe('false');
    await page.locator('[data-testid="plan-import-commit"]').click();
    await expect
      .poll(
        async () =>
          (await gridsOf(page, community)).some((g) => !before.some((b) => b.properties.id === g.properties.id)),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    const imported = await gridsOf(page, community);
    expect(imported.map((g) => g.properties.code).sort()).toEqual(before.map((g) => g.properties.code).sort());
    // Back from GCJ-02 to where they were: the same areas, to 0.1 %.
    for (const g of imported) {
      const was = before.find((b) => b.properties.code === g.properties.code)!;
      expect(Math.abs(area(g) / area(was) - 1)).toBeLessThan(0.001);
    }

    // One undo takes the import back: the old grids, under their ids.
    await page.locator('[data-testid="plan-undo"]').click();
    await expect
      .poll(async () => (await gridsOf(page, community)).map((g) => g.properties.id).sort(), { timeout: 30_000 })
      .toEqual(before.map((g) => g.properties.id).sort());
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the second of two planners saving the same grid the conflict, with reload', async () => {
    const first = await signedIn('demo-planner');
    const community = await openPlan(first.page, first.baseUrl);
    const second = await signedIn('demo-planner');
    await openPlan(second.page, second.baseUrl, community);
    const target = largest(await gridsOf(first.page, community));
    for (const { page } of [first, second]) {
      await zoomTo(page, target);
      await clickMap(page, deepInside(target));
      await page.locator('[data-testid="plan-field-name"]').waitFor();
    }
    const original = target.properties.name;
    await first.page.locator('[data-testid="plan-field-name"]').fill(`${original}（甲）`);
    await first.page.locator('[data-testid="plan-save-attributes"]').click();
    await expect.poll(() => first.page.locator('[data-testid="plan-notice"]').textContent()).toBeTruthy();

    await second.page.locator('[data-testid="plan-field-name"]').fill(`${original}（乙）`);
    await second.page.locator('[data-testid="plan-save-attributes"]').click();
    const problem = second.page.locator('[data-testid="plan-problem"]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-kind')).toBe('conflict');
    expect(await problem.textContent()).toContain('demo-planner');
    // Both versions of the name, side by side.
    const fields = second.page.locator('[data-testid="plan-conflict-fields"]');
    expect(await fields.textContent()).toContain(`${original}（乙）`);
    expect(await fields.textContent()).toContain(`${original}（甲）`);
    expect(await second.page.locator('[data-testid="plan-conflict-overwrite"]').isVisible()).toBe(true);
    // Nothing was overwritten.
    const saved = (await gridsOf(second.page, community)).find((g) => g.properties.id === target.properties.id)!;
    expect(saved.properties.name).toBe(`${original}（甲）`);

    // Reload shows the saved name; then put the original back.
    await second.page.locator('[data-testid="plan-conflict-reload"]').click();
    await expect
      .poll(() => second.page.locator('[data-testid="plan-field-name"]').inputValue())
      .toBe(`${original}（甲）`);
    await second.page.locator('[data-testid="plan-field-name"]').fill(original);
    await second.page.locator('[data-testid="plan-save-attributes"]').click();
    await expect
      .poll(
        async () =>
          (await gridsOf(second.page, community)).find((g) => g.properties.id === target.properties.id)!.properties
            .name,
      )
      .toBe(original);
  });
});
