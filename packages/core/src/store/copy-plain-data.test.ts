import { describe, expect, it } from 'vitest';
import { copyPlainData } from './copy-plain-data';

describe('copyPlainData', () => {
  it('copies nested objects and arrays: changing the copy never changes the original', () => {
    const original = { id: 't1', price: '1.5', legs: [{ kind: 'tp', at: 1 }], note: undefined, none: null };
    const copy = copyPlainData(original);
    expect(copy).toEqual(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    copy.legs[0]!.at = 2;
    copy.legs.push({ kind: 'sl', at: 3 });
    expect(original.legs).toEqual([{ kind: 'tp', at: 1 }]);
  });

  it('copies what is not plain data with structuredClone instead of sharing it', () => {
    const original = { when: new Date(5), tags: new Map([['a', 1]]) };
    const copy = copyPlainData(original);
    expect(copy.when).not.toBe(original.when);
    expect(copy.when.getTime()).toBe(5);
    expect(copy.tags).not.toBe(original.tags);
    expect(copy.tags.get('a')).toBe(1);
  });
});
