import { describe, expect, it } from 'vitest';
import { asDiff, buildSteps, fold, highlight, prettyJson, queryTerms, type TraceEvent } from './steps';

const ev = (seq: number, fields: Partial<TraceEvent>): TraceEvent => ({ seq, ...fields });

describe('trajectory steps', () => {
  it('joins each tool result to its call, by id or else in order', () => {
    const steps = buildSteps([
      ev(0, { role: 'user', kind: 'message', content: 'Fix it' }),
      ev(1, { role: 'assistant', kind: 'thinking', content: 'hmm' }),
      ev(2, { role: 'assistant', kind: 'tool_call', tool_name: 'bash', tool_call_id: 'a', tool_input: '{"command":"ls"}' }),
      ev(3, { role: 'assistant', kind: 'tool_call', tool_name: 'read', tool_call_id: 'b', tool_input: 'x' }),
      ev(4, { role: 'tool', kind: 'tool_result', tool_call_id: 'b', content: 'file', is_error: true }),
      ev(5, { role: 'tool', kind: 'tool_result', content: 'a.py' }),
      ev(6, { role: 'tool', kind: 'tool_result', content: 'orphan' }),
    ]);
    expect(steps.map((s) => s.type)).toEqual(['message', 'thinking', 'tool', 'tool', 'error']);
    const [, , bash, read] = steps;
    expect(bash.type === 'tool' && bash.result?.text).toBe('a.py');
    expect(bash.type === 'tool' && bash.input).toBe('{\n  "command": "ls"\n}');
    expect(read.type === 'tool' && read.result?.isError).toBe(true);
  });

  it('folds long outputs and keeps short ones whole', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const folded = fold(long, 10);
    expect(folded.shown.split('\n')).toHaveLength(10);
    expect(folded.hidden).toBe(long.length - folded.shown.length);
    expect(fold('short')).toEqual({ shown: 'short', hidden: 0 });
    expect(fold('x'.repeat(5_000_000)).shown).toHaveLength(6_000);
  });

  it('recognises unified diffs', () => {
    const diff = asDiff('--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-old\n+new\n same');
    expect(diff?.map((l) => l.kind)).toEqual(['meta', 'meta', 'hunk', 'del', 'add', 'context']);
    expect(asDiff('- a list\n- of things')).toBeNull();
  });

  it('marks search terms as text pieces, never markup', () => {
    expect(highlight('An <img onerror=x> Overloaded error', ['overloaded'])).toEqual([
      { text: 'An <img onerror=x> ', hit: false },
      { text: 'Overloaded', hit: true },
      { text: ' error', hit: false },
    ]);
    expect(queryTerms('tool_name:bash "exit code 127" OR overl* -timeout')).toEqual(['bash', 'exit code 127', 'overl']);
    expect(prettyJson('not json')).toBe('not json');
  });
});
