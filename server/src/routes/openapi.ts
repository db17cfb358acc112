import { z } from 'zod';
import { BasemapQuery } from './basemap.routes';
import { CoverageQuery } from './coverage.routes';
import { GridsQuery } from './grids.routes';
import { HereQuery } from './here.routes';
import { RegionsQuery } from './regions.routes';
import { NearestQuery, ReachableQuery, StationsQuery } from './stations.routes';
import { IsochronesQuery } from './isochrones.routes';
import { ZonesQuery } from './zones.routes';

type Endpoint = { path: string; summary: string; description?: string; query?: z.ZodObject; response: string };

/** One row per endpoint; the query parameters come from the same zod schemas the routes validate with. */
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
    summary: 'The nearest stations by true geodesic distance',
    description: 'Ordered by distance on the WGS84 spheroid; each feature has properties.distance_m.',
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
];

export function openApiDocument() {
  const paths: Record<string, unknown> = {};
  for (const endpoint of ENDPOINTS) {
    const schema = endpoint.query
      ? (z.toJSONSchema(endpoint.query, { io: 'input', unrepresentable: 'any' }) as {
          properties?: Record<string, unknown>;
          required?: string[];
        })
      : undefined;
    const parameters = Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
      name,
      in: 'query',
      required: schema?.required?.includes(name) ?? false,
      schema: property,
    }));
    paths[`/api${endpoint.path}`] = {
      get: {
        summary: endpoint.summary,
        ...(endpoint.description ? { description: endpoint.description } : {}),
        parameters,
        responses: {
          '200': { description: endpoint.response, content: { 'application/json': {} } },
          '400': { description: 'Invalid input: { "error": { "code", "message", "details" } }' },
          ...(endpoint.path === '/coverage' ? { '404': { description: 'Unknown region' } } : {}),
          ...(['/isochrones', '/stations/reachable'].includes(endpoint.path)
            ? { '422': { description: 'No street usable by the mode within 500 m of the point' } }
            : {}),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wangge API',
      version: '0.1.0',
      description: 'Grid governance map platform. Geometry is RFC 7946 GeoJSON (WGS84, [lng, lat]).',
    },
    paths,
  };
}
