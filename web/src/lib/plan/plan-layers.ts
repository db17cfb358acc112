/**
 * The planner map's deck.gl layers: the community's grids (专属网格 in violet, as on the public map),
 * the neighbouring communities' grids faintly, labels where they fit, the selection, the drawn grid
 * waiting to be saved, a refused save's offending part in red, a fix's geometry dashed in green,
 * and the whole-community check's gaps, overlaps and slivers.
 */
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { bbox as turfBbox, booleanPointInPolygon, centerOfMass, pointOnFeature } from '@turf/turf';
import type { Feature, Geometry, MultiPolygon, Polygon } from 'geojson';
import { COLOURS, type Rgba } from '../layers/colours';
import { LABEL_FONT_FAMILY } from '../layers/labels';
import type { DraftGridsResponse, GridFeature, ImportPreview, ImportPreviewProps, ZoneFeature } from '../types';

export const PLAN_GRIDS_LAYER_ID = 'plan-grids';
export const PLAN_ZONES_LAYER_ID = 'plan-zones';
export const PLAN_ISSUES_LAYER_ID = 'plan-issues';

export const PLAN_COLOURS = {
  nearbyFill: [148, 163, 184, 20] as Rgba,
  nearbyLine: [100, 116, 139, 140] as Rgba,
  selectedLine: [250, 204, 21, 255] as Rgba,
  pendingFill: [29, 78, 216, 50] as Rgba,
  pendingLine: [29, 78, 216, 255] as Rgba,
  problemFill: [220, 38, 38, 150] as Rgba,
  problemLine: [153, 27, 27, 255] as Rgba,
  fixFill: [22, 163, 74, 60] as Rgba,
  fixLine: [21, 128, 61, 255] as Rgba,
  gapFill: [249, 115, 22, 150] as Rgba,
  overlapFill: [220, 38, 38, 130] as Rgba,
  sliverFill: [219, 39, 119, 160] as Rgba,
  draftFill: [124, 58, 237, 25] as Rgba,
  draftLine: [109, 40, 217, 255] as Rgba,
};

export type IssueKind = 'gap' | 'overlap' | 'sliver' | 'outside';
export type IssueFeature = Feature<Geometry, { kind: IssueKind; index: number }>;

export type GridLabel = { id: string; text: string; position: [number, number] };

/** Metres per screen pixel at `zoom` and latitude (Web Mercator, 512 px tiles as MapLibre uses). */
export const metresPerPixel = (zoom: number, lat: number) =>
  (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);

/** Roughly how wide a label is on screen: CJK characters are square, digits half as wide. */
export function labelWidth_px(text: string, size_px: number): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? size_px : size_px * 0.6;
  return width;
}

/**
 * The grid's sequence (the last 3 digits of its CJ/T 349 code) when the name won't fit, the name
 * when it will, nothing when neither does: labels appear as the planner zooms in, never piled up.
 */
export function gridLabels(
  grids: readonly Feature<MultiPolygon, { id: string; name: string; code?: string }>[],
  zoom: number,
  size_px = 12,
): GridLabel[] {
  const labels: GridLabel[] = [];
  for (const grid of grids) {
    const [west, south, east, north] = turfBbox(grid);
    const lat = (south + north) / 2;
    const scale = metresPerPixel(zoom, lat);
    const width_px = ((east - west) * 111_320 * Math.cos((lat * Math.PI) / 180)) / scale;
    const height_px = ((north - south) * 110_574) / scale;
    if (height_px < size_px * 1.5) continue;
    const name = grid.properties.name;
    const sequence = grid.properties.code?.slice(-3) ?? '';
    const text =
      labelWidth_px(name, size_px) <= width_px * 0.8
        ? name
        : sequence && labelWidth_px(sequence, size_px) <= width_px * 0.8
          ? sequence
          : null;
    if (!text) continue;
    let centre = centerOfMass(grid);
    if (!booleanPointInPolygon(centre, grid)) centre = pointOnFeature(grid);
    const [lng, lat_] = centre.geometry.coordinates;
    labels.push({ id: grid.properties.id, text, position: [lng ?? 0, lat_ ?? 0] });
  }
  return labels;
}

type Area = Feature<Polygon | MultiPolygon | Geometry>;

