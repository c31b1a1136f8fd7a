import { call, subscribe } from './bridge';
import type { ArchiveSummary } from './types';

/** Typed front for the backend's import commands (src-tauri/src/import.rs). */

/** One source format's row of an import summary. */
export interface FormatSummary {
  files: number;
  sessions: number;
  events: number;
  quarantined: number;
}

export interface ImportSummary {
  records_read: number;
  imported: number;
  quarantined: number;
  sessions: number;
  events: number;
  quarantined_by_kind: Record<string, number>;
  by_format: Record<string, FormatSummary>;
  skipped: { uri: string; reason: 'already_imported' | 'not_a_trace' | string }[];
  outcomes_applied: number;
  quarantine_dir: string;
}

export interface ImportReport {
  summary: ImportSummary;
  archive: ArchiveSummary;
}

/** `import-progress` payload: input bytes done of the total. */
export interface ImportProgress {
  done: number;
  total: number | null;
}

/** Native dialog for trace files; [] when cancelled. */
export function chooseImportFiles(): Promise<string[]> {
  return call<string[]>('choose_import_files');
}

/** Native dialog for a folder of traces; null when cancelled. */
export function chooseImportFolder(): Promise<string | null> {
  return call<string | null>('choose_import_folder');
}

/** Imports files, folders or bundles into the open archive. Rejects with code `cancelled`
 * when cancelled; the archive is then as it was. */
export function importTraces(paths: string[]): Promise<ImportReport> {
  return call<ImportReport>('import_traces', { paths });
}

/** Cancels the running import; false when none was running. */
export function cancelImport(): Promise<boolean> {
  return call<boolean>('cancel_import');
}

export function onImportProgress(handler: (p: ImportProgress) => void): Promise<() => void> {
  return subscribe<ImportProgress>('import-progress', handler);
}
