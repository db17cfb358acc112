import { describe, expect, it } from 'vitest';
import type { MultiPolygon } from 'geojson';
import { changesToReach, sameGeometry, stateOf } from '../../web/src/lib/plan/plan-changes';
import { indexRings, ringsNear, snapRings, snapToRings, type Project } from '../../web/src/lib/plan/snapping';
import { gridLabels, labelWidth_px, metresPerPixel } from '../../web/src/lib/plan/plan-layers';
import type { GridFeature, GridProps, ZoneFeature } from '../../web/src/lib/types';
import { zoneStateOf, zoneStepsToReach } from '../../web/src/lib/plan/zone-changes';

const square = (x0: number, y0: number, size: number): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [x0, y0],
        [x0 + size, y0],
        [x0 + size, y0 + size],
        [x0, y0 + size],
        [x0, y0],
      ],
    ],
  ],
});

function grid(id: string, version: number, geometry: MultiPolygon, props: Partial<GridProps> = {}): GridFeature {
  return {
    type: 'Feature',
    geometry,
    properties: {
      id,
      communityId: 7,
      communityName: 'c',
      code: `52011500100100${id.length}`,
      name: `grid ${id}`,
      kind: 'basic',
      households: 10,
      population: 25,
      workerName: null,
      workerPhone: null,
      version,
      updatedAt: '2026-12-02T00:00:00Z',
      ...props,
    },
  };
}

describe('changesToReach (undo and redo as writes)', () => {
  const a = grid('a', 3, square(106.6, 26.6, 0.001));
  const b = grid('b', 1, square(106.601, 26.6, 0.001));

  it('sends nothing when the saved grids already are the target, to the server’s 7 decimals', () => {
    const rounded = grid('a', 4, {
      type: 'MultiPolygon',
      coordinates: a.geometry.coordinates.map((p) => p.map((r) => r.map(([x, y]) => [x! + 4e-8, y! - 4e-8]))),
    });
    expect(sameGeometry(a.geometry, rounded.geometry)).toBe(true);
    expect(changesToReach([rounded, b], stateOf([a, b]), new Map())).toEqual({ ok: true, changes: [] });
  });

  it('updates only what differs, at the saved version', () => {
    const moved = grid('a', 5, square(106.6, 26.6, 0.0012), { name: 'renamed', households: 12 });
    const result = changesToReach([moved, b], stateOf([a, b]), new Map());
    expect(result).toEqual({
      ok: true,
      changes: [
        {
          op: 'update',
          id: 'a',
          version: 5,
          geometry: a.geometry,
          properties: { name: 'grid a', households: 10 },
        },
      ],
    });
  });

  it('undoes a split: deletes the new piece and gives the kept piece its old shape back', () => {
    const whole = grid('a', 1, square(106.6, 26.6, 0.002));
    const before = stateOf([whole]);
    const kept = grid('a', 2, square(106.6, 26.6, 0.001));
    const piece = grid('n', 1, square(106.601, 26.6, 0.001));
    const result = changesToReach([kept, piece], before, new Map());
    expect(result).toEqual({
      ok: true,
      changes: [
        { op: 'update', id: 'a', version: 2, geometry: whole.geometry },
        { op: 'delete', id: 'n', version: 1 },
      ],
    });
  });

  it('revives a grid deleted in the session under its id, naming the deleted version', () => {
    const result = changesToReach([a], stateOf([a, b]), new Map([['b', 4]]));
    expect(result).toEqual({
      ok: true,
      changes: [
        { op: 'revive', id: 'b', version: 4, geometry: b.geometry, properties: stateOf([b]).get('b')!.properties },
      ],
    });
  });

  it('refuses when a grid of the target is gone and its deleted version is not known', () => {
    expect(changesToReach([a], stateOf([a, b]), new Map())).toEqual({ ok: false, missing: ['b'] });
  });
});

describe('snapToRings', () => {
  // 1 degree = 100,000 px, y down: a plain linear projection keeps the arithmetic by hand.
  const project: Project = (lng, lat) => ({ x: lng * 100_000, y: -lat * 100_000 });
  const rings = snapRings([square(1, 1, 0.001)]); // corners at x 100,000..100,100, y −100,000..−100,100

  it('snaps to a vertex within the tolerance, even when an edge is nearer', () => {
    const hit = snapToRings({ x: 100_003, y: -100_001 }, rings, project, 5);
    expect(hit?.kind).toBe('vertex');
    expect(hit?.position).toEqual([1, 1]);
    expect(hit?.distance_px).toBeCloseTo(Math.hypot(3, 1), 9);
  });

  it('snaps to the foot of the perpendicular on an edge', () => {
    const hit = snapToRings({ x: 100_050, y: -100_002 }, rings, project, 5);
    expect(hit?.kind).toBe('edge');
    expect(hit!.position[0]).toBeCloseTo(1.0005, 12);
    expect(hit!.position[1]).toBeCloseTo(1, 12);
  });

  it('leaves a pointer farther than the tolerance alone', () => {
    expect(snapToRings({ x: 100_050, y: -100_050 }, rings, project, 5)).toBeNull();
  });
});

