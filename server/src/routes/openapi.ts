import { z } from 'zod';
import {
  AuditQuery,
  AuditSitesBody,
  BasemapQuery,
  CoverageQuery,
  CreateStationBody,
  CreateGridBody,
  CreateZoneBody,
  DeleteAreaQuery,
  GridChangesBody,
  MergeGridsBody,
  CommunityHistoryQuery,
  RenumberGridsBody,
  RestoreAreaBody,
  SplitGridBody,
  UpdateGridBody,
  UpdateZoneBody,
  CreateTokenBody,
  CreateUserBody,
  DeleteStationQuery,
  LoginBody,
  UpdateStationBody,
  UpdateUserBody,
  GridsQuery,
  HereQuery,
  IsochronesQuery,
  NearestQuery,
  ReachableQuery,
  RegionsQuery,
  DraftGridsBody,
  StationsQuery,
  ZonesQuery,
  ExportQuery,
  ImportQuery,
} from '../contracts';
import { type RouteEntry, describeRule } from './access';

type Endpoint = {
  method?: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is a file's bytes rather than JSON: its media type and what it holds. */
  fileBody?: { type: string; description: string };
  response: string;
  /** Status codes beyond 200 and 400 that this endpoint answers with, and why. */
  errors?: Record<string, string>;
};

const WRITE_ERRORS = {
  '403': "Outside the planner's scope (outside_scope), the wrong role (forbidden), or no CSRF token (csrf_failed)",
  '404': 'No such station',
  '409': 'version_conflict: the station changed since the version named; details.current holds it',
  '415': 'The body is not application/json',
};

