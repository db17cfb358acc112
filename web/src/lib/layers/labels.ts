import { TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { area, booleanPointInPolygon, centerOfMass, pointOnFeature, polygon } from '@turf/turf';
import type { RegionCollection, RegionLevel } from '../types';
import { COLOURS } from './colours';

export const SUBDISTRICT_LABELS_LAYER_ID = 'labels-subdistrict';
export const COMMUNITY_LABELS_LAYER_ID = 'labels-community';
/** Community names appear from this zoom on; below it town-centre communities are too small and the labels pile up. */
export const COMMUNITY_LABEL_MIN_ZOOM = 14;

export const LABEL_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export type LabelPoint = { id: number; text: string; level: RegionLevel; position: [number, number] };

/**
 * One label point per region: the centre of mass of its largest polygon, or a point on the
 * surface when that centre falls outside (crescent-shaped regions).
 */
export function regionLabelPoints(regions: RegionCollection): LabelPoint[] {
  const points: LabelPoint[] = [];
  for (const feature of regions.features) {
    const rings = feature.geometry?.coordinates ?? [];
    let largest: ReturnType<typeof polygon> | null = null;
    let largestArea = -1;
    for (const coordinates of rings) {
      const candidate = polygon(coordinates);
      const candidateArea = area(candidate);
      if (candidateArea > largestArea) {
        largest = candidate;
        largestArea = candidateArea;
      }
    }
    if (!largest) continue;
    let centre = centerOfMass(largest);
    if (!booleanPointInPolygon(centre, largest)) centre = pointOnFeature(largest);
    const [lng, lat] = centre.geometry.coordinates;
    points.push({
      id: feature.properties.id,
      text: feature.properties.name,
      level: feature.properties.level,
      position: [lng ?? 0, lat ?? 0],
    });
  }
  return points;
}

export type LabelLayerOptions = { zoom: number; visible?: boolean };

const textLayer = (id: string, data: LabelPoint[], size: number, colour: typeof COLOURS.labelText, visible: boolean) =>
  new TextLayer<LabelPoint>({
    id,
    data,
    visible,
    pickable: false,
    characterSet: 'auto',
    fontFamily: LABEL_FONT_FAMILY,
    fontWeight: 600,
    // outlineWidth is measured in font-atlas pixels (fontSize 64), not screen pixels: 10 gives a
    // halo of about 2 px at 13 px text. buffer/radius must be large enough to hold it.
    fontSettings: { sdf: true, fontSize: 64, buffer: 12, radius: 16 },
    outlineWidth: 10,
    outlineColor: COLOURS.labelOutline,
    sizeUnits: 'pixels',
    getSize: size,
    getColor: colour,
    getText: (label) => label.text,
    getPosition: (label) => label.position,
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
  });

/** Region names drawn by deck.gl, since the offline style has no glyphs for symbol layers. */
export function labelLayers(
  subdistricts: LabelPoint[],
  communities: LabelPoint[],
  { zoom, visible = true }: LabelLayerOptions,
): Layer[] {
  return [
    textLayer(
      COMMUNITY_LABELS_LAYER_ID,
      communities,
      13,
      COLOURS.labelCommunityText,
      visible && zoom >= COMMUNITY_LABEL_MIN_ZOOM,
    ),
    textLayer(SUBDISTRICT_LABELS_LAYER_ID, subdistricts, 16, COLOURS.labelText, visible),
  ];
}
