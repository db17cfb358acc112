/**
 * Map modes, after iD's `modes/`: what a click on the map means depends on what the person is
 * doing. Browsing asks "who is responsible here"; drawing adds a vertex; splitting draws the cut.
 * Each mode owns its handlers (and whatever layers or drawing tools it adds), so no handler has
 * to ask which mode is on. A `ModeRegistry` wires the map's events once and hands them to the
 * mode that is current; entering a mode exits the one before.
 */
import type * as maplibregl from 'maplibre-gl';

export type MapMode = {
  /** A stable name, e.g. 'browse', 'draw', 'edit', 'split'; shown to tests as `data-mode`. */
  readonly id: string;
  /** Called with the map when the mode becomes current: add tools, layers, listeners. */
  enter?(map: maplibregl.Map): void;
  /** Called when another mode takes over (or the map goes away): undo everything `enter` did. */
  exit?(map: maplibregl.Map): void;
  onClick?(event: maplibregl.MapMouseEvent): void;
  onMouseMove?(event: maplibregl.MapMouseEvent): void;
  /** Escape, Delete, Ctrl+Z… while the map has the page's attention; true when handled. */
  onKeyDown?(event: KeyboardEvent): boolean;
};

export type ModeRegistry = {
  readonly current: MapMode | null;
  /** Exits the current mode (if another) and enters `mode`. */
  enter(mode: MapMode): void;
  /** Exits the current mode and stops listening to the map. */
  destroy(): void;
};

/**
 * Listens to `map` once and forwards each event to the current mode. `onChange` hears every
 * switch (the page shows the mode, and tests read it).
 */
export function createModeRegistry(map: maplibregl.Map, onChange?: (mode: MapMode) => void): ModeRegistry {
  let current: MapMode | null = null;
  const click = (event: maplibregl.MapMouseEvent) => current?.onClick?.(event);
  const move = (event: maplibregl.MapMouseEvent) => current?.onMouseMove?.(event);
  const key = (event: KeyboardEvent) => {
    // Typing in a form field is never a map command.
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (current?.onKeyDown?.(event)) event.preventDefault();
  };
  map.on('click', click);
  map.on('mousemove', move);
  window.addEventListener('keydown', key);
  return {
    get current() {
      return current;
    },
    enter(mode) {
      if (current === mode) return;
      current?.exit?.(map);
      current = mode;
      mode.enter?.(map);
      onChange?.(mode);
    },
    destroy() {
      current?.exit?.(map);
      current = null;
      map.off('click', click);
      map.off('mousemove', move);
      window.removeEventListener('keydown', key);
    },
  };
}