const areaLayer = (
  id: string,
  data: Area[],
  fill: Rgba,
  line: Rgba,
  options: { width?: number; dashed?: boolean; pickable?: boolean; beforeId?: string } = {},
) =>
  new GeoJsonLayer({
    id,
    data,
    pickable: options.pickable ?? false,
    filled: true,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: options.width ?? 1.5,
    getFillColor: fill,
    getLineColor: line,
    ...(options.beforeId ? { beforeId: options.beforeId } : {}),
  });

export type PlanLayerInput = {
  grids: GridFeature[];
  /** With zones as what is edited: the zones (drawn and picked), the grids becoming context. */
  zones: ZoneFeature[] | null;
  nearby: GridFeature[];
  selected: readonly string[];
  /** Grids drawn by terra-draw right now (being edited): left out here. */
  hidden: ReadonlySet<string>;
  pending: Feature<Polygon | MultiPolygon>[];
  problem: Geometry | null;
  fix: MultiPolygon | null;
  issues: IssueFeature[];
  zoom: number;
  /** A drafted partition, drawn over the grids, each labelled with its sequence, households and score. */
  draft: DraftGridsResponse | null;
  /** An import's preview: each feature of the file, refused ones (ok false) in red. */
  importPreview: ImportPreview | null;
  /** The word after a household count in the draft's labels (户, households). */
  householdsWord: string;
  /** Hover highlight, when a click selects (browsing), not while drawing or reshaping. */
  highlight: boolean;
  beforeId?: string;
};

export function planLayers(input: PlanLayerInput): Layer[] {
  if (input.zones) return zoneLayers(input, input.zones);
  const shown = input.grids.filter((g) => !input.hidden.has(g.properties.id));
  const selected = shown.filter((g) => input.selected.includes(g.properties.id));
  const layers: Layer[] = [
    areaLayer('plan-nearby', input.nearby, PLAN_COLOURS.nearbyFill, PLAN_COLOURS.nearbyLine, {
      width: 1,
      beforeId: input.beforeId,
    }),
    new GeoJsonLayer<GridFeature['properties']>({
      id: PLAN_GRIDS_LAYER_ID,
      data: shown,
      pickable: true,
      autoHighlight: input.highlight,
      highlightColor: [37, 99, 235, 50],
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getFillColor: (f) => (f.properties.kind === 'dedicated' ? COLOURS.gridDedicatedFill : COLOURS.gridFill),
      getLineColor: (f) => (f.properties.kind === 'dedicated' ? COLOURS.gridDedicatedLine : COLOURS.gridLine),
      ...(input.beforeId ? { beforeId: input.beforeId } : {}),
    }),
    new GeoJsonLayer({
      id: PLAN_ISSUES_LAYER_ID,
      data: input.issues,
      pickable: true,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      getFillColor: (f: IssueFeature) =>
        f.properties.kind === 'gap'
          ? PLAN_COLOURS.gapFill
          : f.properties.kind === 'sliver'
            ? PLAN_COLOURS.sliverFill
            : PLAN_COLOURS.overlapFill,
      getLineColor: PLAN_COLOURS.problemLine,
    }),
    areaLayer('plan-selected', selected, [0, 0, 0, 0], PLAN_COLOURS.selectedLine, { width: 3.5 }),
    areaLayer('plan-pending', input.pending, PLAN_COLOURS.pendingFill, PLAN_COLOURS.pendingLine, { width: 2.5 }),
  ];
  layers.push(...overlays(input));
  layers.push(labelLayer(gridLabels(shown, input.zoom), input.zoom));
  return layers;
}

