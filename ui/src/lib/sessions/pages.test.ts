import { describe, expect, it } from 'vitest';
import { LruCache, pagesForRange, pageWindow } from './pages';

describe('pagesForRange', () => {
  it('covers a range inside one page', () => {
    expect(pagesForRange(10, 40, 200, 2000)).toEqual([0]);
  });

  it('covers a range across a page boundary', () => {
    expect(pagesForRange(190, 230, 200, 2000)).toEqual([0, 1]);
    expect(pagesForRange(199, 200, 200, 2000)).toEqual([0, 1]);
    expect(pagesForRange(200, 399, 200, 2000)).toEqual([1]);
  });

  it('clips to the table', () => {
    expect(pagesForRange(1990, 2100, 200, 2000)).toEqual([9]);
    expect(pagesForRange(-30, 5, 200, 2000)).toEqual([0]);
  });

  it('needs nothing for an empty table or an empty range', () => {
    expect(pagesForRange(0, 10, 200, 0)).toEqual([]);
    expect(pagesForRange(10, 9, 200, 2000)).toEqual([]);
    expect(pagesForRange(2500, 2600, 200, 2000)).toEqual([]);
  });
});

describe('pageWindow', () => {
  it('maps a page to its row window, the last one shorter', () => {
    expect(pageWindow(0, 200, 450)).toEqual({ start: 0, count: 200 });
    expect(pageWindow(2, 200, 450)).toEqual({ start: 400, count: 50 });
    expect(pageWindow(3, 200, 450)).toEqual({ start: 600, count: 0 });
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<number, string>(2);
    expect(cache.set(1, 'a')).toEqual([]);
    expect(cache.set(2, 'b')).toEqual([]);
    expect(cache.set(3, 'c')).toEqual([1]);
    expect(cache.keys()).toEqual([2, 3]);
  });

  it('counts get as a use but not peek', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    expect(cache.get(1)).toBe('a');
    expect(cache.set(3, 'c')).toEqual([2]);
    expect(cache.peek(1)).toBe('a');
    expect(cache.set(4, 'd')).toEqual([1]);
    expect(cache.keys()).toEqual([3, 4]);
  });

  it('replaces a value without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('x', 1);
    cache.set('x', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('x')).toBe(2);
  });

  it('shrinks to a lowered capacity on the next insert', () => {
    const cache = new LruCache<number, number>(4);
    for (const k of [1, 2, 3, 4]) cache.set(k, k);
    cache.capacity = 2;
    expect(cache.set(5, 5)).toEqual([1, 2, 3]);
  });

  it('refuses a useless capacity', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
