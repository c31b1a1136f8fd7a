import { describe, expect, it } from 'vitest';
import type { Effect } from '../api/regressions';
import { fromHash } from '../explore/view';
import { cohorts, effectText, pointAt, pText, sessionsAfter, sessionsInBucket, sessionsOf, term } from './links';

const effect: Effect = {
  dimension: 'config.cache_policy',
  from: 'retain-all',
  to: 'evict-stale-thinking',
  effect_pp: -12.37,
  ci_low_pp: -18.04,
  ci_high_pp: -6.71,
  p_value: 0.00002,
  sessions: 1853,
  first_seen: '2026-09-01T09:07:09Z',
  slices: ['cli'],
  confounded_with: [],
  subgroup: null,
  note: null,
};

describe('regression links', () => {
  it('turns a change into the two cohorts it splits', () => {
    expect(cohorts(effect)).toEqual({
      a: 'config.cache_policy=retain-all slice=cli',
      b: 'config.cache_policy=evict-stale-thinking slice=cli',
    });
    expect(term('model', 'a b')).toBe('model="a b"');
  });

  it('clicks through to the sessions after a change', () => {
    const view = fromHash(sessionsAfter(effect));
    expect(view.selections).toEqual({ 'config.cache_policy': ['evict-stale-thinking'], slice: ['cli'] });
  });

  it('formats effects and p-values for reading', () => {
    expect(effectText(-12.37, -18.04, -6.71)).toBe('-12.4 pp [-18.0, -6.7]');
    expect(effectText(3.94, 0.1, 7)).toBe('+3.9 pp [+0.1, +7.0]');
    expect(effectText(null, null, null)).toBe('—');
    expect(pText(0.00002)).toBe('< 0.001');
    expect(pText(0.0825)).toBe('0.083');
  });

  it('turns a cohort into the sessions view behind it, when the view can show it', () => {
    const view = fromHash(sessionsOf('config.cache_policy=retain-all slice=ide,cli model="gpt 5"') ?? '');
    expect(view.selections).toEqual({ 'config.cache_policy': ['retain-all'], slice: ['cli', 'ide'], model: ['gpt 5'] });
    expect(fromHash(sessionsOf('task=t-1 tags=long') ?? '').selections).toEqual({ task_id: ['t-1'], tag: ['long'] });
    // The cohorts of an effect round-trip.
    const { a } = cohorts({ ...effect, slices: ['api'] });
    expect(fromHash(sessionsOf(a) ?? '').selections).toEqual({ [effect.dimension]: [effect.from], slice: ['api'] });
    for (const unsupported of ['', 'cost<0.5', 'model!=x', 'has_tool_error', 'text:"a b"', 'model=(none)', 'nonsense=1']) {
      expect(sessionsOf(unsupported), unsupported).toBeNull();
    }
  });
});

describe('a point of the time chart', () => {
  it('opens its group in its day or week', () => {
    const day = fromHash(sessionsInBucket('harness_version', '2.4.1', '2026-09-01T00:00:00Z', 'day'));
    expect(day.selections).toEqual({ harness_version: ['2.4.1'] });
    expect(day.started).toEqual({ from: '2026-09-01T00:00:00.000Z', to: '2026-09-02T00:00:00.000Z' });
    const week = fromHash(sessionsInBucket('config.cache_policy', 'retain-all', '2026-08-31T00:00:00Z', 'week'));
    expect(week.selections).toEqual({ 'config.cache_policy': ['retain-all'] });
    expect(week.started?.to).toBe('2026-09-07T00:00:00.000Z');
  });

  it('is only a time window when the chart is not split or the group cannot be picked', () => {
    expect(fromHash(sessionsInBucket(null, 'all', '2026-09-01T00:00:00Z', 'day')).selections).toEqual({});
    expect(fromHash(sessionsInBucket('model', '(none)', '2026-09-01T00:00:00Z', 'day')).selections).toEqual({});
  });

  it('is the one under a click: its bucket holds the time, its value is nearest', () => {
    const points = [
      { group: 'a', start: '2026-09-01T00:00:00Z', value: 0.8 },
      { group: 'b', start: '2026-09-01T00:00:00Z', value: 0.4 },
      { group: 'a', start: '2026-09-02T00:00:00Z', value: null },
      { group: 'b', start: '2026-09-02T00:00:00Z', value: 0.5 },
    ];
    expect(pointAt(points, new Date('2026-09-01T12:00:00Z'), 0.7, 'day')?.group).toBe('a');
    expect(pointAt(points, new Date('2026-09-01T12:00:00Z'), 0.5, 'day')?.group).toBe('b');
    // A point without a value is never picked; a time outside every bucket picks nothing.
    expect(pointAt(points, new Date('2026-09-02T01:00:00Z'), 0.9, 'day')?.group).toBe('b');
    expect(pointAt(points, new Date('2026-09-05T00:00:00Z'), 0.5, 'day')).toBeNull();
    expect(pointAt(points, new Date('2026-09-05T00:00:00Z'), 0.5, 'week')?.start).toBe('2026-09-02T00:00:00Z');
  });
});
