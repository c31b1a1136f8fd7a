/**
 * Number and date formatting for the window. Counts use en-US grouping on
 * purpose, so the e2e check and screenshots read the same on every machine.
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 2000 → "2,000". */
export function formatCount(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : grouped.format(value);
}

const COMPACT_STEPS: [number, string][] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Token totals: 950 → "950", 12_345 → "12.3k", 1_250_000 → "1.3M". */
export function formatCompact(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude < 1000) return sign + String(Math.round(magnitude));
  for (let i = 0; i < COMPACT_STEPS.length; i++) {
    const [step, suffix] = COMPACT_STEPS[i];
    if (magnitude < step) continue;
    const scaled = Math.round((magnitude / step) * 10) / 10;
    // 999_960 rounds to "1000.0k": hand it to the next bigger unit instead.
    if (scaled >= 1000 && i > 0) {
      const [bigger, biggerSuffix] = COMPACT_STEPS[i - 1];
      return sign + trimZero(Math.round((magnitude / bigger) * 10) / 10) + biggerSuffix;
    }
    return sign + trimZero(scaled) + suffix;
  }
  return sign + String(magnitude);
}

function trimZero(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

// Made once: a formatter per call costs more than the rest of a table row.
const cents2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const cents3 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** Session costs are mostly cents: $0.042 under a dollar, $12.35 above, "<$0.001" for crumbs. */
export function formatCost(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  const sign = usd < 0 ? '-' : '';
  const magnitude = Math.abs(usd);
  if (magnitude < 0.001) return `${sign}<$0.001`;
  // Decide on the rounded value so 0.9996 reads "$1.00", not "$1.000".
  const digits = Math.round(magnitude * 1000) < 1000 ? 3 : 2;
  return `${sign}$${(digits === 3 ? cents3 : cents2).format(magnitude)}`;
}

/** 0.625 → "62.5%"; 1 → "100%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  const percent = Math.round(ratio * 1000) / 10;
  return `${trimZero(percent)}%`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time, "2025-03-14 09:21:05": sortable, fixed width, no locale guessing. */
export function formatDateTime(epochMs: number | null, withSeconds = true): string {
  if (epochMs === null || !Number.isFinite(epochMs)) return '—';
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}` +
    (withSeconds ? `:${pad(d.getSeconds())}` : '')
  );
}

/**
 * Splits a path so CSS can ellipsise the middle: the head shrinks with an
 * ellipsis while the tail (the archive's own folder name) stays readable.
 */
export function splitPathForEllipsis(path: string): { head: string; tail: string } {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return { head: '', tail: path };
  return { head: path.slice(0, cut + 1), tail: path.slice(cut + 1) };
}
