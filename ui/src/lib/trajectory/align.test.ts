import { describe, expect, it } from 'vitest';
import { alignSteps } from './align';
import type { Step } from './steps';

const usage = { inputTokens: null, outputTokens: null, latencyMs: null };
const msg = (seq: number, role: string): Step => ({ type: 'message', seq, role, text: `${role} ${seq}`, usage });
const tool = (seq: number, name: string): Step => ({ type: 'tool', seq, name, input: '', result: null, usage });

describe('side-by-side alignment', () => {
  it('puts matching moves side by side and gaps where one session did more', () => {
    const a = [msg(0, 'user'), tool(1, 'bash'), tool(2, 'edit'), msg(3, 'assistant')];
    const b = [msg(0, 'user'), tool(1, 'bash'), tool(2, 'bash'), tool(3, 'bash'), tool(4, 'edit'), msg(5, 'assistant')];
    const rows = alignSteps(a, b);
    expect(rows.map((r) => [r.left?.seq ?? null, r.right?.seq ?? null])).toEqual([
      [0, 0],
      [1, 1],
      [null, 2],
      [null, 3],
      [2, 4],
      [3, 5],
    ]);
  });

  it('keeps every step of both sides, in order', () => {
    const a = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? tool(i, 'bash') : msg(i, 'assistant')));
    const b = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? tool(i, 'edit') : msg(i, 'assistant')));
    const rows = alignSteps(a, b);
    expect(rows.flatMap((r) => (r.left ? [r.left.seq] : []))).toEqual(a.map((s) => s.seq));
    expect(rows.flatMap((r) => (r.right ? [r.right.seq] : []))).toEqual(b.map((s) => s.seq));
    expect(alignSteps([], b)).toHaveLength(200);
  });
});
