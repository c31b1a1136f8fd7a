/**
 * A session's events as the steps the trajectory view shows: messages, thinking, each tool
 * call with its result beside it, errors, each sub-agent's steps as a branch. Everything
 * here is plain text: trace content is untrusted and is never turned into HTML.
 */

import { withBranches } from './branches';

/** One `events` row as the `trajectory` command sends it (absent fields are null or missing). */
export interface TraceEvent {
  seq: number;
  event_id?: string | null;
  parent_id?: string | null;
  timestamp?: string | null;
  role?: string | null;
  kind?: string | null;
  content?: string | null;
  tool_name?: string | null;
  tool_call_id?: string | null;
  tool_input?: string | null;
  is_error?: boolean | null;
  model?: string | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  latency_ms?: number | null;
  /** Every source field with no column of its own, as a JSON object (sub-agent events carry `subagent_file` / `isSidechain`). */
  attributes?: Record<string, unknown> | null;
}

export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
}

export type Step =
  | { type: 'message'; seq: number; role: string; text: string; usage: Usage }
  | { type: 'thinking'; seq: number; text: string; usage: Usage }
  | {
      type: 'tool';
      seq: number;
      name: string;
      input: string;
      result: { seq: number; text: string; isError: boolean; usage: Usage } | null;
      usage: Usage;
    }
  | { type: 'error'; seq: number; role: string; text: string; usage: Usage }
  /** A sub-agent's steps; `seq` is its first event's, `size` its steps not counting branch headers. */
  | { type: 'branch'; seq: number; agent: string; steps: Step[]; size: number; usage: Usage };

function usage(e: TraceEvent): Usage {
  return {
    inputTokens: e.input_tokens ?? null,
    outputTokens: e.output_tokens ?? null,
    latencyMs: e.latency_ms ?? null,
  };
}

/** Tool arguments pretty-printed when they are JSON, as given otherwise. */
export function prettyJson(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object') return JSON.stringify(value, null, 2);
  } catch {
    // Not JSON: show as is.
  }
  return text;
}

/** A session's steps in order, each sub-agent's as a branch after the step that started it. */
export function buildSteps(events: TraceEvent[]): Step[] {
  return withBranches(events, threadSteps);
}

/** One thread's events in order as steps; a tool result joins its call (by `tool_call_id`, else the oldest unanswered call). */
function threadSteps(events: TraceEvent[]): Step[] {
  const steps: Step[] = [];
  // Calls still waiting for their result, oldest first.
  const open: { step: Extract<Step, { type: 'tool' }>; callId: string | null }[] = [];
  for (const e of events) {
    const kind = e.kind ?? 'message';
    const text = e.content ?? '';
    if (kind === 'tool_call') {
      const step: Extract<Step, { type: 'tool' }> = {
        type: 'tool',
        seq: e.seq,
        name: e.tool_name ?? 'tool',
        input: prettyJson(e.tool_input ?? ''),
        result: null,
        usage: usage(e),
      };
      steps.push(step);
      open.push({ step, callId: e.tool_call_id ?? null });
    } else if (kind === 'tool_result') {
      const byId = e.tool_call_id ? open.findIndex((o) => o.callId === e.tool_call_id) : -1;
      const index = byId >= 0 ? byId : open.length > 0 ? 0 : -1;
      const result = { seq: e.seq, text, isError: e.is_error === true, usage: usage(e) };
      if (index >= 0) {
        open[index].step.result = result;
        open.splice(index, 1);
      } else {
        steps.push({ type: 'error', seq: e.seq, role: e.role ?? 'tool', text, usage: usage(e) });
      }
    } else if (kind === 'thinking') {
      steps.push({ type: 'thinking', seq: e.seq, text, usage: usage(e) });
    } else if (kind === 'error' || e.is_error === true) {
      steps.push({ type: 'error', seq: e.seq, role: e.role ?? 'system', text, usage: usage(e) });
    } else {
      steps.push({ type: 'message', seq: e.seq, role: e.role ?? 'system', text, usage: usage(e) });
    }
  }
  return steps;
}

/** Long text split into what is shown and what is folded away. */
export function fold(text: string, maxLines = 30, maxChars = 6_000): { shown: string; hidden: number } {
  const lines = text.split('\n');
  if (lines.length <= maxLines && text.length <= maxChars) return { shown: text, hidden: 0 };
  let shown = lines.slice(0, maxLines).join('\n');
  if (shown.length > maxChars) shown = shown.slice(0, maxChars);
  return { shown, hidden: text.length - shown.length };
}

export type DiffLine = { kind: 'add' | 'del' | 'hunk' | 'meta' | 'context'; text: string };

/** A unified diff (a `diff --git` or `@@` hunk with `+`/`-` lines) as typed lines; null when the text is not one. */
export function asDiff(text: string): DiffLine[] | null {
  const lines = text.split('\n');
  const hunk = lines.some((l) => l.startsWith('@@ '));
  if (!hunk || !lines.some((l) => /^[+-][^+-]/.test(l) || l === '+' || l === '-')) return null;
  return lines.map((line): DiffLine => {
    if (line.startsWith('@@')) return { kind: 'hunk', text: line };
    if (/^(diff --git|index |--- |\+\+\+ )/.test(line)) return { kind: 'meta', text: line };
    if (line.startsWith('+')) return { kind: 'add', text: line };
    if (line.startsWith('-')) return { kind: 'del', text: line };
    return { kind: 'context', text: line };
  });
}

/** `text` cut into pieces, marking case-insensitive occurrences of `terms` (for search hits). */
export function highlight(text: string, terms: string[]): { text: string; hit: boolean }[] {
  const wanted = terms.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
  if (wanted.length === 0 || text.length === 0) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const pieces: { text: string; hit: boolean }[] = [];
  let at = 0;
  while (at < text.length) {
    let next = -1;
    let length = 0;
    for (const term of wanted) {
      const i = lower.indexOf(term, at);
      if (i >= 0 && (next < 0 || i < next || (i === next && term.length > length))) {
        next = i;
        length = term.length;
      }
    }
    if (next < 0) break;
    if (next > at) pieces.push({ text: text.slice(at, next), hit: false });
    pieces.push({ text: text.slice(next, next + length), hit: true });
    at = next + length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), hit: false });
  return pieces;
}

/** The words and phrases of a search query worth highlighting (operators and field scopes dropped). */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  const re = /"([^"]+)"|(\S+)/g;
  for (let m = re.exec(query); m !== null; m = re.exec(query)) {
    if (m[1]) terms.push(m[1]);
    else {
      if (m[2].startsWith('-')) continue; // excluded, so never in a hit
      let word = m[2].replace(/^\+/, '');
      if (['AND', 'OR', 'NOT'].includes(word)) continue;
      word = word.includes(':') ? word.slice(word.indexOf(':') + 1) : word;
      word = word.replace(/\*$/, '').replace(/^"|"$/g, '');
      if (word.length > 0) terms.push(word);
    }
  }
  return terms;
}
