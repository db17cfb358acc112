import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StationProps } from '../../server/src/contracts';
import { type TestAccounts, TEST_PASSWORD, bearer, seedAccounts } from '../support/accounts';
import { rectangle, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let westCommunity: number;

/** District [106.60, 106.62] × [26.60, 26.61]: a west subdistrict (the planner's scope) and an east one. */
beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520197', name: '写入区', level: 'district', geometry: rectangle(106.6, 26.6, 106.62, 26.61) },
    {
      code: '520197001',
      name: '西街道',
      level: 'subdistrict',
      parentCode: '520197',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
    {
      code: '520197002',
      name: '东街道',
      level: 'subdistrict',
      parentCode: '520197',
      geometry: rectangle(106.61, 26.6, 106.62, 26.61),
    },
    {
      code: '520197001001',
      name: '西社区',
      level: 'community',
      parentCode: '520197001',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
    {
      code: '520197002001',
      name: '东社区',
      level: 'community',
      parentCode: '520197002',
      geometry: rectangle(106.61, 26.6, 106.62, 26.61),
    },
  ]);
  westCommunity = ids.get('520197001001')!;
  accounts = await seedAccounts(ctx.database, [ids.get('520197001')!]);
});

const WEST: [number, number] = [106.605, 26.605];
const EAST: [number, number] = [106.615, 26.605];

const newStation = (coordinates: [number, number], name = '测试驿站') => ({
  kind: 'rider_station',
  name,
  geometry: { type: 'Point', coordinates },
  amenities: ['water', 'ebike_charging'],
  openingHours: 'Mo-Su 08:00-22:00',
});

/** Row count and change counter of the station table: a refused write must leave both alone. */
async function stationState() {
  const { rows } = await sql<{ n: string; v: string }>`
    SELECT (SELECT count(*) FROM station)::text AS n,
           (SELECT version FROM data_version WHERE table_name = 'station')::text AS v`.execute(ctx.database.db);
  return rows[0]!;
}

describe('POST /api/stations', () => {
  it('lets a planner add a station inside their scope, with version 1 and its community', async () => {
    const res = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .send(newStation(WEST))
      .expect(201);
    expect(res.body.geometry.coordinates[0]).toBeCloseTo(WEST[0], 9);
    expect(res.body.properties).toMatchObject({
      name: '测试驿站',
      version: 1,
      status: 'active',
      communityId: westCommunity,
      amenities: ['water', 'ebike_charging'],
      openingHours: 'Mo-Su 08:00-22:00',
    });
  });

  it('refuses, and writes nothing, outside the scope, for an official, signed out, or with bad input', async () => {
    const before = await stationState();
    const outside = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .send(newStation(EAST))
      .expect(403);
    expect(outside.body.error.code).toBe('outside_scope');
    expect(outside.body.error.message).toMatch(/lies outside the regions you may edit/);
    await request(ctx.app).post('/api/stations').set(bearer(accounts.official)).send(newStation(WEST)).expect(403);
    await request(ctx.app).post('/api/stations').send(newStation(WEST)).expect(401);
    const hours = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .send({ ...newStation(WEST), openingHours: 'sometimes' })
      .expect(400);
    expect(hours.body.error.message).toMatch(/openingHours: not OpenStreetMap opening_hours syntax/);
    const swapped = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .send(newStation([26.605, 106.605]))
      .expect(400);
    expect(swapped.body.error.message).toMatch(/coordinates look swapped/);
    const notJson = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .set('Content-Type', 'text/plain')
      .send('name=x')
      .expect(415);
    expect(notJson.body.error.message).toMatch(/Content-Type: application\/json/);
    expect(await stationState()).toEqual(before);
  });

  it('lets an admin add a station anywhere', async () => {
    const res = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.admin))
      .send(newStation(EAST, '东驿站'))
      .expect(201);
    expect(res.body.properties.name).toBe('东驿站');
  });

  it('works from a browser session with its CSRF token', async () => {
    const login = await request(ctx.app)
      .post('/api/auth/login')
      .send({ username: accounts.planner.username, password: TEST_PASSWORD })
      .expect(200);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    await request(ctx.app).post('/api/stations').set('Cookie', cookie).send(newStation(WEST, '会话驿站')).expect(403);
    await request(ctx.app)
      .post('/api/stations')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', login.body.csrfToken)
      .send(newStation(WEST, '会话驿站'))
      .expect(201);
  });
});

