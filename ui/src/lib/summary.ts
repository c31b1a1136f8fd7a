import type { ArchiveSummary } from './api/types';

export interface OutcomeShare {
  outcome: string;
  count: number;
  /** Share of all sessions, 0..1. */
  rate: number;
}

/** The outcomes a harness reports, in the order the strip shows them. */
export const KNOWN_OUTCOMES = ['success', 'failure', 'error', 'timeout', 'unknown'] as const;

/**
 * Outcome counts with their rates. The known outcomes always appear (a zero
 * is information too); anything else the archive holds follows, largest first.
 */
export function outcomeBreakdown(summary: ArchiveSummary): OutcomeShare[] {
  const counts = summary.by_outcome ?? {};
  const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
  // Rates are of all sessions; fall back to the map's sum if the two disagree upward.
  const total = Math.max(summary.sessions, counted);
  const share = (outcome: string): OutcomeShare => {
    const count = counts[outcome] ?? 0;
    return { outcome, count, rate: total > 0 ? count / total : 0 };
  };
  const known = new Set<string>(KNOWN_OUTCOMES);
  const others = Object.keys(counts)
    .filter((outcome) => !known.has(outcome))
    .sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  return [...KNOWN_OUTCOMES.map(share), ...others.map(share)];
}

export interface Ranked {
  top: [name: string, count: number][];
  /** How many names did not fit. */
  rest: number;
}

/** The largest entries of a count map, ties broken by name so the order is stable. */
export function rankedEntries(counts: Record<string, number> | undefined, limit: number): Ranked {
  const entries = Object.entries(counts ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return { top: entries.slice(0, limit), rest: Math.max(0, entries.length - limit) };
}
