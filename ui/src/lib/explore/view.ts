/**
 * What the sessions view shows: facet selections, the search query and the sort order.
 * It lives in the URL hash, so back and forward step through earlier views, and it maps
 * onto the engine's `Filter` (the same one `--where` parses).
 */

/** Dimension name (`model`, `config.cache_policy`, `tag`) to the values picked in it. */
export type Selections = Record<string, string[]>;

export interface SortOrder {
  column: string;
  descending: boolean;
}

/** Sessions started in `[from, to)`: RFC 3339 instants. */
export interface TimeRange {
  from: string;
  to: string;
}

export interface ViewState {
  selections: Selections;
  text: string;
  sort: SortOrder;
  /** A time window, from a click on a point of the regressions chart. */
  started: TimeRange | null;
}

/** The engine's `Filter` as JSON: only the fields the view sets. */
export interface EngineFilter {
  harness?: string[];
  harness_version?: string[];
  model?: string[];
  outcome?: string[];
  slice?: string[];
  repo?: string[];
  task_id?: string[];
  source_format?: string[];
  config?: [string, string][];
  tags?: string[];
  /** Sessions carrying this label. */
  label?: string;
  started_from?: string;
  started_to?: string;
}

const COLUMNS = [
  'harness',
  'harness_version',
  'model',
  'outcome',
  'slice',
  'repo',
  'task_id',
  'source_format',
] as const;

/** The value facets show for sessions without one; it cannot be filtered on. */
export const NONE = '(none)';

export const DEFAULT_SORT: SortOrder = { column: 'started_at', descending: true };

export function emptyView(): ViewState {
  return { selections: {}, text: '', sort: { ...DEFAULT_SORT }, started: null };
}

/** Whether a facet value can be picked: real values of known dimensions. */
export function selectable(dimension: string, value: string): boolean {
  if (value === NONE) return false;
  return (
    (COLUMNS as readonly string[]).includes(dimension) ||
    dimension === 'tag' ||
    dimension === 'label' ||
    dimension.startsWith('config.')
  );
}

/** Picks `value` in `dimension`, or unpicks it if it was picked. */
export function toggle(view: ViewState, dimension: string, value: string): ViewState {
  // One label at a time: picking another replaces it.
  const current = dimension === 'label' ? (view.selections.label ?? []).filter((v) => v === value) : (view.selections[dimension] ?? []);
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value].sort();
  const selections = { ...view.selections };
  if (next.length === 0) delete selections[dimension];
  else selections[dimension] = next;
  return { ...view, selections };
}

export function isPicked(view: ViewState, dimension: string, value: string): boolean {
  return (view.selections[dimension] ?? []).includes(value);
}

/** The engine filter: values of one dimension are alternatives; dimensions must all hold. Tags must all be present. */
export function toFilter(view: ViewState): EngineFilter {
  const filter: EngineFilter = {};
  for (const [dimension, values] of Object.entries(view.selections)) {
    if (values.length === 0) continue;
    if ((COLUMNS as readonly string[]).includes(dimension)) {
      filter[dimension as (typeof COLUMNS)[number]] = [...values];
    } else if (dimension === 'tag') {
      filter.tags = [...values];
    } else if (dimension === 'label') {
      filter.label = values[0];
    } else if (dimension.startsWith('config.')) {
      const key = dimension.slice('config.'.length);
      filter.config = [...(filter.config ?? []), ...values.map((v): [string, string] => [key, v])];
    }
  }
  if (view.started) {
    filter.started_from = view.started.from;
    filter.started_to = view.started.to;
  }
  return filter;
}

/** True when the view selects every session. */
export function isEverything(view: ViewState): boolean {
  return Object.keys(view.selections).length === 0 && view.text.trim() === '' && view.started === null;
}

/** An instant the engine reads (RFC 3339 with a zone), or null. */
function instant(text: string | null): string | null {
  if (text === null || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  return Number.isNaN(Date.parse(text)) ? null : text;
}

/** The view as a URL hash: `#q=...&model=a,b&sort=-started_at` (values URI-encoded). */
export function toHash(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.text.trim() !== '') params.set('q', view.text.trim());
  for (const dimension of Object.keys(view.selections).sort()) {
    for (const value of view.selections[dimension]) params.append(dimension, value);
  }
  if (view.started) {
    params.set('started_from', view.started.from);
    params.set('started_to', view.started.to);
  }
  const sort = view.sort;
  if (sort.column !== DEFAULT_SORT.column || sort.descending !== DEFAULT_SORT.descending) {
    params.set('sort', `${sort.descending ? '-' : ''}${sort.column}`);
  }
  const text = params.toString();
  return text === '' ? '' : `#${text}`;
}

/** Reads a hash written by `toHash`; anything unknown is ignored. */
export function fromHash(hash: string): ViewState {
  const view = emptyView();
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const [from, to] = [instant(params.get('started_from')), instant(params.get('started_to'))];
  if (from !== null && to !== null) view.started = { from, to };
  for (const [key, value] of params) {
    if (key === 'q') view.text = value;
    else if (key === 'sort') {
      const descending = value.startsWith('-');
      const column = descending ? value.slice(1) : value;
      if (/^[a-z_]+$/.test(column)) view.sort = { column, descending };
    } else if (selectable(key, value)) {
      view.selections[key] = [...(view.selections[key] ?? []), value].sort();
    }
  }
  return view;
}

/** Clicking a column header: sort by it, or flip the order when it is already the sort. */
export function sortBy(view: ViewState, column: string): ViewState {
  const descending = view.sort.column === column ? !view.sort.descending : true;
  return { ...view, sort: { column, descending } };
}


/** A time window as people read it: `2026-09-01 UTC`, or `2026-08-31 to 2026-09-06 UTC`. */
export function windowText(range: TimeRange): string {
  const first = range.from.slice(0, 10);
  const last = new Date(Date.parse(range.to) - 1).toISOString().slice(0, 10);
  return first === last ? `${first} UTC` : `${first} to ${last} UTC`;
}
