import { call } from './bridge';
import type { EngineFilter } from '../explore/view';

/** Typed front for the regressions view's commands (`src-tauri/src/regressions.rs`). */

export interface SeriesPoint {
  group: string;
  start: string;
  sessions: number;
  n: number;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface TimeSeries {
  metric: string;
  bucket: string;
  by: string | null;
  points: SeriesPoint[];
  notes: string[];
}

export interface Effect {
  dimension: string;
  from: string;
  to: string;
  effect_pp: number | null;
  ci_low_pp: number | null;
  ci_high_pp: number | null;
  p_value: number | null;
  sessions: number;
  first_seen: string;
  slices: string[];
  confounded_with: string[];
  subgroup: string | null;
  note: string | null;
}

export interface Rollout {
  dimension: string;
  slice: string;
  from: string;
  to: string;
  first_seen: string;
  majority_at: string;
}

export interface Attribution {
  method: string;
  sessions: number;
  sessions_with_outcome: number;
  rollouts: Rollout[];
  effects: Effect[];
  notes: string[];
}

export interface CohortRate {
  filter: string;
  sessions: number;
  with_outcome: number;
  successes: number;
  success_rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface MetricComparison {
  metric: string;
  unit: string;
  a: { n: number; median: number | null; ci_low: number | null; ci_high: number | null };
  b: { n: number; median: number | null; ci_low: number | null; ci_high: number | null };
  difference: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value_holm: number | null;
}

export interface Comparison {
  a: CohortRate;
  b: CohortRate;
  difference_pp: number | null;
  ci_low_pp: number | null;
  ci_high_pp: number | null;
  p_value: number | null;
  p_value_holm: number | null;
  test: string;
  paired: {
    shared_tasks: number;
    mean_difference_pp: number | null;
    ci_low_pp: number | null;
    ci_high_pp: number | null;
    mcnemar_p: number | null;
  } | null;
  metrics: MetricComparison[];
  notes: string[];
}

export function timeSeries(filter: EngineFilter, by: string | null, every: 'day' | 'week'): Promise<TimeSeries> {
  return call<TimeSeries>('time_series', { filter, by, every });
}

export function attribution(filter: EngineFilter): Promise<Attribution> {
  return call<Attribution>('attribution', { filter });
}

export function compare(a: string, b: string): Promise<Comparison> {
  return call<Comparison>('compare', { a, b });
}

/** Asks where to save the HTML report; resolves to the path written, or null when cancelled. */
export function saveReport(filter: EngineFilter, a: string | null, b: string | null): Promise<string | null> {
  return call<string | null>('save_report', { filter, a, b });
}
