/**
 * Undo and redo for the planner workspace: a list of whole states and a cursor (states are
 * immutable feature collections, so keeping 100 of them costs only what changed between them).
 *
 * `reset(state)` after loading from the server makes that state the floor: the first undo after a
 * load can never empty the map (terra-draw's session history, left alone, would).
 */
export type EditHistory<T> = {
  /** Record a new state after an edit; it drops anything that could have been redone. */
  push(state: T): void;
  /** Step back; returns the state to show, or undefined when there is nothing to undo. */
  undo(): T | undefined;
  /** Step forward again; undefined when there is nothing to redo. */
  redo(): T | undefined;
  /** Forget everything and start from `state` (after a load from the server). */
  reset(state: T): void;
  readonly current: T | undefined;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Undo steps available. */
  readonly undoDepth: number;
  readonly redoDepth: number;
};

/** A history keeping at most `limit` undo steps; beyond that the oldest go. */
export function editHistory<T>(limit = 100): EditHistory<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`history limit must be a positive integer: ${limit}`);
  let states: T[] = [];
  let cursor = -1;
  return {
    push(state) {
      states = states.slice(0, cursor + 1);
      states.push(state);
      // limit undo steps means limit + 1 states: the floor and one per step.
      if (states.length > limit + 1) states = states.slice(states.length - (limit + 1));
      cursor = states.length - 1;
    },
    undo() {
      if (cursor <= 0) return undefined;
      cursor -= 1;
      return states[cursor];
    },
    redo() {
      if (cursor >= states.length - 1) return undefined;
      cursor += 1;
      return states[cursor];
    },
    reset(state) {
      states = [state];
      cursor = 0;
    },
    get current() {
      return cursor >= 0 ? states[cursor] : undefined;
    },
    get canUndo() {
      return cursor > 0;
    },
    get canRedo() {
      return cursor < states.length - 1;
    },
    get undoDepth() {
      return Math.max(cursor, 0);
    },
    get redoDepth() {
      return states.length - 1 - cursor;
    },
  };
}
