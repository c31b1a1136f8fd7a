import { describe, expect, it } from 'vitest';
import type { ImportSummary } from '../api/import';
import { formatRows, fractionDone, importHeadline } from './progress';

const summary: ImportSummary = {
  records_read: 12,
  imported: 10,
  quarantined: 2,
  sessions: 10,
  events: 1234,
  quarantined_by_kind: { duplicate_session_id: 2 },
  by_format: {
    'swe-agent': { files: 3, sessions: 3, events: 200, quarantined: 0 },
    'claude-code': { files: 7, sessions: 7, events: 1034, quarantined: 2 },
  },
  skipped: [
    { uri: 'a.jsonl', reason: 'already_imported' },
    { uri: 'README.md', reason: 'not_a_trace' },
  ],
  outcomes_applied: 0,
  quarantine_dir: '/x/quarantine',
};

describe('import progress', () => {
  it('is a fraction only when the total is known', () => {
    expect(fractionDone(5, 10)).toBe(0.5);
    expect(fractionDone(15, 10)).toBe(1);
    expect(fractionDone(5, null)).toBeNull();
    expect(fractionDone(5, 0)).toBeNull();
  });

  it('says what happened in one line', () => {
    expect(importHeadline(summary)).toBe(
      'Imported 10 sessions, 1,234 events, 2 records quarantined, 1 file already imported.',
    );
  });

  it('lists formats in name order', () => {
    expect(formatRows(summary).map((r) => r.format)).toEqual(['claude-code', 'swe-agent']);
    expect(formatRows(summary)[0].quarantined).toBe(2);
  });
});