const ENDPOINTS: Endpoint[] = [
  { path: '/health', summary: 'Liveness, database mode and PostGIS version', response: 'HealthResponse' },
  {
    path: '/config',
    summary: 'What the web app needs before it draws (basemap, bounds, speeds)',
    response: 'ConfigResponse',
  },
  {
    path: '/regions',
    summary: 'Districts, subdistricts (街道/镇) and communities (社区/村)',
    query: RegionsQuery,
    response: 'FeatureCollection<MultiPolygon, RegionProps>',
  },
  {
    path: '/regions/{id}/topology',
    summary:
      'The whole-community check: gaps, overlaps, slivers, zones outside their grid, grids outside the community',
    description:
      'id is a community. gaps: uncovered pieces (cracks under 1 m wide or 1 m² left out as noise) with their area, residents (household demand weights) and neighbouring grids, each with a give_to_neighbour fix (the neighbour unioned with the gap: PATCH it on that grid). overlaps: sibling pairs overlapping by more than 1 m². slivers: grid parts under 2 m wide or 20 m². zonesOutsideGrid / gridsOutsideCommunity: parts more than 1 m outside, with clip_to_grid / clip_to_community fixes. ok is true when every list is empty. Admins and officials anywhere, planners inside their scopes.',
    response: 'TopologyResponse',
    errors: {
      '400':
        'invalid_request (a malformed id, any query parameter), or not_a_community: the region is a district or subdistrict',
      '403': 'outside_scope: a planner asked for a community outside their scopes',
      '404': 'Unknown region',
    },
  },
  {
    method: 'post',
    path: '/regions/{id}/draft-grids',
    summary: 'A draft of balanced grids for a community, from its street blocks and household demand (not saved)',
    description:
      'id is a community. Give exactly one of grids (how many) or households_per_grid. The community is cut into street blocks (its roads polygonized; blocks holding more households than balance allows are cut by straight lines through their demand), and the blocks are split into contiguous grids by recursive bisection and spanning-tree starts improved by local moves, balancing households (residents over persons per household) with a compactness penalty. Answers a FeatureCollection of single polygons that tile the community, each with households, population, polsby_popper, blocks, and a summary: the largest-to-smallest ratio of households (bound 1.2, aim 1.1), the worst Polsby-Popper score, contiguity, the cuts, the time, and the same figures for plain k-means of the demand points. Save it through POST /api/grids. Admins anywhere, planners inside their scopes.',
    body: DraftGridsBody,
    response: 'DraftGridsResponse',
    errors: {
      '400':
        'invalid_request (not exactly one of grids and households_per_grid, a malformed number or id), not_a_community, no_demand (no household demand points), too_many_grids (more grids than demand points or street blocks), too_few_grids (fewer grids than separate parts of the community)',
      '403': 'outside_scope: a planner asked for a community outside their scopes; forbidden for other roles',
      '404': 'Unknown region',
      '415': 'The body is not application/json',
    },
  },
  {
    path: '/grids',
    summary: 'Grids (网格) intersecting a bbox',
    query: GridsQuery,
    response: 'FeatureCollection<MultiPolygon, GridProps>',
  },
  {
    path: '/zones',
    summary: 'Responsibility zones (责任区域) intersecting a bbox, with their responsible unit',
    query: ZonesQuery,
    response: 'FeatureCollection<MultiPolygon, ZoneProps>',
  },
  {
    path: '/stations',
    summary: 'Stations (驿站, service centres) filtered by bbox, kind and amenity',
    query: StationsQuery,
    response: 'FeatureCollection<Point, StationProps>',
  },
  {
    path: '/stations/nearest',
    summary: 'The nearest stations, by geodesic metres or by walking or e-bike time on the streets',
    description:
      'mode=straight: ordered by distance on the WGS84 spheroid (properties.distance_m). mode=walk|ebike: ordered by travel time, each with duration_s, distance_m along the route, walk_s, ebike_s and the route (a LineString from the point to the door); 422 when no street is within 500 m. Filters (kind, amenity, open at open_at) apply before the limit.',
    query: NearestQuery,
    response: 'FeatureCollection<Point, NearestStationProps>',
  },
  {
    path: '/here',
    summary: 'Who is responsible here: community, grid, zone with its unit, nearest station',
    query: HereQuery,
    response: 'HereResponse',
  },
  {
    path: '/coverage',
    summary: 'Service-circle coverage of a region: circles, gaps and figures per child region',
    description:
      "method=radius: each active station gets a geodesic circle of speed × minutes (walk 80 m/min, e-bike 250 m/min). method=network: the stations' street-network isochrones instead.",
    query: CoverageQuery,
    response: 'CoverageResponse',
  },
  {
    path: '/audit',
    summary: 'Coverage audit of a region: gaps by community and grid, tables, uncovered H3 cells, redundancy',
    description:
      'Officials and admins anywhere, planners inside their scopes. Residents = household demand points, workers = worker points; figures name the stations used and those left out (planned, suspended, off the street network), and carry data_version and computed_at.',
    query: AuditQuery,
    response: 'AuditResponse',
    errors: { '403': 'outside_scope: a planner asked for a region outside their scopes', '404': 'Unknown region' },
  },
  {
    path: '/isochrones',
    summary: 'Street-network isochrones from a point: one polygon per band',
    description:
      'Follows the streets (walk 4.8 km/h, e-bike 15 km/h, car by road class; oneway for car). Bands nest; unreachable pockets are holes; land more than 50 m from a reached street is left out.',
    query: IsochronesQuery,
    response: 'FeatureCollection<MultiPolygon, IsochroneProps>',
  },
  {
    path: '/stations/reachable',
    summary: 'Stations that reach a point within the minutes on the street network, fastest first',
    description:
      'duration_s = network_s along the streets + walk_m on foot at 80 m/min (from the station to its street, and from the point to its street).',
    query: ReachableQuery,
    response: 'FeatureCollection<Point, ReachableStationProps>',
  },
  {
    path: '/basemap',
    summary: 'Roads and water for the offline basemap',
    query: BasemapQuery,
    response: 'FeatureCollection',
  },
  {
    path: '/export/{layer}',
    summary: 'One layer as a file: GeoJSON, CSV, zipped Shapefile or KML, in WGS84, GCJ-02 or BD-09',
    description:
      "layer: regions, grids, zones, stations, demand or roads. The attachment's attribute names are those the importer (npm run import) recognises, so an export imports back as it was. format=csv of grids is the grid table (code, name, community, area, households, population, grid worker and phone, and the zones with their units); points carry lng/lat, other shapes a wkt column. shp is a zip with .shp, .shx, .dbf, .prj (WGS84's, also for GCJ-02 and BD-09, which have none; a README.txt says so) and a UTF-8 .cpg. Coordinates to 8 decimals. Grid workers' names and phones only for callers who may see them (X-Export-Personal-Data says which).",
    query: ExportQuery,
    response: 'The file (Content-Disposition: attachment)',
    errors: { '400': 'invalid_request: an unknown layer, format or crs' },
  },
  {
    method: 'post',
    path: '/import/{layer}',
    summary: 'Import a file into a layer, with the checks of npm run import: dry run (report and preview) or commit',
    description:
      "layer: grids, zones or stations (planners, inside their scopes: a feature whose community lies outside is an outside_scope problem); also regions and demand (admins). The body is the file: GeoJSON, KML/KMZ, a zipped Shapefile (.prj and .cpg honoured) or CSV (lng/lat columns or WKT), the format from file_name's extension unless format says. crs converts from GCJ-02 or BD-09 (WGS84 when left out). Answers { report, preview }: report as npm run import reports it (problems [{ number, label, rule, message }], refusals, notes, fields used, crsCheck, written, changeId); preview a FeatureCollection of every feature of the file in WGS84, properties { number, label, ok, problems (messages), rules, name, code }. A dry run writes nothing and answers 200 even with problems. A commit writes all of the file or nothing; grids and zones go into the history as one change (action import, under the caller's name), undone by deleting the imported rows or restoring the replaced ones.",
    query: ImportQuery,
    fileBody: {
      type: 'application/octet-stream',
      description: "The file's bytes, at most 20 MB.",
    },
    response: 'ImportResponse: { report: ImportReportBody, preview: ImportPreview }',
    errors: {
      '400':
        'invalid_request (an unknown layer or option, file_name without a known extension), body_required, or import_unreadable: the file cannot be read, or an option does not fit it (code_field names no field of the file, parent no region)',
      '403': 'forbidden: regions and demand need an admin; outside_scope: a planner asked for mode=replace of stations',
      '413': 'body_too_large: the file is over 20 MB',
      '415': 'unsupported_media_type: the body is not application/octet-stream',
      '422': 'import_refused: the checks refused the commit, nothing was written; details { report, preview }',
    },
  },
  { path: '/openapi.json', summary: 'This document', response: 'OpenAPI 3.1' },
  {
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in: sets the httpOnly session cookie and returns the account with its CSRF token',
    description:
      'Unknown accounts and wrong passwords get the same 401. Failed sign-ins are slowed, then locked for 15 minutes (5 per account name, 20 per address, within 15 minutes): 429 with Retry-After.',
    body: LoginBody,
    response: 'MeResponse',
    errors: { '401': 'invalid_credentials', '429': 'too_many_attempts or rate_limited, with Retry-After' },
  },
  {
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out: ends the session at once and clears the cookie',
    response: '204 No Content',
  },
  {
    path: '/auth/me',
    summary: 'The signed-in account: username, role, scopes, and the CSRF token for writes',
    response: 'MeResponse',
    errors: { '401': 'unauthenticated, or session_expired when the cookie names an ended session' },
  },
  { path: '/auth/tokens', summary: "The caller's personal API tokens (never the secret)", response: 'TokenProps[]' },
  {
    method: 'post',
    path: '/auth/tokens',
    summary: 'Create a personal API token for scripts (Authorization: Bearer <token>); shown once',
    body: CreateTokenBody,
    response: '201 CreatedTokenResponse',
  },
  {
    method: 'delete',
    path: '/auth/tokens/{id}',
    summary: 'Revoke one of your tokens; it stops working at once',
    response: '204 No Content',
    errors: { '404': 'Not one of your active tokens' },
  },
  { path: '/users', summary: 'Accounts with their roles and scopes', response: 'UserProps[]' },
  {
    method: 'post',
    path: '/users',
    summary: 'Create an account; planners get scopes (subdistrict or community ids)',
    body: CreateUserBody,
    response: '201 UserProps',
    errors: { '409': 'username_taken' },
  },
  { path: '/users/{id}', summary: 'One account', response: 'UserProps', errors: { '404': 'No such account' } },
  {
    method: 'patch',
    path: '/users/{id}',
    summary: 'Change an account: role, scopes, display name, password, disabled',
    description: "A new password or disabling ends the account's sessions at once.",
    body: UpdateUserBody,
    response: 'UserProps',
    errors: { '404': 'No such account', '409': 'last_admin or self_disable' },
  },
  {
    method: 'post',
    path: '/stations',
    summary: 'Add a station (planners inside their scope, admins anywhere)',
    body: CreateStationBody,
    response: '201 Feature<Point, StationProps>',
    errors: WRITE_ERRORS,
  },
  {
    method: 'post',
    path: '/audit/sites',
    summary: 'Where new stations should go: MCLP (k sites) or LSCP (the fewest for target_share)',
    description:
      "Candidates from the body, or public buildings not yet counted and the centres of uncovered H3 cells. Solved exactly with HiGHS (reporting the MIP gap, and greedy's shortfall) or by lazy greedy for large problems.",
    body: AuditSitesBody,
    response: 'AuditSitesResponse',
    errors: { '403': 'outside_scope: a planner asked for a region outside their scopes', '404': 'Unknown region' },
  },
  {
    method: 'patch',
    path: '/stations/{id}',
    summary: 'Edit a station, naming the version the edit is based on',
    body: UpdateStationBody,
    response: 'Feature<Point, StationProps> at version + 1',
    errors: WRITE_ERRORS,
  },
  {
    method: 'delete',
    path: '/stations/{id}',
    summary: 'Delete a station: ?version=N, the version you saw',
    query: DeleteStationQuery,
    response: '204 No Content',
    errors: WRITE_ERRORS,
  },
  ...areaWriteEndpoints(),
];

