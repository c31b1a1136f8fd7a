import type { Effect } from '../api/regressions';
import { emptyView, selectable, toHash, toggle, type ViewState } from '../explore/view';

/** A `--where` term for one value of a dimension, quoted when it holds spaces. */
export function term(dimension: string, value: string): string {
  return /[\s"]/.test(value) ? `${dimension}="${value.replace(/"/g, '')}"` : `${dimension}=${value}`;
}

/** The cohorts a change splits: before (`from`) and after (`to`), on the slices it reached. */
export function cohorts(effect: Effect): { a: string; b: string } {
  const slices = effect.slices.length > 0 ? ` slice=${effect.slices.join(',')}` : '';
  return { a: term(effect.dimension, effect.from) + slices, b: term(effect.dimension, effect.to) + slices };
}

/** The sessions view of the sessions after a change (its `to` value on its slices). */
export function sessionsAfter(effect: Effect): string {
  let view: ViewState = toggle(emptyView(), effect.dimension, effect.to);
  for (const slice of effect.slices) view = toggle(view, 'slice', slice);
  return toHash(view);
}

/** `-12.4 pp [-18.0, -6.7]`, or a dash when there is no estimate. */
export function effectText(pp: number | null, low: number | null, high: number | null): string {
  if (pp === null) return '—';
  const f = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(1)}`;
  return low === null || high === null ? `${f(pp)} pp` : `${f(pp)} pp [${f(low)}, ${f(high)}]`;
}

/** p-values as people read them: `< 0.001` rather than `1e-9`. */
export function pText(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/**
 * The sessions view of a cohort written as `--where` text (`model=a,b config.k=v tag=long`),
 * or null when it uses terms the view cannot show (ranges, `!=`, labels with others, text).
 */
export function sessionsOf(where: string): string | null {
  let view: ViewState = emptyView();
  const terms = where.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  if (terms.length === 0) return null;
  for (const raw of terms) {
    const at = raw.indexOf('=');
    if (at <= 0 || /[!<>]$/.test(raw.slice(0, at))) return null;
    let dimension = raw.slice(0, at);
    if (dimension === 'task') dimension = 'task_id';
    if (dimension === 'source') dimension = 'source_format';
    if (dimension === 'tags') dimension = 'tag';
    const values = raw
      .slice(at + 1)
      .replace(/"/g, '')
      .split(',')
      .filter((v) => v !== '');
    if (values.length === 0) return null;
    for (const value of values) {
      if (!selectable(dimension, value)) return null;
      if ((view.selections[dimension] ?? []).includes(value)) continue;
      view = toggle(view, dimension, value);
    }
  }
  return toHash(view);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The sessions view of one point of the time chart: its group's value of the split dimension
 * (none when the chart is not split, or the value cannot be picked) and its bucket's time window.
 */
export function sessionsInBucket(by: string | null, group: string, start: string, bucket: string): string {
  const from = new Date(start);
  const to = new Date(from.getTime() + (bucket === 'week' ? 7 : 1) * DAY_MS);
  let view: ViewState = { ...emptyView(), started: { from: from.toISOString(), to: to.toISOString() } };
  if (by !== null && selectable(by, group)) view = toggle(view, by, group);
  return toHash(view);
}

/**
 * The chart's point under a click: of the points whose bucket holds `at`, the one whose value
 * is nearest `value` (a rate, 0..1). Null when no bucket holds it.
 */
export function pointAt<P extends { start: string; value: number | null }>(
  points: P[],
  at: Date,
  value: number,
  bucket: string,
): P | null {
  const width = (bucket === 'week' ? 7 : 1) * DAY_MS;
  let best: P | null = null;
  for (const p of points) {
    const start = Date.parse(p.start);
    if (p.value === null || at.getTime() < start || at.getTime() >= start + width) continue;
    if (best === null || Math.abs(p.value - value) < Math.abs((best.value ?? 0) - value)) best = p;
  }
  return best;
}
