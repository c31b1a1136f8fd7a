import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatCost,
  formatCount,
  formatDateTime,
  formatPercent,
  splitPathForEllipsis,
} from './format';

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(2000)).toBe('2,000');
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('shows a dash for missing values', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatCompact', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [1000, '1k'],
    [1049, '1k'],
    [1050, '1.1k'],
    [12_345, '12.3k'],
    [999_940, '999.9k'],
    [999_960, '1M'],
    [1_250_000, '1.3M'],
    [3_000_000_000, '3B'],
    [-12_345, '-12.3k'],
  ])('%d → %s', (value, expected) => {
    expect(formatCompact(value)).toBe(expected);
  });

  it('shows a dash for missing values', () => {
    expect(formatCompact(null)).toBe('—');
  });
});

describe('formatCost', () => {
  it.each([
    [0, '$0.00'],
    [0.0004, '<$0.001'],
    [0.042, '$0.042'],
    [0.1, '$0.100'],
    [0.9996, '$1.00'],
    [1, '$1.00'],
    [12.345_6, '$12.35'],
    [1234.5, '$1,234.50'],
    [-0.5, '-$0.500'],
  ])('%d → %s', (value, expected) => {
    expect(formatCost(value)).toBe(expected);
  });

  it('shows a dash for missing values', () => {
    expect(formatCost(null)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('keeps one decimal and drops a trailing .0', () => {
    expect(formatPercent(0.625)).toBe('62.5%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('formats local wall-clock time with zero padding', () => {
    const local = new Date(2025, 2, 4, 9, 1, 5).getTime();
    expect(formatDateTime(local)).toBe('2025-03-04 09:01:05');
    expect(formatDateTime(local, false)).toBe('2025-03-04 09:01');
  });

  it('shows a dash for missing or invalid times', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(8.64e15 + 1)).toBe('—');
  });
});

describe('splitPathForEllipsis', () => {
  it('keeps the last folder as the tail', () => {
    expect(splitPathForEllipsis('/home/ana/traces/archive-2025')).toEqual({
      head: '/home/ana/traces/',
      tail: 'archive-2025',
    });
  });

  it('handles trailing slashes, Windows paths and bare names', () => {
    expect(splitPathForEllipsis('/data/archive/')).toEqual({ head: '/data/', tail: 'archive/' });
    expect(splitPathForEllipsis('C:\\traces\\archive')).toEqual({ head: 'C:\\traces\\', tail: 'archive' });
    expect(splitPathForEllipsis('archive')).toEqual({ head: '', tail: 'archive' });
  });

  it('loses no characters', () => {
    for (const path of ['/a/b/c', 'x', '/', 'C:\\']) {
      const { head, tail } = splitPathForEllipsis(path);
      expect(head + tail).toBe(path);
    }
  });
});
