/**
 * The road import against the API tests' PostGIS: what lands in `road`, and that a failure part
 * way leaves the table exactly as it was.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRoads } from '../../server/src/roads-import/import';
import { nodeRoads, type RoadSegment } from '../../server/src/roads-import/normalize';
import { parseOsmXml } from '../../server/src/roads-import/parse-osm-xml';
import { resetData, testContext } from './harness';

const SMALL_OSM = fileURLToPath(new URL('../fixtures/roads-import/small.osm', import.meta.url));

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
});

async function roadRows() {
  const { rows } = await sql<{ id: number; class: string; name: string | null; oneway: boolean; wkt: string }>`
    SELECT id::int AS id, class, name, oneway, ST_AsText(geom) AS wkt FROM road ORDER BY id`.execute(ctx.database.db);
  return rows;
}

const line = (coordinates: [number, number][]): RoadSegment => ({
  class: 'residential',
  name: null,
  oneway: false,
  coordinates,
});

describe('importRoads', () => {
  it('writes the noded segments of small.osm, replacing what was there', async () => {
    await importRoads(
      ctx.database.db,
      [
        line([
          [1, 1],
          [2, 2],
        ]),
      ],
      { replace: true },
    );
    const { segments } = nodeRoads(await parseOsmXml(SMALL_OSM));
    const progress: [number, number][] = [];
    const result = await importRoads(ctx.database.db, segments, {
      replace: true,
      batchSize: 2,
      onProgress: (written, total) => progress.push([written, total]),
    });
    expect(result).toEqual({ deleted: 1, written: 5 });
    expect(progress).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);

    const rows = await roadRows();
    expect(rows.map((r) => r.class)).toEqual(['residential', 'residential', 'footway', 'tertiary', 'service']);
    expect(rows.map((r) => r.name)).toEqual(['中华路', '中华路', null, 'Baiyun Road', 'Back Lane']);
    expect(rows.filter((r) => r.oneway).map((r) => r.class)).toEqual(['tertiary']);

    // oneway=-1 on 3 → 6 → 7: stored from node 7 to node 3, the direction of travel.
    const { rows: tertiary } = await sql<{ coordinates: [number, number][] }>`
      SELECT ST_AsGeoJSON(geom)::json -> 'coordinates' AS coordinates FROM road WHERE class = 'tertiary'`.execute(
      ctx.database.db,
    );
    const coordinates = tertiary[0]!.coordinates;
    expect(coordinates).toHaveLength(3);
    expect(coordinates[0]![0]).toBeCloseTo(106.633, 7);
    expect(coordinates[0]![1]).toBeCloseTo(26.5915, 7);
    expect(coordinates[2]![0]).toBeCloseTo(106.632, 7);
    expect(coordinates[2]![1]).toBeCloseTo(26.59, 7);
  });

  it('appends when asked to', async () => {
    const before = await roadRows();
    const result = await importRoads(
      ctx.database.db,
      [
        line([
          [1, 1],
          [2, 2],
        ]),
      ],
      { replace: false },
    );
    expect(result).toEqual({ deleted: 0, written: 1 });
    const after = await roadRows();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
  });

  it('rolls everything back when the database rejects a row in a later batch', async () => {
    const before = await roadRows();
    expect(before.length).toBeGreaterThan(0);
    const segments = [
      line([
        [0, 0],
        [1, 0],
      ]),
      line([
        [1, 0],
        [2, 0],
      ]),
      {
        ...line([
          [2, 0],
          [3, 0],
        ]),
        class: null as unknown as 'residential',
      }, // violates NOT NULL
      line([
        [3, 0],
        [4, 0],
      ]),
    ];
    let batches = 0;
    await expect(
      importRoads(ctx.database.db, segments, { replace: true, batchSize: 2, onProgress: () => batches++ }),
    ).rejects.toThrow(/null value in column "class"/);
    expect(batches).toBe(1); // the old rows were deleted and the first batch written before the failure
    expect(await roadRows()).toEqual(before);
  });

  it('refuses a NaN that slipped past validation, rolling back the batches before it', async () => {
    const before = await roadRows();
    // JSON turns NaN into null, which PostGIS would quietly read as 0.
    const segments = [
      line([
        [0, 0],
        [1, 0],
      ]),
      line([
        [1, 0],
        [2, 0],
      ]),
      line([
        [2, 0],
        [Number.NaN, 0],
      ]),
    ];
    await expect(importRoads(ctx.database.db, segments, { replace: true, batchSize: 2 })).rejects.toThrow(
      'road segment 2 has an invalid coordinate',
    );
    expect(await roadRows()).toEqual(before);
  });

  it('rolls everything back when the process fails between batches', async () => {
    const before = await roadRows();
    const segments = Array.from({ length: 5 }, (_, i) =>
      line([
        [i, 5],
        [i + 1, 5],
      ]),
    );
    await expect(
      importRoads(ctx.database.db, segments, {
        replace: false,
        batchSize: 2,
        onProgress: (written) => {
          if (written === 4) throw new Error('forced failure after the second batch');
        },
      }),
    ).rejects.toThrow('forced failure');
    expect(await roadRows()).toEqual(before);
  });

  it('runs inside a transaction it is given, which the caller commits or rolls back', async () => {
    const before = await roadRows();
    await expect(
      ctx.database.db.transaction().execute(async (tx) => {
        const result = await importRoads(
          tx,
          [
            line([
              [7, 7],
              [8, 8],
            ]),
          ],
          { replace: true },
        );
        expect(result).toEqual({ deleted: before.length, written: 1 });
        throw new Error('caller rolls back');
      }),
    ).rejects.toThrow('caller rolls back');
    expect(await roadRows()).toEqual(before);
  });
});
