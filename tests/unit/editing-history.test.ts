/** editHistory: undo/redo with a floor set by reset, and a limit that drops the oldest steps. */
import { describe, expect, it } from 'vitest';
import { editHistory } from '../../web/src/lib/editing';

describe('editHistory', () => {
  it('undoes and redoes, and a new edit drops the redo branch', () => {
    const history = editHistory<string>();
    history.reset('loaded');
    history.push('edit 1');
    history.push('edit 2');
    expect(history.canUndo).toBe(true);
    expect(history.canRedo).toBe(false);
    expect(history.undo()).toBe('edit 1');
    expect(history.undo()).toBe('loaded');
    expect(history.canRedo).toBe(true);
    expect(history.redo()).toBe('edit 1');
    history.push('edit 3');
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBeUndefined();
    expect(history.current).toBe('edit 3');
    expect(history.undo()).toBe('edit 1');
  });

  it('never undoes past the state loaded from the server', () => {
    const history = editHistory<string[]>();
    const loaded = ['grid a', 'grid b'];
    history.reset(loaded);
    expect(history.canUndo).toBe(false);
    expect(history.undo()).toBeUndefined();
    expect(history.current).toBe(loaded);
    history.push(['grid a']);
    history.reset(['reloaded']); // a reload forgets the edits before it
    expect(history.canUndo).toBe(false);
    expect(history.canRedo).toBe(false);
    expect(history.current).toEqual(['reloaded']);
  });

  it('keeps 100 undo steps by default and drops the oldest beyond that', () => {
    const history = editHistory<number>();
    history.reset(0);
    for (let i = 1; i <= 150; i++) history.push(i);
    expect(history.undoDepth).toBe(100);
    let last: number | undefined;
    let steps = 0;
    while (history.canUndo) {
      last = history.undo();
      steps++;
    }
    expect(steps).toBe(100);
    expect(last).toBe(50); // 0..49 were dropped
    expect(history.redoDepth).toBe(100);
  });

  it('takes another limit, and rejects a nonsensical one', () => {
    const history = editHistory<number>(3);
    for (let i = 0; i < 10; i++) history.push(i);
    expect(history.undoDepth).toBe(3);
    expect(() => editHistory(0)).toThrow(RangeError);
  });
});
