/** Mirrors the Rust `ArchiveSummary` the backend serialises for the window. */
export interface ArchiveSummary {
  path: string;
  sessions: number;
  events: number;
  quarantined: number;
  by_outcome: Record<string, number>;
  by_source_format: Record<string, number>;
  by_harness_version: Record<string, number>;
  by_model: Record<string, number>;
}

/**
 * Codes the backend sends, plus the two the front end makes up itself:
 * `not_in_tauri` (the page runs in a plain browser) and `unknown`
 * (something was thrown that did not carry a code).
 */
export type ApiErrorCode =
  | 'not_found'
  | 'not_an_archive'
  | 'corrupt'
  | 'io'
  | 'no_archive'
  | 'not_in_tauri'
  | 'unknown';

/** `code` stays a string: a newer backend may send codes this UI does not know yet. */
export interface ApiError {
  code: ApiErrorCode | (string & {});
  message: string;
}
