/**
 * Sub-agents (Claude Code's `Task` tool) as branches of the timeline. Their events are
 * imported into the parent session in file order, marked in `attributes` with
 * `subagent_file` and/or `isSidechain: true`; `parent_id` links them to the main thread.
 * Here they are pulled out of the main thread and hung after the step that started them.
 */
import type { Step, TraceEvent, Usage } from './steps';

type Branch = Extract<Step, { type: 'branch' }>;

/** One sub-agent's events and where its first event points. */
interface Thread {
  key: string;
  name: string;
  events: TraceEvent[];
  /** The thread its first event's parent is in ('' for the main thread), and that event's seq; null when unknown. */
  parent: string;
  anchorSeq: number | null;
}

function attributesOf(e: TraceEvent): Record<string, unknown> | null {
  let a: unknown = e.attributes;
  if (typeof a === 'string') {
    try {
      a = JSON.parse(a);
    } catch {
      return null;
    }
  }
  return a !== null && typeof a === 'object' ? (a as Record<string, unknown>) : null;
}

/** `…/subagents/agent-a1b2.jsonl` → `a1b2`. */
function agentName(file: string): string {
  const base = file.split(/[\\/!]/).pop() || file;
  return base.replace(/\.jsonl?$/, '').replace(/^agent-/, '') || base;
}

/** The main thread's events and each sub-agent's, in seq order. */
function splitThreads(events: TraceEvent[]): { main: TraceEvent[]; threads: Thread[] } {
  const main: TraceEvent[] = [];
  const threads = new Map<string, Thread>();
  // event_id → [thread key ('' main), seq]
  const seen = new Map<string, [string, number]>();
  let sidechains = 0;
  for (const e of events) {
    const a = attributesOf(e);
    const parent = e.parent_id != null ? seen.get(e.parent_id) : undefined;
    let key = '';
    let name = '';
    if (typeof a?.subagent_file === 'string' && a.subagent_file !== '') {
      key = `file:${a.subagent_file}`;
      name = agentName(a.subagent_file);
    } else if (a?.isSidechain === false) {
      key = '';
    } else if (parent && parent[0] !== '') {
      // Later content blocks of a line carry no attributes: they follow their line's thread.
      key = parent[0];
    } else if (a?.isSidechain === true) {
      key = `side:${e.event_id ?? e.seq}`;
      name = `side chain ${++sidechains}`;
    }
    if (key === '') main.push(e);
    else {
      let thread = threads.get(key);
      if (!thread) {
        const anchored = parent !== undefined && parent[0] !== key;
        thread = { key, name, events: [], parent: anchored ? parent[0] : '', anchorSeq: anchored ? parent[1] : null };
        threads.set(key, thread);
      }
      thread.events.push(e);
    }
    if (e.event_id) seen.set(e.event_id, [key, e.seq]);
  }
  return { main, threads: [...threads.values()] };
}

/** The seqs of the events a step shows (a tool call and its result; every event of a branch). */
export function eventSeqs(step: Step): number[] {
  if (step.type === 'branch') return step.steps.flatMap(eventSeqs);
  if (step.type === 'tool' && step.result) return [step.seq, step.result.seq];
  return [step.seq];
}

function leafCount(steps: Step[]): number {
  return steps.reduce((n, s) => n + (s.type === 'branch' ? s.size : 1), 0);
}

function total(events: TraceEvent[], field: 'input_tokens' | 'output_tokens'): number | null {
  const values = events.map((e) => e[field]).filter((v): v is number => typeof v === 'number');
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
}

/** The prompt a `Task` call gave its sub-agent, to find the call when no parent link says it. */
function promptOf(step: Step): string | null {
  if (step.type !== 'tool') return null;
  try {
    const args: unknown = JSON.parse(step.input);
    const prompt = args !== null && typeof args === 'object' ? (args as Record<string, unknown>).prompt : null;
    return typeof prompt === 'string' ? prompt.trim() : null;
  } catch {
    return null;
  }
}

/**
 * `events` as steps, each sub-agent a branch step right after the step holding the event
 * its first event hangs from; else after the `Task` call whose prompt it received; else
 * where its first event falls in seq order. `flat` builds one thread's steps.
 */
export function withBranches(events: TraceEvent[], flat: (events: TraceEvent[]) => Step[]): Step[] {
  const { main, threads } = splitThreads(events);
  if (threads.length === 0) return flat(events);

  const build = (key: string, own: TraceEvent[]): Step[] => {
    const steps = flat(own);
    const children = threads.filter((t) => t.parent === key);
    if (children.length === 0) return steps;
    const after = new Map<number, Branch[]>(); // step index (-1: before the first) → branches
    const used = new Set<number>();
    for (const child of children) {
      const inner = build(child.key, child.events);
      const usage: Usage = {
        inputTokens: total(child.events, 'input_tokens'),
        outputTokens: total(child.events, 'output_tokens'),
        latencyMs: null,
      };
      const first = child.events[0];
      const branch: Branch = { type: 'branch', seq: first.seq, agent: child.name, steps: inner, size: leafCount(inner), usage };
      let index = child.anchorSeq === null ? -1 : steps.findIndex((s) => eventSeqs(s).includes(child.anchorSeq as number));
      if (index < 0 && child.anchorSeq === null) {
        const prompt = (first.content ?? '').trim();
        index = prompt ? steps.findIndex((s, i) => !used.has(i) && promptOf(s) === prompt) : -1;
        if (index >= 0) used.add(index);
      }
      if (index < 0) index = steps.filter((s) => s.seq < first.seq).length - 1;
      after.set(index, [...(after.get(index) ?? []), branch]);
    }
    const placed: Step[] = [...(after.get(-1) ?? [])];
    steps.forEach((s, i) => placed.push(s, ...(after.get(i) ?? [])));
    return placed;
  };
  return build('', main);
}
