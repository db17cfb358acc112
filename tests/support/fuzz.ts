/**
 * The bad-input fuzzer shared by `npm run fuzz` (scripts/fuzz.ts, 10,000+ requests) and the short
 * pass in the API suite (tests/api/fuzz.test.ts). It finds every route in the app's own route table,
 * sends each one generated bad requests as every caller, and checks the answers:
 * - no 5xx;
 * - no stack trace, file path or database error text in any body;
 * - every 4xx is `{ error: { code, message } }` with a non-empty message;
 * - nothing written by a refused request: row counts, small tables' contents and `data_version`
 *   are the same before and after each batch in which every request was refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { sql } from 'kysely';
import type { Database } from '../../server/src/db/client';
import { openApiDocument } from '../../server/src/routes/openapi';
import { routeTable } from '../../server/src/routes/access';
import { mulberry32 } from './random';
import { rectangle, seedRegions, seedStations } from './seed';

export type Caller = { name: string; headers: Record<string, string> };

export type FuzzRequest = {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
};

export type Failure = { request: string; status: number; problem: string; body: string };

export type FuzzReport = {
  requests: number;
  routes: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** Requests that were answered 2xx/3xx: bad-looking input that the route took (listed, not failed). */
  accepted: Record<string, number>;
  /** The first 1,000 accepted requests, for a closer look. */
  acceptedRequests: {
    caller: string;
    route: string;
    category: string;
    request: string;
    status: number;
    strictQuery: boolean;
  }[];
  failures: Failure[];
  writeChecks: number;
  seconds: number;
};

// ---------- values ----------

/** JSON text inserted as is, for what JSON.stringify can't write (1e999, -0, duplicate keys). */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const LONG = 'x'.repeat(12_000);
const LONG_DIGITS = '9'.repeat(400);
const UUID = '8f14e45f-ceea-467f-a0e6-7c2c9e0c4b1e';

/** Bad values for one query parameter. */
const BAD_QUERY_VALUES = [
  '',
  ' ',
  '0x10',
  '0b11',
  '0o7',
  '1e3',
  '1E3',
  '1_000',
  '-1',
  '+1',
  '-0',
  '0',
  '1.5',
  '.5',
  '5.',
  '1,5',
  'NaN',
  'Infinity',
  '-Infinity',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  LONG_DIGITS,
  `0.${'0'.repeat(400)}1`,
  '1e-400',
  'abc',
  UUID,
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  "'; DROP TABLE station;--",
  '1 OR 1=1',
  '%00',
  '\u0000',
  '网格',
  '🚲',
  '..%2F..%2Fetc%2Fpasswd',
  ',,,',
  '1,2,3',
  '1,2,3,4,5',
  '-200,0,10,10',
  '10,10,5,20',
  '106.6,26.6,106.7,NaN',
  '0x1,0,1,1',
  'rider_station,,',
  'walk,ebike',
  LONG,
];

const BAD_PATH_IDS = [
  '0x10',
  '-1',
  '0',
  '2147483648',
  '99999999999999999999',
  '1e3',
  '1.5',
  '+1',
  '01',
  'abc',
  UUID,
  `${UUID}x`,
  '%20',
  '%00',
  '%',
  '%zz',
  'null',
  '..',
  '1;DROP TABLE app_user',
  'a'.repeat(10_000),
  '网格',
];

/** A square ring near Guiyang; bad geometries are made from it. */
const ring = [
  [106.6, 26.6],
  [106.61, 26.6],
  [106.61, 26.61],
  [106.6, 26.61],
  [106.6, 26.6],
];

