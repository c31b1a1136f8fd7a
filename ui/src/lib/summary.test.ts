import { describe, expect, it } from 'vitest';
import type { ArchiveSummary } from './api/types';
import { outcomeBreakdown, rankedEntries } from './summary';

function summary(by_outcome: Record<string, number>, sessions: number): ArchiveSummary {
  return {
    path: '/a',
    sessions,
    events: 0,
    quarantined: 0,
    by_outcome,
    by_source_format: {},
    by_harness_version: {},
    by_model: {},
  };
}

describe('outcomeBreakdown', () => {
  it('lists the known outcomes in order with rates of all sessions', () => {
    const shares = outcomeBreakdown(summary({ failure: 30, success: 60, timeout: 10 }, 100));
    expect(shares).toEqual([
      { outcome: 'success', count: 60, rate: 0.6 },
      { outcome: 'failure', count: 30, rate: 0.3 },
      { outcome: 'error', count: 0, rate: 0 },
      { outcome: 'timeout', count: 10, rate: 0.1 },
      { outcome: 'unknown', count: 0, rate: 0 },
    ]);
  });

  it('appends outcomes it does not know, largest first', () => {
    const shares = outcomeBreakdown(summary({ success: 1, cancelled: 2, skipped: 5 }, 8));
    expect(shares.slice(5).map((s) => s.outcome)).toEqual(['skipped', 'cancelled']);
  });

  it('does not divide by zero on an empty archive', () => {
    expect(outcomeBreakdown(summary({}, 0)).every((s) => s.rate === 0)).toBe(true);
  });

  it('never reports a rate above 100% when the map outgrows the session count', () => {
    const shares = outcomeBreakdown(summary({ success: 10 }, 5));
    expect(shares[0].rate).toBe(1);
  });
});

describe('rankedEntries', () => {
  it('keeps the largest entries and counts the rest', () => {
    expect(rankedEntries({ a: 1, b: 5, c: 3, d: 3 }, 3)).toEqual({
      top: [
        ['b', 5],
        ['c', 3],
        ['d', 3],
      ],
      rest: 1,
    });
  });

  it('copes with a missing map', () => {
    expect(rankedEntries(undefined, 3)).toEqual({ top: [], rest: 0 });
  });
});
