import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../../server/src/routes/body';

const depth = (text: string, stopAbove?: number) => jsonDepth(Buffer.from(text, 'utf8'), stopAbove);

describe('jsonDepth', () => {
  it('counts the deepest nesting of arrays and objects', () => {
    expect(depth('1')).toBe(0);
    expect(depth('"text"')).toBe(0);
    expect(depth('{}')).toBe(1);
    expect(depth('[[], {}, [1]]')).toBe(2);
    expect(depth('{"a":{"b":[1,[2,{"c":3}]]}}')).toBe(5);
    // A MultiPolygon: polygons, rings, positions, inside the object and its coordinates array.
    expect(depth(JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[1, 2]]]] }))).toBe(5);
  });

  it('agrees with the structure JSON.parse finds, for seeded random documents', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const build = (level: number): [unknown, number] => {
      if (level > 6 || random() < 0.3) return [random() < 0.5 ? 'x[{"\\' : 1, 0];
      const children = Array.from({ length: 1 + Math.floor(random() * 3) }, () => build(level + 1));
      const value =
        random() < 0.5 ? children.map((c) => c[0]) : Object.fromEntries(children.map((c, i) => [`k${i}]`, c[0]]));
      return [value, 1 + Math.max(...children.map((c) => c[1]))];
    };
    for (let i = 0; i < 200; i++) {
      const [value, expected] = build(0);
      expect(depth(JSON.stringify(value))).toBe(expected);
    }
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(depth('["[[[[", "{{{"]')).toBe(1);
    expect(depth('["\\"[[[", "\\\\", [1]]')).toBe(2);
    expect(depth('{"k\\"{": "]]]}}}", "v": [[0]]}')).toBe(3);
  });

  it('is not fooled by multi-byte UTF-8 characters', () => {
    expect(depth('{"名称":"网格[通]","列表":[["贵阳"]]}')).toBe(3);
  });

  it('stops counting once past stopAbove, without reading the rest', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(depth(deep)).toBe(100_000);
    expect(depth(deep, 32)).toBe(33);
  });
});
