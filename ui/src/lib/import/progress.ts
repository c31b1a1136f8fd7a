import type { ImportSummary } from '../api/import';

/** Share of an import done, 0 to 1, or null while the total is unknown. */
export function fractionDone(done: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.min(1, Math.max(0, done / total));
}

/** One line a user reads at a glance after an import. */
export function importHeadline(s: ImportSummary): string {
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const parts = [`Imported ${plural(s.sessions, 'session')}`, plural(s.events, 'event')];
  if (s.quarantined > 0) parts.push(`${plural(s.quarantined, 'record')} quarantined`);
  const already = s.skipped.filter((k) => k.reason === 'already_imported').length;
  if (already > 0) parts.push(`${plural(already, 'file')} already imported`);
  return parts.join(', ') + '.';
}

/** The per-format table of the summary, formats in name order. */
export function formatRows(s: ImportSummary): { format: string; files: number; sessions: number; events: number; quarantined: number }[] {
  return Object.keys(s.by_format)
    .sort()
    .map((format) => ({ format, ...s.by_format[format] }));
}