describe('PATCH and DELETE /api/stations/:id', () => {
  async function create(coordinates: [number, number], account = accounts.planner) {
    const res = await request(ctx.app)
      .post('/api/stations')
      .set(bearer(account))
      .send(newStation(coordinates))
      .expect(201);
    return res.body as { properties: StationProps };
  }

  it('saves an edit on top of the current version and bumps it', async () => {
    const station = await create(WEST);
    const res = await request(ctx.app)
      .patch(`/api/stations/${station.properties.id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, name: '改名驿站', openingHours: '24/7' })
      .expect(200);
    expect(res.body.properties).toMatchObject({
      name: '改名驿站',
      version: 2,
      openingHours: '24/7',
      kind: 'rider_station',
    });
  });

  it('answers a stale version with 409, the current station, who changed it and when, and writes nothing', async () => {
    const station = await create(WEST);
    const id = station.properties.id;
    await request(ctx.app)
      .patch(`/api/stations/${id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, name: '第一次' })
      .expect(200);
    const before = await stationState();
    const stale = await request(ctx.app)
      .patch(`/api/stations/${id}`)
      .set(bearer(accounts.admin))
      .send({ version: 1, name: '第二次' })
      .expect(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect(stale.body.error.details.current.properties).toMatchObject({ name: '第一次', version: 2 });
    expect(stale.body.error.details.changed_by).toBe(accounts.planner.username);
    expect(Date.parse(stale.body.error.details.changed_at)).toBeGreaterThan(Date.now() - 60_000);
    const staleDelete = await request(ctx.app)
      .delete(`/api/stations/${id}?version=1`)
      .set(bearer(accounts.planner))
      .expect(409);
    expect(staleDelete.body.error.code).toBe('version_conflict');
    expect(await stationState()).toEqual(before);
  });

  it('refuses a planner a move out of their scope, and an edit of a station outside it', async () => {
    const mine = await create(WEST);
    const theirs = await create(EAST, accounts.admin);
    const before = await stationState();
    const move = await request(ctx.app)
      .patch(`/api/stations/${mine.properties.id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, geometry: { type: 'Point', coordinates: EAST } })
      .expect(403);
    expect(move.body.error.message).toMatch(/The new location/);
    const edit = await request(ctx.app)
      .patch(`/api/stations/${theirs.properties.id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, name: 'mine now' })
      .expect(403);
    expect(edit.body.error.code).toBe('outside_scope');
    await request(ctx.app)
      .delete(`/api/stations/${theirs.properties.id}?version=1`)
      .set(bearer(accounts.planner))
      .expect(403);
    expect(await stationState()).toEqual(before);
    // An admin may move it anywhere; the community follows the point.
    const moved = await request(ctx.app)
      .patch(`/api/stations/${mine.properties.id}`)
      .set(bearer(accounts.admin))
      .send({ version: 1, geometry: { type: 'Point', coordinates: EAST } })
      .expect(200);
    expect(moved.body.properties.communityId).not.toBe(westCommunity);
  });

  it('deletes with the current version, then the station is gone', async () => {
    const station = await create(WEST);
    const id = station.properties.id;
    await request(ctx.app).delete(`/api/stations/${id}?version=1`).set(bearer(accounts.planner)).expect(204);
    const gone = await request(ctx.app)
      .patch(`/api/stations/${id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1, name: 'x' })
      .expect(404);
    expect(gone.body.error.message).toBe(`Station ${id} does not exist.`);
  });

  it('explains malformed ids, versions and bodies', async () => {
    const bad = await request(ctx.app)
      .patch('/api/stations/42')
      .set(bearer(accounts.planner))
      .send({ version: 1, name: 'x' })
      .expect(400);
    expect(bad.body.error.message).toBe('id: must be a station id (a UUID)');
    const station = await create(WEST);
    const noChange = await request(ctx.app)
      .patch(`/api/stations/${station.properties.id}`)
      .set(bearer(accounts.planner))
      .send({ version: 1 })
      .expect(400);
    expect(noChange.body.error.message).toMatch(/say what to change/);
    const hex = await request(ctx.app)
      .delete(`/api/stations/${station.properties.id}?version=0x1`)
      .set(bearer(accounts.planner))
      .expect(400);
    expect(hex.body.error.message).toMatch(/plain decimal digits/);
  });
});
