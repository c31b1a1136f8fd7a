import { describe, expect, it } from 'vitest';
import { asDiff, buildSteps, fold, highlight, prettyJson, queryTerms, type Step, type TraceEvent } from './steps';
import { eventSeqs } from './branches';

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

/** A session with two sub-agents whose events interleave with each other and the main thread. */
function twoSubAgents(): TraceEvent[] {
  const fileA = { subagent_file: '/p/S1/subagents/agent-aaa.jsonl', isSidechain: true };
  const fileB = { subagent_file: '/p/agent-bbb.jsonl', isSidechain: true };
  const task = (prompt: string) => JSON.stringify({ description: 'd', prompt, subagent_type: 'general-purpose' });
  return [
    ev(0, { event_id: 'm0', role: 'user', kind: 'message', content: 'go' }),
    ev(1, { event_id: 'm1', parent_id: 'm0', role: 'assistant', kind: 'tool_call', tool_name: 'Task', tool_call_id: 't1', tool_input: task('look A') }),
    ev(2, { event_id: 'm1#1', parent_id: 'm1', role: 'assistant', kind: 'tool_call', tool_name: 'Task', tool_call_id: 't2', tool_input: task('look B') }),
    ev(3, { event_id: 'a0', parent_id: 'm1', role: 'user', kind: 'message', content: 'look A', attributes: fileA }),
    ev(4, { event_id: 'b0', parent_id: 'm1#1', role: 'user', kind: 'message', content: 'look B', attributes: fileB }),
    ev(5, { event_id: 'a1', parent_id: 'a0', role: 'assistant', kind: 'tool_call', tool_name: 'Read', tool_call_id: 'r1', tool_input: '{}', output_tokens: 10, attributes: fileA }),
    ev(6, { event_id: 'b1', parent_id: 'b0', role: 'assistant', kind: 'message', content: 'B done', input_tokens: 5, attributes: fileB }),
    ev(7, { event_id: 'a2', parent_id: 'a1', role: 'user', kind: 'tool_result', tool_call_id: 'r1', content: 'file', attributes: fileA }),
    ev(8, { event_id: 'a3', parent_id: 'a2', role: 'assistant', kind: 'thinking', content: 'so', output_tokens: 4, attributes: fileA }),
    // A later block of the same line: no attributes, only its parent says which thread.
    ev(9, { event_id: 'a3#1', parent_id: 'a3', role: 'assistant', kind: 'message', content: 'A done' }),
    ev(10, { event_id: 'm2', parent_id: 'm1#1', role: 'user', kind: 'tool_result', tool_call_id: 't1', content: 'A said' }),
    ev(11, { event_id: 'm3', parent_id: 'm2', role: 'user', kind: 'tool_result', tool_call_id: 't2', content: 'B said' }),
    ev(12, { event_id: 'm4', parent_id: 'm3', role: 'assistant', kind: 'message', content: 'all done' }),
  ];
}

const shape = (steps: Step[]): unknown[] => steps.map((s) => (s.type === 'branch' ? { [s.agent]: shape(s.steps) } : s.seq));
const allSeqs = (steps: Step[]) => steps.flatMap(eventSeqs).sort((a, b) => a - b);

describe('sub-agent branches', () => {
  it('puts each sub-agent as a branch right after the Task call it hangs from', () => {
    const events = twoSubAgents();
    const steps = buildSteps(events);
    expect(shape(steps)).toEqual([0, 1, { aaa: [3, 5, 8, 9] }, 2, { bbb: [4, 6] }, 12]);
    const [, callA, a, , b] = steps;
    expect(callA.type === 'tool' && callA.result?.text).toBe('A said');
    expect(a.type === 'branch' && a.size).toBe(4);
    expect(a.type === 'branch' && a.usage.outputTokens).toBe(14);
    expect(b.type === 'branch' && b.usage).toEqual({ inputTokens: 5, outputTokens: null, latencyMs: null });
    const read = a.type === 'branch' ? a.steps[1] : null;
    expect(read?.type === 'tool' && read.result?.text).toBe('file');
    expect(allSeqs(steps)).toEqual(events.map((e) => e.seq));
  });

  it('makes no branches without sub-agent attributes', () => {
    const events = twoSubAgents().map((e) => ({ ...e, attributes: e.attributes ? { version: '2.1.0' } : null }));
    const steps = buildSteps(events);
    expect(steps.some((s) => s.type === 'branch')).toBe(false);
    expect(steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 12]);
  });

  it('loses no sub-agent whose parent is unknown', () => {
    const events = twoSubAgents().map((e) => {
      if (e.event_id === 'a0') return { ...e, parent_id: 'gone' }; // parent not in the session: found by its prompt
      if (e.event_id === 'b0') return { ...e, parent_id: null, content: 'another prompt' }; // by seq order
      return e;
    });
    events.push(ev(13, { event_id: 's0', role: 'user', kind: 'message', content: 'side', attributes: { isSidechain: true } }));
    events.push(ev(14, { event_id: 's1', parent_id: 's0', role: 'assistant', kind: 'message', content: 'chain' }));
    const steps = buildSteps(events);
    expect(shape(steps)).toEqual([0, 1, { aaa: [3, 5, 8, 9] }, 2, { bbb: [4, 6] }, 12, { 'side chain 1': [13, 14] }]);
    expect(allSeqs(steps)).toEqual(events.map((e) => e.seq));
  });
});
