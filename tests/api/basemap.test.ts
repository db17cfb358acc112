/**
 * The offline basemap: roads and water from the database, one FeatureCollection, with the router's
 * road classes folded into the eight the map draws.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BasemapCollection } from '../../server/src/contracts';
import { insertRoads, insertWater } from '../../server/src/queries/dataset.queries';
import { ROAD_CLASSES as STORED_ROAD_CLASSES } from '../../server/src/routing';
import { ROAD_CLASSES } from '../../server/src/contracts';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

/** One short east–west road per stored class, 0.001° apart going north from (106.6, 26.6). */
const roadAt = (cls: string, i: number) => ({
  class: cls,
  name: `${cls} 路`,
  oneway: false,
  geojson: JSON.stringify({
    type: 'LineString',
    coordinates: [
      [106.6, 26.6 + i * 0.001],
      [106.601, 26.6 + i * 0.001],
    ],
  }),
});

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  await insertRoads(ctx.database.db, [
    ...STORED_ROAD_CLASSES.map((cls, i) => roadAt(cls, i)),
    roadAt('bridleway', STORED_ROAD_CLASSES.length), // written by hand: not a class the importer keeps
  ]).execute();
  await insertWater(ctx.database.db, [
    {
      kind: 'lake',
      name: '湖',
      geojson: JSON.stringify({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [106.7, 26.7],
              [106.71, 26.7],
              [106.71, 26.71],
              [106.7, 26.7],
            ],
          ],
        ],
      }),
    },
  ]).execute();
});

describe('GET /api/basemap', () => {
  it('serves every road with a class the map draws, and the water', async () => {
    const body = (await request(ctx.app).get('/api/basemap').expect(200)).body as BasemapCollection;
    const roads = body.features.filter((f) => f.properties.layer === 'road');
    expect(roads).toHaveLength(STORED_ROAD_CLASSES.length + 1);
    const drawn = Object.fromEntries(
      roads.map((f) => [f.properties.layer === 'road' ? f.properties.name?.replace(' 路', '') : '', f.properties]),
    );
    for (const road of roads) expect(ROAD_CLASSES).toContain((road.properties as { class: string }).class);
    expect(drawn['primary_link']).toMatchObject({ class: 'primary' });
    expect(drawn['living_street']).toMatchObject({ class: 'residential' });
    expect(drawn['path']).toMatchObject({ class: 'footway' });
    expect(drawn['steps']).toMatchObject({ class: 'footway' });
    expect(drawn['track']).toMatchObject({ class: 'service' });
    expect(drawn['bridleway']).toMatchObject({ class: 'service' });
    expect(drawn['motorway']).toMatchObject({ class: 'motorway' });
    const water = body.features.filter((f) => f.properties.layer === 'water');
    expect(water.map((f) => f.properties)).toEqual([{ layer: 'water', kind: 'lake', name: '湖' }]);
    expect(water[0]!.geometry.type).toBe('MultiPolygon');
  });

  it('keeps to a bbox, and refuses a malformed one with a 400', async () => {
    const body = (await request(ctx.app).get('/api/basemap?bbox=106.69,26.69,106.72,26.72').expect(200))
      .body as BasemapCollection;
    expect(body.features.map((f) => f.properties.layer)).toEqual(['water']);
    const bad = await request(ctx.app).get('/api/basemap?bbox=106.7,26.7').expect(400);
    expect(bad.body.error.message).toMatch(/bbox/);
  });
});
