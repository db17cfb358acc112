import type { Feature, Point } from 'geojson';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { type Database, openDatabase } from '../../server/src/db/client';
import { startTcpProxy } from '../support/tcp-proxy';
import { type SeedStationProps, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

const postgresMode = Boolean(process.env.DATABASE_URL);

const station = (lng: number, name: string): Feature<Point, SeedStationProps> => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, 26.6] },
  properties: { name },
});

/**
 * The nearest index lives in memory and checks the station table's change counter for every query
 * (station-index.ts): a query sent after a write commits must see it, whichever connection wrote
 * it, even while checks that began before the write are still on their way back. Answers from the
 * database are held 150 ms by a proxy, so such checks are in flight when the write commits.
 */
describe.skipIf(!postgresMode)('the nearest index after a write by another connection', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let slow: Database;
  let app: ReturnType<typeof createApp>;
  let writer: Database;

  beforeAll(async () => {
    ({ database: writer } = await testContext());
    const direct = new URL(inject('apiDatabaseUrl'));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }, { replyDelay_ms: 150 });
    const proxied = new URL(direct);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    slow = await openDatabase({ databaseUrl: proxied.toString(), dataDir: '' });
    app = createApp({
      database: slow,
      config: { basemapStyleUrl: undefined },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
  });

  afterAll(async () => {
    await slow?.close();
    await proxy?.close();
  });

  it('answers with the new station though older checks are still in flight', async () => {
    await resetData(writer);
    await seedStations(writer, [station(106.7, 'far')]);
    const url = '/api/stations/nearest?lng=106.6&lat=26.6&limit=1';
    expect((await request(app).get(url).expect(200)).body.features[0].properties.name).toBe('far');
    for (let round = 0; round < 3; round++) {
      // Queries whose checks read the counter before the write, and answer after it.
      const before = Array.from({ length: 6 }, () =>
        request(app)
          .get(url)
          .then((r) => r.body),
      );
      await new Promise((r) => setTimeout(r, 30));
      await seedStations(writer, [station(106.6 + (3 - round) * 0.0001, `near-${round}`)]);
      const after = await request(app).get(url).expect(200);
      expect(after.body.features[0].properties.name).toBe(`near-${round}`);
      for (const body of await Promise.all(before)) expect(body.features).toHaveLength(1);
    }
  });
});