const BAD_GEOMETRIES: unknown[] = [
  { type: 'Polygon', coordinates: [ring.slice(0, 4)] }, // ring not closed
  { type: 'Polygon', coordinates: [[ring[0], ring[1], ring[0]]] }, // too few positions
  {
    type: 'Polygon', // bow-tie: edges cross
    coordinates: [
      [
        [106.6, 26.6],
        [106.61, 26.61],
        [106.61, 26.6],
        [106.6, 26.61],
        [106.6, 26.6],
      ],
    ],
  },
  { type: 'Polygon', coordinates: [ring.map(([lng, lat]) => [lat, lng])] }, // swapped
  { type: 'MultiPolygon', coordinates: [[ring.slice(0, 4)]] },
  { type: 'MultiPolygon', coordinates: [] },
  { type: 'Polygon', coordinates: [] },
  { type: 'Polygon', coordinates: [[[106.6, 'x'], ...ring.slice(1)]] },
  { type: 'Polygon', coordinates: [[[raw('1e999'), 26.6], ...ring.slice(1)]] },
  { type: 'Point', coordinates: [26.6, 106.6] }, // swapped point
  { type: 'Point', coordinates: [106.6] },
  { type: 'Point', coordinates: [106.6, 26.6, 1, 2] },
  { type: 'Point', coordinates: [200, 0] },
  { type: 'Point', coordinates: [0, -91] },
  { type: 'Point', coordinates: [raw('NaN'), 0] },
  { type: 'Point', coordinates: [raw('-1e999'), 0] },
  { type: 'Point', coordinates: ['106.6', '26.6'] },
  { type: 'Point', coordinates: [[106.6, 26.6]] },
  { type: 'Point', coordinates: null },
  { type: 'Point' },
  { coordinates: [106.6, 26.6] },
  { type: 'point', coordinates: [106.6, 26.6] },
  { type: 'LineString', coordinates: [[106.6, 26.6]] },
  { type: 'GeometryCollection', geometries: [] },
  { type: 'Feature', geometry: { type: 'Point', coordinates: [106.6, 26.6] }, properties: {} },
  { type: 'Point', coordinates: [106.6, 26.6], crs: { type: 'name', properties: { name: 'EPSG:3857' } } },
  { type: 'LineString', coordinates: Array.from({ length: 1500 }, (_, i) => [106.6 + i * 1e-5, 26.6]) },
];

/** Bad values for one JSON field. */
const BAD_JSON_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2147483648,
  -2147483649,
  raw('1e308'),
  raw('-1e308'),
  raw('1e-320'),
  raw('1e999'),
  raw('-1e999'),
  raw('-0'),
  raw('9'.repeat(400)),
  '',
  ' ',
  '\u0000',
  'NaN',
  'Infinity',
  '0x10',
  '1e3',
  LONG,
  '网格'.repeat(3000),
  [],
  {},
  [[[[]]]],
  [null],
  { $ne: null },
  raw('{"__proto__":{"admin":true},"constructor":{"prototype":{"role":"admin"}}}'),
  Array.from({ length: 5000 }, (_, i) => i),
  "'; DROP TABLE app_user;--",
  ...BAD_GEOMETRIES,
];

const MALFORMED_JSON = [
  '{',
  '[',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":0x10}',
  '{"a":01}',
  '{a:1}',
  '\u0000',
  '{"a":"\\x41"}',
  '{"a":"\\ud800"}',
  'nul',
  '"unterminated',
  ' ',
  'null',
  'true',
  '1',
  '"x"',
  '[]',
  '[1,2]',
  '{}{}',
  '\ufeff{}',
];

/** Plausible bodies of the routes that take one; a case changes one thing. Others start from `{}`. */
const BODY_TEMPLATES: Record<string, Record<string, unknown>> = {
  'POST /api/auth/login': { username: 'fuzz-nobody', password: 'not-the-password' },
  'POST /api/auth/tokens': { name: 'fuzz token' },
  'POST /api/users': { username: 'fuzz-user', password: 'short', role: 'planner' },
  'PATCH /api/users/:id': { displayName: 'Fuzz' },
  'POST /api/stations': {
    kind: 'rider_station',
    name: 'Fuzz station',
    geometry: { type: 'Point', coordinates: [106.6, 26.6] },
  },
  'PATCH /api/stations/:id': { version: 1, name: 'Fuzz station' },
};

/** Field names tried on every body route, beside the template's own. */
const GENERIC_FIELDS = ['geometry', 'id', 'name', 'role', 'scopes', 'version', 'coordinates'];
/** Parameter names tried on every route, beside the ones its OpenAPI entry lists. */
const GENERIC_PARAMS = ['lng', 'lat', 'bbox', 'region', 'limit', 'minutes', 'version', 'id'];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonp',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json, text/plain',
  '',
];

// ---------- generation ----------

type RouteInfo = {
  method: string;
  path: string;
  /** Query parameters and JSON body fields the route's OpenAPI entry lists. */
  params: string[];
  bodyFields: string[];
  baseline: Record<string, string>;
};
type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
};

