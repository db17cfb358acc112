/**
 * Undo and redo for responsibility zones, as plan-changes.ts does for grids: a state is the zones'
 * geometry, name and unit; `zoneStepsToReach` lists the requests that turn the zones as saved into
 * a target state. A zone edit touches one zone, so a step back is one request.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { UpdateZoneRequest, ZoneFeature } from '../types';
import { sameGeometry } from './plan-changes';

export type ZoneState = { geometry: Polygon | MultiPolygon; name: string; unit: string };
export type ZonesState = ReadonlyMap<string, ZoneState>;

export function zoneStateOf(zones: readonly ZoneFeature[]): ZonesState {
  return new Map(
    zones.map((z) => [z.properties.id, { geometry: z.geometry, name: z.properties.name, unit: z.properties.unit }]),
  );
}

export type ZoneStep =
  | { op: 'update'; id: string; body: UpdateZoneRequest }
  | { op: 'delete'; id: string; version: number }
  /** A deleted zone back under its id: `version` is the version deleted. */
  | { op: 'restore'; id: string; version: number; geometry: Polygon | MultiPolygon };

export function zoneStepsToReach(
  saved: readonly ZoneFeature[],
  target: ZonesState,
  deletedVersions: ReadonlyMap<string, number>,
): { ok: true; steps: ZoneStep[] } | { ok: false; message: string } {
  const steps: ZoneStep[] = [];
  const savedIds = new Set<string>();
  for (const zone of saved) {
    const id = zone.properties.id;
    savedIds.add(id);
    const wanted = target.get(id);
    if (!wanted) {
      steps.push({ op: 'delete', id, version: zone.properties.version });
      continue;
    }
    const geometryChanged = !sameGeometry(zone.geometry, wanted.geometry);
    const properties: { name?: string; unit?: string } = {};
    if (zone.properties.name !== wanted.name) properties.name = wanted.name;
    if (zone.properties.unit !== wanted.unit) properties.unit = wanted.unit;
    const propsChanged = Object.keys(properties).length > 0;
    if (!geometryChanged && !propsChanged) continue;
    steps.push({
      op: 'update',
      id,
      body: {
        version: zone.properties.version,
        ...(geometryChanged ? { geometry: wanted.geometry } : {}),
        ...(propsChanged ? { properties } : {}),
      },
    });
  }
  for (const [id, wanted] of target) {
    if (savedIds.has(id)) continue;
    const version = deletedVersions.get(id);
    if (version === undefined) return { ok: false, message: `zone ${id} is gone and can't be brought back here` };
    steps.push({ op: 'restore', id, version, geometry: wanted.geometry });
  }
  // One zone per step keeps a step back one request, all or nothing; more means the zones changed
  // under the page (another planner), which a reload shows better than a half-done undo.
  if (steps.length > 1) return { ok: false, message: 'the zones changed since; reload the community' };
  return { ok: true, steps };
}
