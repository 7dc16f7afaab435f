// The replay's state-text memory: equal values reuse the previous text, any difference gives the exact new text.
import { describe, expect, it } from 'vitest';
import { JsonTextCache, sameJson } from '../../../src/observe/index.js';

describe('JsonTextCache', () => {
  it('gives JSON.stringify of every value, reusing the text only for equal ones', () => {
    const cache = new JsonTextCache();
    const values: unknown[] = [
      { active: { 'phase:p1': { 'group:0': { a: 'running', b: 'done' } } } },
      { active: { 'phase:p1': { 'group:0': { a: 'running', b: 'done' } } } },
      { active: { 'phase:p1': { 'group:0': { a: 'done', b: 'done' } } } },
      { active: { 'phase:p1': { 'group:0': { b: 'done', a: 'done' } } } },
      { active: 'complete' },
      'succeeded',
      'succeeded',
    ];
    const texts = values.map((v) => cache.textOf(v));
    expect(texts).toEqual(values.map((v) => JSON.stringify(v)));
    // The second value is a different object with the same content: the same string comes back.
    expect(texts[1]).toBe(texts[0]);
  });

  it('compares structure, key order and leaves', () => {
    expect(sameJson({ a: { b: 'x' } }, { a: { b: 'x' } })).toBe(true);
    expect(sameJson({ a: 'x', b: 'y' }, { b: 'y', a: 'x' })).toBe(false);
    expect(sameJson({ a: 'x' }, { a: 'x', b: 'y' })).toBe(false);
    expect(sameJson(['a'], { 0: 'a' })).toBe(false);
    expect(sameJson({ a: null }, { a: 'null' })).toBe(false);
    expect(sameJson('x', 'x')).toBe(true);
  });
});