function queryString(params: [string, string][]): string {
  if (!params.length) return '';
  return `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

function fillPath(path: string, id: string) {
  return path.replace(/:[A-Za-z_]+/g, id).replace(/\*[A-Za-z_]*/g, id);
}

/** Every bad request for one route (before sampling), each with a category. */
function casesFor(route: RouteInfo, validId: string): FuzzRequest[] {
  const cases: FuzzRequest[] = [];
  const hasPathParams = /[:*]/.test(route.path);
  const basePath = fillPath(route.path, validId);
  const baseline = Object.entries(route.baseline);
  const key = `${route.method} ${route.path}`;
  const takesBody = route.method !== 'GET' && route.method !== 'DELETE';
  const template = BODY_TEMPLATES[key] ?? {};
  const json = { 'Content-Type': 'application/json' };
  const add = (category: string, path: string, query: [string, string][], extra: Partial<FuzzRequest> = {}) =>
    cases.push({
      category,
      method: route.method,
      path: path + queryString(query),
      headers: takesBody && extra.body === undefined ? json : {},
      body: takesBody && extra.body === undefined ? toJson(template) : undefined,
      ...extra,
    });
  const withBody = (body: unknown, headers: Record<string, string> = json) => ({
    body: typeof body === 'string' ? body : toJson(body),
    headers,
  });

  // Query parameters: each name × each bad value, the other parameters kept valid.
  const names = [...new Set([...route.params, ...GENERIC_PARAMS])];
  for (const name of names) {
    const others = baseline.filter(([k]) => k !== name);
    for (const value of BAD_QUERY_VALUES) add(`query: bad value`, basePath, [...others, [name, value]]);
    const good = route.baseline[name] ?? '1';
    add('query: repeated', basePath, [...others, [name, good], [name, good]]);
    add('query: repeated', basePath, [...others, [name, good], [name, good], [name, good]]);
    add('query: array syntax', basePath, [...others, [`${name}[]`, good]]);
    add('query: array syntax', basePath, [...others, [`${name}[0]`, good], [`${name}[1]`, good]]);
    add('query: object syntax', basePath, [...others, [`${name}[a]`, good]]);
    add(
      'query: name only',
      `${basePath}${queryString(others)}${others.length ? '&' : '?'}${encodeURIComponent(name)}`,
      [],
    );
    if (route.baseline[name] !== undefined) add('query: missing', basePath, others);
  }
  for (const unknown of ['bogus', '__proto__', 'constructor', 'hasOwnProperty', 'toString', LONG.slice(0, 5000), '']) {
    add('query: unknown parameter', basePath, [...baseline, [unknown, '1']]);
  }
  for (const garbage of ['?&&&', '?=', '?==1', '?%', '?%zz=1', '?a=%E0%A4%A', `?${'a=1&'.repeat(1500)}`, '?;', '?#']) {
    add('query: malformed', basePath + garbage, []);
  }

  // Path parameters.
  if (hasPathParams) {
    for (const id of BAD_PATH_IDS)
      add('path: bad id', fillPath(route.path, encodeURI(id).replace(/%25/g, '%')), baseline);
  }

  // Bodies on routes that don't read one: they must be ignored, not parsed.
  if (!takesBody) {
    add('body: on a route without one', basePath, baseline, withBody('['.repeat(100_000) + ']'.repeat(100_000)));
    add('body: on a route without one', basePath, baseline, withBody('{'));
    return cases;
  }

  // Bodies.
  for (const text of MALFORMED_JSON) add('body: malformed JSON', basePath, baseline, withBody(text));
  add('body: empty', basePath, baseline, withBody(''));
  add('body: none', basePath, baseline, { body: undefined, headers: {} });
  for (const type of CONTENT_TYPES)
    add(
      'body: wrong content type',
      basePath,
      baseline,
      withBody(toJson(template), type ? { 'Content-Type': type } : {}),
    );
  add(
    'body: wrong content type',
    basePath,
    baseline,
    withBody('username=a&password=b', { 'Content-Type': 'application/x-www-form-urlencoded' }),
  );
  add('body: bad encoding', basePath, baseline, withBody('not gzip', { ...json, 'Content-Encoding': 'gzip' }));
  add('body: bad encoding', basePath, baseline, withBody('{}', { ...json, 'Content-Encoding': 'compress' }));
  for (const depth of [33, 200, 10_000, 300_000]) {
    add('body: deep nesting', basePath, baseline, withBody('['.repeat(depth) + ']'.repeat(depth)));
    add('body: deep nesting', basePath, baseline, withBody(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
  }
  for (const bytes of [20_000, 1_200_000]) {
    add('body: too large', basePath, baseline, withBody({ ...template, padding: 'x'.repeat(bytes) }));
  }
  add(
    'body: too large',
    basePath,
    baseline,
    withBody({
      ...template,
      geometry: { type: 'LineString', coordinates: Array.from({ length: 120_000 }, (_, i) => [106 + i * 1e-6, 26.6]) },
    }),
  );

  const fields = [...new Set([...Object.keys(template), ...route.bodyFields, ...GENERIC_FIELDS])];
  for (const field of fields) {
    for (const value of BAD_JSON_VALUES) {
      const category = BAD_GEOMETRIES.includes(value) ? 'body: bad geometry' : 'body: bad field value';
      add(category, basePath, baseline, withBody({ ...template, [field]: value }));
    }
    if (field in template) {
      const { [field]: _dropped, ...rest } = template;
      add('body: missing field', basePath, baseline, withBody(rest));
    }
  }
  add('body: unknown field', basePath, baseline, withBody({ ...template, bogus: 1 }));
  add(
    'body: unknown field',
    basePath,
    baseline,
    withBody(`${toJson(template).slice(0, -1)}${Object.keys(template).length ? ',' : ''}"__proto__":{"role":"admin"}}`),
  );
  add(
    'body: unknown field',
    basePath,
    baseline,
    withBody({ ...template, constructor: { prototype: { role: 'admin' } } }),
  );
  add('body: duplicate keys', basePath, baseline, withBody(`{"name":"a","name":${toJson(LONG)}}`));
  for (const geometry of BAD_GEOMETRIES) {
    add('body: bad geometry', basePath, baseline, withBody(geometry));
    add('body: bad geometry', basePath, baseline, withBody({ type: 'Feature', properties: template, geometry }));
    add(
      'body: bad geometry',
      basePath,
      baseline,
      withBody({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] }),
    );
  }
  return cases;
}

/** Valid query parameters for the routes that require some, so one bad value reaches its own check. */
function baselines(regionId: number): Record<string, Record<string, string>> {
  const point = { lng: '106.605', lat: '26.605' };
  return {
    '/api/stations/nearest': point,
    '/api/stations/reachable': point,
    '/api/isochrones': point,
    '/api/here': point,
    '/api/coverage': { region: String(regionId) },
    '/api/audit': { region: String(regionId) },
    '/api/stations/:id': { version: '1' },
  };
}

// ---------- database state ----------

/** Tables that a refused request may legitimately write: failed sign-ins are counted on purpose. */
const BOOKKEEPING = new Set(['auth_throttle', 'spatial_ref_sys', 'kysely_migration', 'kysely_migration_lock']);

/**
 * Row counts of every table, an md5 of the contents of each small one (so an UPDATE shows, minus
 * token use times), and `data_version`.
 */
export async function databaseState(database: Database): Promise<string> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(database.db);
  const parts: string[] = [];
  for (const { table_name } of tables) {
    if (BOOKKEEPING.has(table_name)) continue;
    const { rows } = await sql<{ n: string; digest: string | null }>`
      SELECT count(*)::text AS n,
        CASE WHEN count(*) <= 5000
          THEN md5(string_agg((to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text, ',' ORDER BY (to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text))
        END AS digest
      FROM ${sql.table(table_name)} AS t`.execute(database.db);
    parts.push(`${table_name}=${rows[0]!.n}:${rows[0]!.digest ?? ''}`);
  }
  const { rows } = await sql<{ versions: string | null }>`
    SELECT string_agg(table_name || version, ',' ORDER BY table_name) AS versions FROM data_version`.execute(
    database.db,
  );
  parts.push(`data_version=${rows[0]!.versions ?? ''}`);
  return parts.join(' ');
}

function stateDifference(before: string, after: string): string {
  const a = new Map(before.split(' ').map((p) => p.split('=') as [string, string]));
  return after
    .split(' ')
    .map((p) => p.split('=') as [string, string])
    .filter(([k, v]) => a.get(k) !== v)
    .map(([k, v]) => `${k}: ${a.get(k)} → ${v}`)
    .join('; ');
}

// ---------- seeding ----------

/** A district, a subdistrict, a community and three stations: enough for ids that exist. */
export async function seedFuzzData(database: Database) {
  const ids = await seedRegions(database, [
    { code: '520115', name: '观山湖区', level: 'district', geometry: rectangle(106.55, 26.55, 106.7, 26.7) },
    {
      code: '520115001',
      name: '金阳街道',
      level: 'subdistrict',
      parentCode: '520115',
      geometry: rectangle(106.55, 26.55, 106.65, 26.65),
    },
    {
      code: '520115001001',
      name: '示范社区',
      level: 'community',
      parentCode: '520115001',
      geometry: rectangle(106.6, 26.6, 106.61, 26.61),
    },
  ]);
  await seedStations(database, [
    { type: 'Feature', properties: { name: 'A' }, geometry: { type: 'Point', coordinates: [106.601, 26.601] } },
    {
      type: 'Feature',
      properties: { name: 'B', kind: 'party_service_centre' },
      geometry: { type: 'Point', coordinates: [106.606, 26.607] },
    },
    {
      type: 'Feature',
      properties: { name: 'C', status: 'planned' },
      geometry: { type: 'Point', coordinates: [106.62, 26.63] },
    },
  ]);
  return { districtId: ids.get('520115')!, communityId: ids.get('520115001001')! };
}

// ---------- running ----------

const STACK_OR_INTERNALS = [
  /\n\s+at /,
  /\bat [\w.<>]+ \(/,
  /\/(work|home|tmp|usr|node_modules)\//,
  /file:\/\//,
  /\.(ts|js|mjs|cjs):\d+/,
  /syntax error at or near/i,
  /out of range for type/i,
  /invalid input syntax for/i,
  /violates (not-null|foreign key|check|unique) constraint/i,
  /duplicate key value/i,
  /relation "[^"]*"/,
  /column "[^"]*"/,
  /function [\w.]+\(.*\) does not exist/,
  /\b(lwgeom|GEOSContains|ST_[A-Z]\w+)\b/,
  /current transaction is aborted/i,
  /ZodError|TypeError|ReferenceError|RangeError/,
];

function send(port: number, agent: http.Agent, request: FuzzRequest) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A server that refuses a large body early may close while we still write: the answer still counts.
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

function check(status: number, text: string): string | null {
  if (status >= 500) return `status ${status}`;
  for (const pattern of STACK_OR_INTERNALS) if (pattern.test(text)) return `body matches ${pattern}`;
  if (status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      return 'a 4xx whose body is not JSON';
    }
    if (typeof body.error?.code !== 'string' || !body.error.code) return 'a 4xx without error.code';
    if (typeof body.error.message !== 'string' || !body.error.message.trim()) return 'a 4xx without error.message';
  }
  return null;
}

const describeRequest = (r: FuzzRequest, caller: string) =>
  `${caller} ${r.method} ${r.path.length > 160 ? `${r.path.slice(0, 160)}…` : r.path}${
    r.body !== undefined ? ` body ${String(r.body).slice(0, 120)}${String(r.body).length > 120 ? '…' : ''}` : ''
  } [${r.category}]`;

/**
 * Sends `total` generated bad requests (spread evenly over routes × callers, every category
 * represented) and returns the counts and every failed check. Seeded: the same seed sends the same
 * requests.
 */
export async function runFuzz(options: {
  app: Express;
  database: Database;
  callers: Caller[];
  total: number;
  seed: number;
  regionId: number;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<FuzzReport> {
  const started = performance.now();
  const random = mulberry32(options.seed);
  const concurrency = options.concurrency ?? 4;
  const table = routeTable(options.app);
  // The OpenAPI document is built from the same route table and the routes' own zod schemas.
  // (An app whose routes it doesn't describe, such as the fuzzer's own self-test, is fuzzed blind.)
  let documented: Record<string, Record<string, Operation>> = {};
  try {
    documented = (openApiDocument(table) as unknown as { paths: typeof documented }).paths;
  } catch {
    documented = {};
  }
  const base = baselines(options.regionId);
  const routes: RouteInfo[] = table
    .filter((r) => r.path.startsWith('/api'))
    .map((r) => {
      const operation = documented[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      const bodySchema = operation?.requestBody?.content?.['application/json']?.schema;
      return {
        method: r.method,
        path: r.path,
        params: (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: Object.keys(bodySchema?.properties ?? {}),
        baseline: base[r.path] ?? {},
      };
    });

  // Sample each route × caller's cases: round-robin over categories, shuffled within each.
  const perPair = Math.ceil(options.total / (routes.length * options.callers.length));
  const plan: { caller: Caller; route: RouteInfo; requests: FuzzRequest[] }[] = [];
  for (const route of routes) {
    const all = casesFor(route, UUID);
    const byCategory = new Map<string, FuzzRequest[]>();
    for (const c of all) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
    for (const caller of options.callers) {
      const pools = [...byCategory.values()].map((pool) => {
        const copy = [...pool];
        for (let i = copy.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [copy[i], copy[j]] = [copy[j]!, copy[i]!];
        }
        return copy;
      });
      // Categories in a different order for each caller, so that few requests per pair still cover them all.
      for (let i = pools.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pools[i], pools[j]] = [pools[j]!, pools[i]!];
      }
      const chosen: FuzzRequest[] = [];
      for (let i = 0; chosen.length < Math.min(perPair, all.length); i++) {
        const pool = pools[i % pools.length]!;
        const next = pool.shift();
        if (next) chosen.push({ ...next, headers: { ...next.headers, ...caller.headers } });
      }
      plan.push({ caller, route, requests: chosen });
    }
  }

  const report: FuzzReport = {
    requests: 0,
    routes: routes.length,
    byStatus: {},
    byCategory: {},
    accepted: {},
    acceptedRequests: [],
    failures: [],
    writeChecks: 0,
    seconds: 0,
  };
  const total = plan.reduce((n, p) => n + p.requests.length, 0);
  const server = options.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const BATCH = 40;
    for (const { caller, route, requests } of plan) {
      for (let start = 0; start < requests.length; start += BATCH) {
        const batch = requests.slice(start, start + BATCH);
        const before = await databaseState(options.database);
        let allRefused = true;
        let next = 0;
        const worker = async () => {
          while (next < batch.length) {
            const request = batch[next++]!;
            let answer: { status: number; text: string };
            try {
              answer = await send(port, agent, request);
            } catch (error) {
              answer = { status: 0, text: String(error) };
            }
            report.requests++;
            report.byStatus[answer.status] = (report.byStatus[answer.status] ?? 0) + 1;
            report.byCategory[request.category] = (report.byCategory[request.category] ?? 0) + 1;
            if (answer.status < 400) {
              allRefused = false;
              const key = `${caller.name} ${route.method} ${route.path} → ${answer.status}`;
              report.accepted[key] = (report.accepted[key] ?? 0) + 1;
              if (report.acceptedRequests.length < 1000)
                report.acceptedRequests.push({
                  caller: caller.name,
                  route: `${route.method} ${route.path}`,
                  category: request.category,
                  request: describeRequest(request, caller.name),
                  status: answer.status,
                  strictQuery: route.params.length > 0,
                });
            }
            const problem = answer.status === 0 ? `no answer (${answer.text})` : check(answer.status, answer.text);
            if (problem)
              report.failures.push({
                request: describeRequest(request, caller.name),
                status: answer.status,
                problem,
                body: answer.text.slice(0, 300),
              });
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        if (allRefused) {
          const after = await databaseState(options.database);
          report.writeChecks++;
          if (after !== before)
            report.failures.push({
              request: `${caller.name} ${route.method} ${route.path}: a batch of ${batch.length} refused requests`,
              status: 0,
              problem: `the database changed: ${stateDifference(before, after)}`,
              body: '',
            });
        }
        options.onProgress?.(report.requests, total);
      }
    }
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** A few lines for the console: totals, statuses, categories, accepted requests and failures. */
export function formatReport(report: FuzzReport): string {
  const sorted = (o: Record<string, number>) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n');
  const failures = report.failures.slice(0, 30).map((f) => `  ${f.problem}: ${f.request}\n    ${f.body}`);
  return [
    `${report.requests} requests to ${report.routes} routes in ${report.seconds.toFixed(1)} s (${(report.requests / report.seconds).toFixed(0)}/s); ${report.writeChecks} write checks`,
    `by status:\n${sorted(report.byStatus)}`,
    `by category:\n${sorted(report.byCategory)}`,
    `accepted (2xx/3xx), not failures:\n${sorted(report.accepted) || '  none'}`,
    `failures: ${report.failures.length}${failures.length ? `\n${failures.join('\n')}` : ''}`,
  ].join('\n');
}