/** Grid and zone writes (issue 7): each save runs the grid rules in PostGIS and may answer 422 with fixes. */
function areaWriteEndpoints(): Endpoint[] {
  const errors = (what: string) => ({
    ...WRITE_ERRORS,
    '404': `No such ${what} (or no such version to restore)`,
    '409': `version_conflict: the ${what} changed since the version named; details.current holds it`,
    '422':
      'grid_rule: details { rule (valid_geometry, inside_parent, no_overlap, no_sliver), others, geometry (the offending part), fixes [{ kind, description, geometry }] }',
  });
  const grid = errors('grid');
  const zone = errors('zone');
  return [
    {
      method: 'post',
      path: '/grids',
      summary: 'Draw a grid (community found by containment when left out)',
      body: CreateGridBody,
      response: '201 GridFeature at version 1',
      errors: grid,
    },
    {
      method: 'patch',
      path: '/grids/{id}',
      summary: 'Edit a grid, naming the version the edit is based on',
      description: 'zonesOutside lists the zones a boundary move leaves sticking out, each with a clip_to_grid fix.',
      body: UpdateGridBody,
      response: 'GridFeature at version + 1',
      errors: grid,
    },
    {
      method: 'delete',
      path: '/grids/{id}',
      summary: 'Delete a grid: ?version=N; its area becomes a gap, reported in the answer',
      description:
        'Its zones stay, in no grid (orphanedZones), each at version + 1 with a history row in the same change; restoring the grid takes them back.',
      query: DeleteAreaQuery,
      response: 'AreaDeleted',
      errors: grid,
    },
    {
      method: 'post',
      path: '/grids/{id}/split',
      summary: 'Split a grid along a line drawn across it',
      body: SplitGridBody,
      response: 'FeatureCollection of the pieces (the largest keeps the id)',
      errors: { ...grid, '422': 'split_line: the line does not cut the grid in two; or grid_rule for a piece' },
    },
    {
      method: 'post',
      path: '/grids/merge',
      summary: 'Merge adjacent grids of one community into the first',
      body: MergeGridsBody,
      response: 'GridFeature',
      errors: { ...grid, '422': 'not_same_community or not_adjacent' },
    },
    {
      method: 'post',
      path: '/grids/changes',
      summary: "Several writes to one community's grids as one change (shared-vertex moves, undo, redo)",
      description:
        'Each change is update (id, version, geometry?, properties?), delete (id, version), revive (a deleted grid under its own id: id, the version deleted, geometry, properties) or create (geometry, properties). All of it or none, in one transaction: the writes go in first, then every touched grid is checked against its siblings as they then are (valid, inside the community to 1 m, no overlap beyond 1 m², no sliver). History rows share one changeId.',
      body: GridChangesBody,
      response:
        'GridChangesResult: changeId, the grids left standing at their new versions, the deleted ones with the version deleted, and the gap',
      errors: {
        ...grid,
        '400': 'invalid_request: a grid of another community, or the same grid twice',
        '409': 'version_conflict: a grid changed since the version named (details.current)',
        '422': 'grid_rule for the first grid that breaks a rule (the message names it), with the fixes',
      },
    },
    {
      method: 'post',
      path: '/grids/renumber',
      summary: "Renumber the CJ/T 349-2010 sequence of a community's grids west to east, north to south",
      description:
        "Send every grid of the community at the version you saw. Rows run north to south (grids whose point on surface lies within half the median grid height of the row's northernmost form one row), each row west to east. One change: history rows with action renumber share one changeId; grids whose code stays keep their version.",
      body: RenumberGridsBody,
      response: 'RenumberedGrids: FeatureCollection of every grid in sequence order, with changeId and renumbered',
      errors: {
        ...grid,
        '400':
          "invalid_request: the list is not exactly the community's grids (details.missing, details.notInCommunity)",
        '404': 'No such community',
        '409':
          'version_conflict: a grid changed since the version named (details.current); or code_taken: a grid of another community holds one of the new codes',
        '422': 'not_a_community, or sequence_full',
      },
    },
    {
      method: 'get',
      path: '/grids/history',
      summary: "A community's grid and zone history, newest first, paged",
      description:
        'Each entry: id (pass as before for the next page), table, rowId, version, action, at, changedBy, changeId, code, name, and changed (geometry and the columns that changed, no values). next is null on the last page.',
      query: CommunityHistoryQuery,
      response: 'CommunityHistory',
      errors: {
        '403': "outside_scope: the community is outside the planner's scopes",
        '404': 'No such community',
        '422': 'not_a_community: the region is a 街道 or 区',
      },
    },
    {
      method: 'get',
      path: '/grids/{id}/history',
      summary: "A grid's history: every version with before and after",
      response: 'EditHistory',
      errors: { '404': 'No such grid, nor any history of it' },
    },
    {
      method: 'post',
      path: '/grids/{id}/restore',
      summary: 'Save an earlier version of a grid as a new version; a deleted grid comes back under its id',
      description:
        "For a deleted grid, version is the version deleted (the last history entry) and it returns at version + 1, with its old code unless taken since, and the zones its delete left in no grid. geometry (optional) saves a fix a 422 offered instead of to_version's geometry. 409 for a deleted grid has details.current null.",
      body: RestoreAreaBody,
      response: 'GridFeature at version + 1',
      errors: grid,
    },
    {
      method: 'post',
      path: '/zones',
      summary: 'Draw a responsibility zone inside its grid',
      body: CreateZoneBody,
      response: '201 ZoneFeature at version 1',
      errors: zone,
    },
    {
      method: 'patch',
      path: '/zones/{id}',
      summary: 'Edit a zone, naming the version the edit is based on',
      body: UpdateZoneBody,
      response: 'ZoneFeature at version + 1',
      errors: zone,
    },
    {
      method: 'delete',
      path: '/zones/{id}',
      summary: 'Delete a zone: ?version=N; its area becomes a gap in its grid',
      query: DeleteAreaQuery,
      response: 'AreaDeleted',
      errors: zone,
    },
    {
      method: 'get',
      path: '/zones/{id}/history',
      summary: "A zone's history: every version with before and after",
      response: 'EditHistory',
      errors: { '404': 'No such zone, nor any history of it' },
    },
    {
      method: 'post',
      path: '/zones/{id}/restore',
      summary: 'Save an earlier version of a zone as a new version; a deleted zone comes back under its id',
      description:
        'As for grids. A deleted zone returns to its grid, or to the grid of its community that holds it now; none gives 422 no_grid.',
      body: RestoreAreaBody,
      response: 'ZoneFeature at version + 1',
      errors: { ...zone, '422': `${zone['422']}; or no_grid` },
    },
  ];
}