/** Zones being edited: amber and pickable; the community's grids stay as outlines to draw inside. */
function zoneLayers(input: PlanLayerInput, zones: ZoneFeature[]): Layer[] {
  const shown = zones.filter((z) => !input.hidden.has(z.properties.id));
  const selected = shown.filter((z) => input.selected.includes(z.properties.id));
  return [
    areaLayer('plan-nearby', [...input.nearby, ...input.grids], [0, 0, 0, 0], COLOURS.gridLine, {
      width: 1.5,
      beforeId: input.beforeId,
    }),
    new GeoJsonLayer<ZoneFeature['properties']>({
      id: PLAN_ZONES_LAYER_ID,
      data: shown,
      pickable: true,
      autoHighlight: input.highlight,
      highlightColor: [217, 119, 6, 60],
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getFillColor: COLOURS.zoneFill,
      getLineColor: COLOURS.zoneLine,
      ...(input.beforeId ? { beforeId: input.beforeId } : {}),
    }),
    areaLayer('plan-selected', selected, [0, 0, 0, 0], PLAN_COLOURS.selectedLine, { width: 3.5 }),
    areaLayer('plan-pending', input.pending, PLAN_COLOURS.pendingFill, PLAN_COLOURS.pendingLine, { width: 2.5 }),
    ...overlays(input),
    labelLayer(gridLabels(shown, input.zoom), input.zoom),
  ];
}

export const PLAN_DRAFT_LAYER_ID = 'plan-draft';
export const PLAN_IMPORT_LAYER_ID = 'plan-import';

/** The file's features as the importer read them: accepted ones blue, refused ones red. */
function importLayer(preview: ImportPreview): Layer {
  type F = Feature<Geometry, ImportPreviewProps>;
  const drawable = preview.features.filter((f): f is F => f.geometry !== null);
  return new GeoJsonLayer<ImportPreviewProps>({
    id: PLAN_IMPORT_LAYER_ID,
    data: drawable,
    pickable: true,
    filled: true,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
    pointRadiusUnits: 'pixels',
    getPointRadius: 6,
    getFillColor: (f: F) => (f.properties.ok ? PLAN_COLOURS.pendingFill : PLAN_COLOURS.problemFill),
    getLineColor: (f: F) => (f.properties.ok ? PLAN_COLOURS.pendingLine : PLAN_COLOURS.problemLine),
  });
}

/** The draft's grids: violet outlines over everything, with "n · households · score" in each. */
function draftLayers(draft: DraftGridsResponse, householdsWord: string): Layer[] {
  const labels: GridLabel[] = draft.features.map((f) => {
    let centre = centerOfMass(f);
    if (!booleanPointInPolygon(centre, f)) centre = pointOnFeature(f);
    const [lng, lat] = centre.geometry.coordinates;
    return {
      id: String(f.properties.sequence),
      text: `${f.properties.sequence} · ${Math.round(f.properties.households)}${householdsWord} · ${f.properties.polsby_popper.toFixed(2)}`,
      position: [lng ?? 0, lat ?? 0],
    };
  });
  return [
    areaLayer(PLAN_DRAFT_LAYER_ID, draft.features, PLAN_COLOURS.draftFill, PLAN_COLOURS.draftLine, {
      width: 2.5,
      pickable: true,
    }),
    labelLayer(labels, 0, 'plan-draft-labels'),
  ];
}

/** A refused save's offending part (red) and a fix or another version's shape (green). */
function overlays(input: PlanLayerInput): Layer[] {
  const layers: Layer[] = input.draft ? draftLayers(input.draft, input.householdsWord) : [];
  if (input.importPreview) layers.push(importLayer(input.importPreview));
  if (input.fix) {
    layers.push(
      areaLayer(
        'plan-fix',
        [{ type: 'Feature', geometry: input.fix, properties: {} }],
        PLAN_COLOURS.fixFill,
        PLAN_COLOURS.fixLine,
        {
          width: 2.5,
        },
      ),
    );
  }
  if (input.problem) {
    layers.push(
      areaLayer(
        'plan-problem',
        [{ type: 'Feature', geometry: input.problem, properties: {} }],
        PLAN_COLOURS.problemFill,
        PLAN_COLOURS.problemLine,
        { width: 2.5 },
      ),
    );
  }
  return layers;
}

function labelLayer(labels: GridLabel[], zoom: number, id = 'plan-labels') {
  return new TextLayer<GridLabel>({
    id,
    data: labels,
    pickable: false,
    characterSet: 'auto',
    fontFamily: LABEL_FONT_FAMILY,
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 64, buffer: 12, radius: 16 },
    outlineWidth: 10,
    outlineColor: COLOURS.labelOutline,
    sizeUnits: 'pixels',
    getSize: 12,
    getColor: COLOURS.labelText,
    getText: (label) => label.text,
    getPosition: (label) => label.position,
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    updateTriggers: { getText: zoom },
  });
}
