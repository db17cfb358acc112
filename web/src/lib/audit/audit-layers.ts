/**
 * The audit map's deck.gl layers, as a pure builder: the reach, the redundancy, the gaps coloured
 * by the people they leave out (split by community or by grid), the uncovered-demand hexagons,
 * the stations (used, or left out and why), the suggested sites and the outline of the chosen row.
 *
 * Hexagons are drawn as polygons from the response's geometry: `@deck.gl/geo-layers` (and so
 * H3HexagonLayer) is not a dependency, and the server already sends each cell's boundary.
 */
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { area, booleanPointInPolygon, centerOfMass, pointOnFeature, polygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { AuditGapProps, AuditResponse, StationCollection, StationKind } from '../types';
import type { SuggestedSite } from '../api/audit';
import { COLOURS, STATION_KIND_COLOURS, type Rgba } from '../layers/colours';
import type { InterleaveProps } from '../layers/interleave';
import { LABEL_FONT_FAMILY } from '../layers/labels';
import { gapFill, hexagonFill } from './audit-colours';
import type { GapSplit } from './audit-inputs';

export const AUDIT_REACH_LAYER_ID = 'audit-reach';
export const AUDIT_REDUNDANCY_LAYER_ID = 'audit-redundancy';
export const AUDIT_GAPS_LAYER_ID = 'audit-gaps';
export const AUDIT_GAP_LABELS_LAYER_ID = 'audit-gap-labels';
export const AUDIT_HEXAGONS_LAYER_ID = 'audit-hexagons';
export const AUDIT_OUTLINE_LAYER_ID = 'audit-outline';
export const AUDIT_STATIONS_LAYER_ID = 'audit-stations';
export const AUDIT_SITES_LAYER_ID = 'audit-sites';
export const AUDIT_SITE_LABELS_LAYER_ID = 'audit-site-labels';

/** How many of the worst gaps get their name written on the map (the rest on hover). */
export const GAP_LABEL_COUNT = 6;

/** What a station is in this audit: counted, or left out and why. */
export type AuditStationRole = 'used' | 'planned' | 'suspended' | 'off_network';

export type AuditStationPoint = {
  id: string;
  name: string;
  kind: StationKind;
  role: AuditStationRole;
  position: [number, number];
};

/**
 * Each station's role. Left-out stations come from the response (with the server's reason);
 * otherwise an active station of the audited kinds is counted, and planned or suspended ones are
 * shown as such. Active stations of other kinds play no part and are not drawn.
 */
export function auditStationPoints(stations: StationCollection, result: AuditResponse | null): AuditStationPoint[] {
  const leftOut = new Map(result?.stations.left_out_stations.map((station) => [station.id, station.reason]) ?? []);
  const kinds = new Set<StationKind>(result?.stations.kinds ?? []);
  const points: AuditStationPoint[] = [];
  for (const feature of stations.features) {
    const { id, name, kind, status } = feature.properties;
    const reason = leftOut.get(id);
    let role: AuditStationRole | null = reason ?? null;
    if (!role && kinds.has(kind)) role = status === 'active' ? 'used' : status;
    if (!role) continue;
    const [lng, lat] = feature.geometry.coordinates;
    points.push({ id, name, kind, role, position: [lng ?? 0, lat ?? 0] });
  }
  return points;
}

type GapFeature = AuditResponse['gaps']['features'][number];
type GapLabel = { text: string; position: [number, number] };

/** A label point inside the gap's largest polygon. */
function labelPoint(feature: Feature<MultiPolygon>): [number, number] | null {
  let largest: ReturnType<typeof polygon> | null = null;
  let largestArea = -1;
  for (const coordinates of feature.geometry.coordinates) {
    const candidate = polygon(coordinates);
    const candidateArea = area(candidate);
    if (candidateArea > largestArea) {
      largest = candidate;
      largestArea = candidateArea;
    }
  }
  if (!largest) return null;
  let centre = centerOfMass(largest);
  if (!booleanPointInPolygon(centre, largest)) centre = pointOnFeature(largest);
  const [lng, lat] = centre.geometry.coordinates;
  return [lng ?? 0, lat ?? 0];
}

/** The gaps of one split, most people left out first. */
export function gapsOfSplit(result: AuditResponse, split: GapSplit): GapFeature[] {
  return result.gaps.features.filter((feature) => feature.properties.split === split);
}

export function gapLabels(gaps: readonly GapFeature[], peopleWord: (people: number) => string): GapLabel[] {
  const labels: GapLabel[] = [];
  for (const gap of gaps.slice(0, GAP_LABEL_COUNT)) {
    if (!(gap.properties.people_left_out > 0)) continue;
    const position = labelPoint(gap);
    if (position)
      labels.push({ text: `${gap.properties.name}\n${peopleWord(gap.properties.people_left_out)}`, position });
  }
  return labels;
}

const STATION_ROLE_LINE: Record<AuditStationRole, Rgba> = {
  used: COLOURS.stationActiveLine,
  planned: [37, 99, 235, 255],
  suspended: COLOURS.stationInactiveLine,
  off_network: [120, 53, 15, 255],
};

export type AuditLayerOptions = {
  split: GapSplit;
  showReach: boolean;
  showGaps: boolean;
  showHexagons: boolean;
  showRedundancy: boolean;
  stations: readonly AuditStationPoint[];
  sites: readonly SuggestedSite[];
  /** The chosen table row's shape, outlined. */
  outline: Feature<Polygon | MultiPolygon> | null;
  /** Labels for the worst gaps; built by the caller so the words are in the page's language. */
  labels: readonly GapLabel[];
  /** A MapLibre layer to draw polygons under (the region boundaries). */
  beforeId?: string;
};

export function auditLayers(result: AuditResponse | null, options: AuditLayerOptions): Layer[] {
  const { beforeId } = options;
  const layers: Layer[] = [];
  if (result) {
    const gaps = gapsOfSplit(result, options.split);
    const maxPeople = gaps.reduce((max, gap) => Math.max(max, gap.properties.people_left_out), 0);
    const hexagons = result.hexagons.features;
    const maxHexagon = hexagons.reduce((max, cell) => Math.max(max, cell.properties.people), 0);
    layers.push(
      new GeoJsonLayer<{ minutes: number }, InterleaveProps>({
        id: AUDIT_REACH_LAYER_ID,
        data: result.reach.features,
        visible: options.showReach,
        beforeId,
        filled: true,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.2,
        getFillColor: [34, 197, 94, 45],
        getLineColor: COLOURS.coverageReachLine,
      }),
      new GeoJsonLayer<{ min_stations: 3; area_m2: number }, InterleaveProps>({
        id: AUDIT_REDUNDANCY_LAYER_ID,
        data: result.redundancy ? [result.redundancy] : [],
        visible: options.showRedundancy,
        beforeId,
        filled: true,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        getFillColor: [37, 99, 235, 70],
        getLineColor: [29, 78, 216, 200],
      }),
      new GeoJsonLayer<AuditGapProps, InterleaveProps>({
        id: AUDIT_GAPS_LAYER_ID,
        data: gaps,
        visible: options.showGaps,
        beforeId,
        pickable: true,
        autoHighlight: true,
        highlightColor: [17, 24, 39, 90],
        filled: true,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        getFillColor: (feature) => gapFill(feature.properties.people_left_out, maxPeople),
        getLineColor: COLOURS.gapLine,
        updateTriggers: { getFillColor: maxPeople },
      }),
      new GeoJsonLayer<AuditResponse['hexagons']['features'][number]['properties'], InterleaveProps>({
        id: AUDIT_HEXAGONS_LAYER_ID,
        data: hexagons,
        visible: options.showHexagons,
        beforeId,
        pickable: true,
        filled: true,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 0.6,
        getFillColor: (feature) => hexagonFill(feature.properties.people, maxHexagon),
        getLineColor: [76, 29, 149, 160],
        updateTriggers: { getFillColor: maxHexagon },
      }),
    );
  }
  layers.push(
    new GeoJsonLayer({
      id: AUDIT_OUTLINE_LAYER_ID,
      data: options.outline ? [options.outline] : [],
      pickable: true,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3.5,
      getFillColor: [250, 204, 21, 30],
      getLineColor: [17, 24, 39, 255],
    }),
    new TextLayer<GapLabel>({
      id: AUDIT_GAP_LABELS_LAYER_ID,
      data: [...options.labels],
      visible: options.showGaps,
      characterSet: 'auto',
      fontFamily: LABEL_FONT_FAMILY,
      fontWeight: 600,
      getText: (label) => label.text,
      getPosition: (label) => label.position,
      getSize: 12,
      getColor: [127, 29, 29, 255],
      outlineWidth: 8,
      outlineColor: COLOURS.labelOutline,
      fontSettings: { sdf: true, buffer: 10, radius: 12 },
      lineHeight: 1.15,
    }),
    new ScatterplotLayer<AuditStationPoint>({
      id: AUDIT_STATIONS_LAYER_ID,
      data: [...options.stations],
      pickable: true,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      stroked: true,
      getPosition: (station) => station.position,
      getRadius: (station) => (station.role === 'used' ? 3 : 5),
      getLineWidth: (station) => (station.role === 'used' ? 1 : 2),
      getFillColor: (station) =>
        station.role === 'used' ? [...STATION_KIND_COLOURS[station.kind], 255] : COLOURS.stationInactiveFill,
      getLineColor: (station) => STATION_ROLE_LINE[station.role],
    }),
    new ScatterplotLayer<SuggestedSite>({
      id: AUDIT_SITES_LAYER_ID,
      data: [...options.sites],
      pickable: true,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      stroked: true,
      getPosition: (site) => site.geometry.coordinates as [number, number],
      getRadius: 10,
      getLineWidth: 2,
      getFillColor: [17, 24, 39, 235],
      getLineColor: [250, 204, 21, 255],
    }),
    new TextLayer<SuggestedSite>({
      id: AUDIT_SITE_LABELS_LAYER_ID,
      data: [...options.sites],
      getText: (site) => String(site.properties.order),
      getPosition: (site) => site.geometry.coordinates as [number, number],
      getSize: 12,
      fontWeight: 700,
      getColor: [255, 255, 255, 255],
    }),
  );
  return layers;
}
