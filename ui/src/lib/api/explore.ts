import { call } from './bridge';
import { toBytes } from './bytes';
import type { EngineFilter, SortOrder } from '../explore/view';
import type { TraceEvent } from '../trajectory/steps';

/** Typed front for the sessions view's commands (`src-tauri/src/explore.rs`). */

export interface EngineView {
  filter: EngineFilter;
  text: string | null;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface Facet {
  dimension: string;
  values: FacetCount[];
  /** Sessions in the values not listed. */
  other: number;
  distinct: number;
}

export interface Facets {
  total: number;
  facets: Facet[];
}

export interface SearchHit {
  session_id: string;
  seq: number;
  role: string | null;
  kind: string | null;
  tool_name: string | null;
  field: string;
  snippet: string;
  highlights: [number, number][];
  score: number;
}

export interface SearchResult {
  total_sessions: number;
  total_hits: number;
  hits: SearchHit[];
  sessions: { session_id: string; hits: number }[];
}

/** The `sessions` row of a trajectory (the fields the view shows). */
export interface TraceSession {
  session_id: string;
  task_id?: string;
  repo?: string;
  harness?: string;
  harness_version?: string;
  model?: string;
  slice?: string;
  outcome?: string;
  score?: number;
  started_at?: string;
  ended_at?: string;
  n_events: number;
  n_tool_calls: number;
  n_tool_errors: number;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  config: Record<string, string>;
  tags: string[];
}

export interface Trajectory {
  session: TraceSession;
  events: TraceEvent[];
}

export function facets(view: EngineView): Promise<Facets> {
  return call<Facets>('facets', { view });
}

/** Arrow IPC bytes of rows [offset, offset + limit) of the view's sessions in `sort` order. */
export async function sessionsPageIpc(view: EngineView, sort: SortOrder, offset: number, limit: number): Promise<Uint8Array> {
  return toBytes(await call<unknown>('sessions_page', { view, sort, offset, limit }));
}

export function searchHits(view: EngineView, limit: number): Promise<SearchResult | null> {
  return call<SearchResult | null>('search_hits', { view, limit });
}

export function trajectory(sessionId: string): Promise<Trajectory | null> {
  return call<Trajectory | null>('trajectory', { sessionId });
}
