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

export interface ViewState {
  selections: Selections;
  text: string;
  sort: SortOrder;
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
  return { selections: {}, text: '', sort: { ...DEFAULT_SORT } };
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
  return filter;
}

/** True when the view selects every session. */
export function isEverything(view: ViewState): boolean {
  return Object.keys(view.selections).length === 0 && view.text.trim() === '';
}

/** The view as a URL hash: `#q=...&model=a,b&sort=-started_at` (values URI-encoded). */
export function toHash(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.text.trim() !== '') params.set('q', view.text.trim());
  for (const dimension of Object.keys(view.selections).sort()) {
    for (const value of view.selections[dimension]) params.append(dimension, value);
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

