import { describe, expect, it } from 'vitest';
import { gridTemplate, minTableWidth, SESSION_COLUMNS } from './columns';
import type { SessionRow } from './types';

const full: SessionRow = {
  sessionId: '0193f7a2-5c1e-7d11-9a3b-2f8e6c4d1a00',
  startedAtMs: new Date(2025, 0, 2, 3, 4, 5).getTime(),
  repo: 'acme/widgets',
  taskId: 'T-17',
  harnessVersion: '1.4.0',
  model: 'model-a',
  slice: 'eval',
  outcome: 'timeout',
  nEvents: 1234,
  nToolCalls: 56,
  nToolErrors: 2,
  inputTokens: 12_345,
  outputTokens: 678,
  costUsd: 0.042,
};

const empty: SessionRow = Object.fromEntries(Object.keys(full).map((k) => [k, null])) as unknown as SessionRow;

const cells = (row: SessionRow) => Object.fromEntries(SESSION_COLUMNS.map((c) => [c.id, c.text(row)]));

describe('SESSION_COLUMNS', () => {
  it('renders a full row', () => {
    expect(cells(full)).toEqual({
      session: full.sessionId,
      started: '2025-01-02 03:04',
      repo: 'acme/widgets',
      task: 'T-17',
      harness: '1.4.0',
      model: 'model-a',
      slice: 'eval',
      outcome: 'timeout',
      events: '1,234',
      'tool-calls': '56',
      'tool-errors': '2',
      'tokens-in': '12.3k',
      'tokens-out': '678',
      cost: '$0.042',
    });
  });

  it('renders every cell of an all-null row as a dash', () => {
    expect(Object.values(cells(empty)).every((text) => text === '—')).toBe(true);
  });

  it('flags tool errors only when there are some', () => {
    const toolErrors = SESSION_COLUMNS.find((c) => c.id === 'tool-errors')!;
    expect(toolErrors.alert?.(full)).toBe(true);
    expect(toolErrors.alert?.({ ...full, nToolErrors: 0 })).toBe(false);
    expect(toolErrors.alert?.(empty)).toBe(false);
  });

  it('has unique ids', () => {
    expect(new Set(SESSION_COLUMNS.map((c) => c.id)).size).toBe(SESSION_COLUMNS.length);
  });
});

describe('gridTemplate', () => {
  it('lets only the growing column stretch', () => {
    const template = gridTemplate([
      { id: 'a', label: 'A', width: 50, kind: 'text', text: () => '' },
      { id: 'b', label: 'B', width: 80, grow: true, kind: 'text', text: () => '' },
    ]);
    expect(template).toBe('50px minmax(80px, 1fr)');
    expect(minTableWidth(SESSION_COLUMNS)).toBeGreaterThan(1000);
  });
});

describe('SORT_COLUMNS', () => {
  it('gives every table column a sessions column to sort by', async () => {
    const { SORT_COLUMNS } = await import('./columns');
    for (const column of SESSION_COLUMNS) expect(SORT_COLUMNS[column.id], column.id).toMatch(/^[a-z_]+$/);
  });
});