describe('gridLabels (labels where they fit)', () => {
  // A 200 m × 200 m grid at 26.6° N: 0.002016° of longitude, 0.001808° of latitude.
  const g = grid('a', 1, square(106.6, 26.6, 0.0018), { name: '龙香园社区第1网格', code: '520115007001007' });
  const widthM = 0.0018 * 111_320 * Math.cos((26.6 * Math.PI) / 180);

  it('shows the name when it fits, the sequence when only that fits, nothing when neither does', () => {
    // The name is 8 CJK characters and 1 digit at 12 px: 8 × 12 + 0.6 × 12 = 103.2 px.
    const nameFits = Math.log2((40_075_016.686 * Math.cos((26.6 * Math.PI) / 180)) / (512 * ((widthM * 0.8) / 103.2)));
    expect(labelWidth_px('龙香园社区第1网格', 12)).toBeCloseTo(103.2, 9);
    expect(gridLabels([g], nameFits + 0.1).map((l) => l.text)).toEqual(['龙香园社区第1网格']);
    expect(gridLabels([g], nameFits - 1).map((l) => l.text)).toEqual(['007']);
    expect(gridLabels([g], 10)).toEqual([]);
  });

  it('puts the label inside the grid', () => {
    const [label] = gridLabels([g], 18);
    expect(label!.position[0]).toBeGreaterThan(106.6);
    expect(label!.position[0]).toBeLessThan(106.6018);
    expect(metresPerPixel(0, 0)).toBeCloseTo(40_075_016.686 / 512, 6);
  });
});

describe('zoneStepsToReach (zone undo and redo as writes)', () => {
  const zone = (id: string, version: number, geometry: MultiPolygon, name = `zone ${id}`): ZoneFeature => ({
    type: 'Feature',
    geometry,
    properties: { id, communityId: 7, gridId: 'g', gridCode: '520115007001001', name, unit: '某单位', version },
  });
  const a = zone('a', 2, square(106.6, 26.6, 0.001));

  it('patches a reshaped or renamed zone back, at its saved version', () => {
    const moved = zone('a', 3, square(106.6, 26.6, 0.0012), 'renamed');
    expect(zoneStepsToReach([moved], zoneStateOf([a]), new Map())).toEqual({
      ok: true,
      steps: [{ op: 'update', id: 'a', body: { version: 3, geometry: a.geometry, properties: { name: 'zone a' } } }],
    });
  });

  it('deletes a zone the target lacks, and restores a deleted one under its id', () => {
    expect(zoneStepsToReach([a], new Map(), new Map())).toEqual({
      ok: true,
      steps: [{ op: 'delete', id: 'a', version: 2 }],
    });
    expect(zoneStepsToReach([], zoneStateOf([a]), new Map([['a', 2]]))).toEqual({
      ok: true,
      steps: [{ op: 'restore', id: 'a', version: 2, geometry: a.geometry }],
    });
  });

  it('refuses a step that would take more than one request (the zones changed under the page)', () => {
    const b = zone('b', 1, square(106.601, 26.6, 0.001));
    const result = zoneStepsToReach(
      [],
      zoneStateOf([a, b]),
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(result.ok).toBe(false);
  });
});

describe('indexRings and ringsNear (snapping looks only near the pointer)', () => {
  const rings = snapRings([square(1, 1, 0.001), square(2, 2, 0.001)]);
  const indexed = indexRings(rings);

  it('boxes each ring', () => {
    expect(indexed.map((r) => r.box)).toEqual([
      [1, 1, 1.001, 1.001],
      [2, 2, 2.001, 2.001],
    ]);
  });

  it('keeps the rings whose box meets the pointer’s, edges touching included', () => {
    expect(ringsNear(indexed, [1.0005, 1.0005, 1.0006, 1.0006])).toEqual([rings[0]]);
    expect(ringsNear(indexed, [1.001, 1.001, 2, 2])).toEqual(rings);
    expect(ringsNear(indexed, [1.5, 1.5, 1.6, 1.6])).toEqual([]);
  });
});
