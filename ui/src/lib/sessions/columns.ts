import { formatCompact, formatCost, formatCount, formatDateTime } from '../format';
import type { SessionRow } from './types';

export interface SessionColumn {
  id: string;
  /** Header text; kept short so the dense layout needs no wider columns. */
  label: string;
  /** Header tooltip, when the label is abbreviated. */
  description?: string;
  /** Fixed width in px; the `grow` column also takes any spare width. */
  width: number;
  grow?: boolean;
  /** `mono`: monospace, left-aligned (ids, times); `number`: monospace, right-aligned. */
  kind: 'text' | 'mono' | 'number' | 'outcome';
  /** What the cell shows. Always plain text: trace content is untrusted. */
  text: (row: SessionRow) => string;
  /** The exact value for the tooltip, when the cell shows less than that. */
  title?: (row: SessionRow) => string;
  /** For number cells worth a second look (e.g. tool errors > 0). */
  alert?: (row: SessionRow) => boolean;
}

/** The `sessions` column each table column sorts by. */
export const SORT_COLUMNS: Record<string, string> = {
  session: 'session_id',
  started: 'started_at',
  repo: 'repo',
  task: 'task_id',
  harness: 'harness_version',
  model: 'model',
  slice: 'slice',
  outcome: 'outcome',
  events: 'n_events',
  'tool-calls': 'n_tool_calls',
  'tool-errors': 'n_tool_errors',
  'tokens-in': 'input_tokens',
  'tokens-out': 'output_tokens',
  cost: 'cost_usd',
};

const orDash = (value: string | null) => (value === null || value === '' ? '—' : value);

export const SESSION_COLUMNS: SessionColumn[] = [
  {
    id: 'session',
    label: 'Session',
    width: 96,
    kind: 'mono',
    text: (r) => orDash(r.sessionId),
    title: (r) => r.sessionId ?? '',
  },
  {
    id: 'started',
    label: 'Started',
    width: 128,
    kind: 'mono',
    text: (r) => formatDateTime(r.startedAtMs, false),
    title: (r) => formatDateTime(r.startedAtMs),
  },
  { id: 'repo', label: 'Repo', width: 160, grow: true, kind: 'text', text: (r) => orDash(r.repo), title: (r) => r.repo ?? '' },
  { id: 'task', label: 'Task', width: 120, kind: 'text', text: (r) => orDash(r.taskId), title: (r) => r.taskId ?? '' },
  {
    id: 'harness',
    label: 'Harness',
    description: 'Harness version',
    width: 80,
    kind: 'text',
    text: (r) => orDash(r.harnessVersion),
    title: (r) => r.harnessVersion ?? '',
  },
  { id: 'model', label: 'Model', width: 130, kind: 'text', text: (r) => orDash(r.model), title: (r) => r.model ?? '' },
  { id: 'slice', label: 'Slice', width: 72, kind: 'text', text: (r) => orDash(r.slice), title: (r) => r.slice ?? '' },
  { id: 'outcome', label: 'Outcome', width: 84, kind: 'outcome', text: (r) => orDash(r.outcome) },
  { id: 'events', label: 'Events', width: 64, kind: 'number', text: (r) => formatCount(r.nEvents) },
  {
    id: 'tool-calls',
    label: 'Tools',
    description: 'Tool calls',
    width: 56,
    kind: 'number',
    text: (r) => formatCount(r.nToolCalls),
  },
  {
    id: 'tool-errors',
    label: 'Errors',
    description: 'Tool calls that failed',
    width: 60,
    kind: 'number',
    text: (r) => formatCount(r.nToolErrors),
    alert: (r) => (r.nToolErrors ?? 0) > 0,
  },
  {
    id: 'tokens-in',
    label: 'Tok in',
    description: 'Input tokens',
    width: 60,
    kind: 'number',
    text: (r) => formatCompact(r.inputTokens),
    title: (r) => formatCount(r.inputTokens),
  },
  {
    id: 'tokens-out',
    label: 'Tok out',
    description: 'Output tokens',
    width: 64,
    kind: 'number',
    text: (r) => formatCompact(r.outputTokens),
    title: (r) => formatCount(r.outputTokens),
  },
  {
    id: 'cost',
    label: 'Cost',
    description: 'Cost in US dollars',
    width: 68,
    kind: 'number',
    text: (r) => formatCost(r.costUsd),
    title: (r) => (r.costUsd === null ? '' : `$${r.costUsd}`),
  },
];

/** The CSS grid track list shared by the header and every row, so they line up. */
export function gridTemplate(columns: SessionColumn[]): string {
  return columns.map((c) => (c.grow ? `minmax(${c.width}px, 1fr)` : `${c.width}px`)).join(' ');
}

export function minTableWidth(columns: SessionColumn[]): number {
  return columns.reduce((sum, c) => sum + c.width, 0);
}