/** The OpenAPI path of an Express route: `/stations/:id` → `/stations/{id}`. */
const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z_]+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document. Each operation's `x-access` (and its `security`) comes from the route's
 * own access rule in `routes`, so the document can't claim a rule the server doesn't apply; a route
 * without a row above makes this throw, so every route is described.
 */
export function openApiDocument(routes: RouteEntry[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes.filter((r) => r.path.startsWith('/api/'))) {
    const path = openApiPath(route.path.slice('/api'.length));
    const method = route.method.toLowerCase();
    const endpoint = ENDPOINTS.find((e) => e.path === path && (e.method ?? 'get') === method);
    if (!endpoint) throw new Error(`openapi.ts describes no ${route.method} ${route.path}; add it to ENDPOINTS`);
    const schema = endpoint.query
      ? (z.toJSONSchema(endpoint.query, { io: 'input', unrepresentable: 'any' }) as {
          properties?: Record<string, unknown>;
          required?: string[];
        })
      : undefined;
    const parameters = [
      ...[...path.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
        name,
        in: 'query',
        required: schema?.required?.includes(name) ?? false,
        schema: property,
      })),
    ];
    const rule = route.rule;
    const open = rule?.kind === 'public';
    (paths[`/api${path}`] ??= {})[method] = {
      summary: endpoint.summary,
      ...(endpoint.description ? { description: endpoint.description } : {}),
      'x-access': rule ? describeRule(rule) : 'none',
      ...(open ? {} : { security: [{ session: [] }, { token: [] }] }),
      parameters,
      ...(endpoint.fileBody
        ? {
            requestBody: {
              required: true,
              description: endpoint.fileBody.description,
              content: { [endpoint.fileBody.type]: { schema: { type: 'string', format: 'binary' } } },
            },
          }
        : {}),
      ...(endpoint.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: z.toJSONSchema(endpoint.body, { io: 'input', unrepresentable: 'any' }) },
              },
            },
          }
        : {}),
      responses: {
        [endpoint.response.startsWith('201') ? '201' : endpoint.response.startsWith('204') ? '204' : '200']: {
          description: endpoint.response.replace(/^20[14] /, ''),
          content: { 'application/json': {} },
        },
        '400': { description: 'Invalid input: { "error": { "code", "message", "details" } }' },
        ...(open ? {} : { '401': { description: 'Sign in first (unauthenticated, session_expired, invalid_token)' } }),
        ...(rule?.kind === 'roles' ? { '403': { description: `Needs the role ${describeRule(rule)}` } } : {}),
        ...(endpoint.path === '/coverage' ? { '404': { description: 'Unknown region' } } : {}),
        ...(['/isochrones', '/stations/reachable'].includes(endpoint.path)
          ? { '422': { description: 'No street usable by the mode within 500 m of the point' } }
          : {}),
        ...Object.fromEntries(
          Object.entries(endpoint.errors ?? {}).map(([code, description]) => [code, { description }]),
        ),
        '503': { description: 'database_unavailable, busy or timeout, with Retry-After' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wangge API',
      version: '0.2.0',
      description:
        'Grid governance map platform. Geometry is RFC 7946 GeoJSON (WGS84, [lng, lat]). Signed out, the API is the public map; signed in (session cookie plus X-CSRF-Token on writes, or a personal token), each role sees and edits what x-access says.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'wangge_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}
