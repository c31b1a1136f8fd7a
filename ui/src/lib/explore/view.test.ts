import { describe, expect, it } from 'vitest';
import { emptyView, fromHash, isEverything, selectable, sortBy, toFilter, toggle, toHash, windowText } from './view';

describe('the sessions view state', () => {
  it('maps picks onto the engine filter', () => {
    let view = emptyView();
    view = toggle(view, 'model', 'gpt-5-codex');
    view = toggle(view, 'model', 'claude-sonnet-4-5');
    view = toggle(view, 'config.cache_policy', 'retain-all');
    view = toggle(view, 'tag', 'long');
    expect(toFilter(view)).toEqual({
      model: ['claude-sonnet-4-5', 'gpt-5-codex'],
      config: [['cache_policy', 'retain-all']],
      tags: ['long'],
    });
    view = toggle(view, 'model', 'gpt-5-codex');
    expect(toFilter(view).model).toEqual(['claude-sonnet-4-5']);
    view = toggle(toggle(toggle(view, 'model', 'claude-sonnet-4-5'), 'config.cache_policy', 'retain-all'), 'tag', 'long');
    expect(isEverything(view)).toBe(true);
  });

  it('round-trips through the URL hash, values with spaces and commas included', () => {
    let view = toggle(emptyView(), 'repo', 'a b,c/d');
    view = toggle(view, 'outcome', 'failure');
    view = { ...sortBy(view, 'cost_usd'), text: 'overloaded "exit code 127"' };
    const hash = toHash(view);
    expect(hash.startsWith('#')).toBe(true);
    expect(fromHash(hash)).toEqual(view);
    expect(toHash(emptyView())).toBe('');
  });

  it('filters by one label at a time', () => {
    let view = toggle(emptyView(), 'label', 'good');
    view = toggle(view, 'label', 'bad');
    expect(view.selections.label).toEqual(['bad']);
    expect(toFilter(view)).toEqual({ label: 'bad' });
    expect(fromHash(toHash(view))).toEqual(view);
  });

  it('ignores what it does not know and refuses the (none) value', () => {
    expect(fromHash('#bogus=1&sort=x;drop&outcome=(none)')).toEqual(emptyView());
    expect(selectable('outcome', '(none)')).toBe(false);
    expect(selectable('config.x', 'y')).toBe(true);
  });

  it('flips the sort when its column is clicked again', () => {
    const once = sortBy(emptyView(), 'cost_usd');
    expect(once.sort).toEqual({ column: 'cost_usd', descending: true });
    expect(sortBy(once, 'cost_usd').sort).toEqual({ column: 'cost_usd', descending: false });
  });

  it('holds a time window, in the hash and in the engine filter', () => {
    const view = { ...emptyView(), started: { from: '2026-09-01T00:00:00.000Z', to: '2026-09-02T00:00:00.000Z' } };
    expect(isEverything(view)).toBe(false);
    expect(toFilter(view)).toEqual({ started_from: '2026-09-01T00:00:00.000Z', started_to: '2026-09-02T00:00:00.000Z' });
    expect(fromHash(toHash(view))).toEqual(view);
    // Half a window, or something that is not an instant, is no window.
    expect(fromHash('#started_from=2026-09-01T00:00:00Z').started).toBeNull();
    expect(fromHash('#started_from=yesterday&started_to=2026-09-02T00:00:00Z').started).toBeNull();
    expect(windowText(view.started)).toBe('2026-09-01 UTC');
    expect(windowText({ from: '2026-08-31T00:00:00Z', to: '2026-09-07T00:00:00Z' })).toBe('2026-08-31 to 2026-09-06 UTC');
  });
});
