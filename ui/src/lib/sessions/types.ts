/** One row of the sessions table as the window uses it. Every field may be missing in the archive. */
export interface SessionRow {
  sessionId: string | null;
  /** Milliseconds since the Unix epoch (UTC), sub-millisecond precision dropped. */
  startedAtMs: number | null;
  repo: string | null;
  taskId: string | null;
  harnessVersion: string | null;
  model: string | null;
  slice: string | null;
  outcome: string | null;
  nEvents: number | null;
  nToolCalls: number | null;
  nToolErrors: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}
