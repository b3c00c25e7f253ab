// cloneData: the step's fast deep copy gives what structuredClone gives, for any input.
import { describe, expect, it } from 'vitest';
import { cloneData } from '../src/clone.js';

describe('cloneData', () => {
  it('copies JSON data deeply: the copy shares nothing with the original', () => {
    const instance = { tags: ['hard'], eventCounts: { CLAIM: 2 }, lastRelease: null, n: 1.5 };
    const copy = cloneData(instance);
    expect(copy).toEqual(instance);
    copy.tags.push('vip');
    copy.eventCounts.CLAIM = 3;
    expect(instance).toEqual({
      tags: ['hard'],
      eventCounts: { CLAIM: 2 },
      lastRelease: null,
      n: 1.5,
    });
  });

  it('keeps a "__proto__" field from JSON as data, not as a prototype', () => {
    const entity = JSON.parse('{"__proto__": {"polluted": true}, "name": "x"}') as object;
    const copy = cloneData(entity);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'name']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('matches structuredClone for dates, maps, cycles and null-prototype objects', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const sparse = new Array<number>(3);
    sparse[0] = 1;
    sparse[2] = 3;
    const bare = Object.assign(Object.create(null) as object, { a: [1, undefined, 3] });
    for (const value of [
      { at: new Date(0) },
      { m: new Map([['k', 1]]) },
      cyclic,
      bare,
      sparse,
      'text',
      42,
      null,
    ]) {
      expect(cloneData(value)).toStrictEqual(structuredClone(value));
    }
    const copy = cloneData(cyclic);
    expect(copy['self']).toBe(copy);
  });

  it('refuses functions as structuredClone does', () => {
    expect(() => cloneData({ run: () => 1 })).toThrow(/could not be cloned/);
  });
});
