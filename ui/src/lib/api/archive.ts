import { call, subscribe } from './bridge';
import type { ApiError, ArchiveSummary } from './types';

/** Typed front for the backend's archive commands; components use only these. */

/** The archive opened at start-up, or null when none was. */
export function archiveSummary(): Promise<ArchiveSummary | null> {
  return call<ArchiveSummary | null>('archive_summary');
}

/** The open archive's counts with its breakdowns by outcome, format, harness version and model (a scan). */
export function archiveBreakdown(): Promise<ArchiveSummary> {
  return call<ArchiveSummary>('archive_breakdown');
}

export function openArchive(path: string): Promise<ArchiveSummary> {
  return call<ArchiveSummary>('open_archive', { path });
}

/** Shows the native folder dialog; null when the user cancels it. */
export function chooseArchive(): Promise<ArchiveSummary | null> {
  return call<ArchiveSummary | null>('choose_archive');
}

/** Fired when the user opens an archive from the native File menu. */
export function onArchiveOpened(handler: (summary: ArchiveSummary) => void): Promise<() => void> {
  return subscribe<ArchiveSummary>('archive-opened', handler);
}

/** Fired when opening an archive from the native File menu failed. */
export function onArchiveError(handler: (error: ApiError) => void): Promise<() => void> {
  return subscribe<ApiError>('archive-error', handler);
}
