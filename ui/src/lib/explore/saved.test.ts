import { describe, expect, it } from 'vitest';
import { loadSaved, removeView, saveView } from './saved';

function memory() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('saved views', () => {
  it('saves by name, replaces a name, removes, and survives junk', () => {
    const s = memory();
    saveView(s, 'failures', '#outcome=failure');
    saveView(s, ' cache ', '#config.cache_policy=evict-stale-thinking');
    expect(saveView(s, 'failures', '#outcome=failure&outcome=error').map((v) => v.name)).toEqual(['cache', 'failures']);
    expect(loadSaved(s).find((v) => v.name === 'failures')?.hash).toBe('#outcome=failure&outcome=error');
    expect(saveView(s, '   ', '#x')).toHaveLength(2);
    expect(removeView(s, 'cache').map((v) => v.name)).toEqual(['failures']);
    s.setItem('tracelab.saved-views', '{not json');
    expect(loadSaved(s)).toEqual([]);
  });
});
