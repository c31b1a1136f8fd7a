import { DataType, tableFromIPC, type Vector } from 'apache-arrow';
import type { SessionRow } from './types';

/**
 * Decodes the `sessions_page` Arrow IPC stream into plain rows.
 *
 * Columns are looked up by name rather than position, and a column that is
 * missing or of an unexpected type reads as nulls: the window should keep
 * working while the backend's schema grows.
 */
export function decodeSessionRows(bytes: Uint8Array): SessionRow[] {
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (thrown) {
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    throw { code: 'corrupt', message: `Could not decode session rows (Arrow IPC): ${detail}` };
  }

  const text = (name: string) => column(table.getChild(name), asText);
  const count = (name: string) => column(table.getChild(name), asNumber);
  const sessionId = text('session_id');
  const startedAt = column(table.getChild('started_at'), asEpochMs);
  const repo = text('repo');
  const taskId = text('task_id');
  const harnessVersion = text('harness_version');
  const model = text('model');
  const slice = text('slice');
  const outcome = text('outcome');
  const nEvents = count('n_events');
  const nToolCalls = count('n_tool_calls');
  const nToolErrors = count('n_tool_errors');
  const inputTokens = count('input_tokens');
  const outputTokens = count('output_tokens');
  const costUsd = count('cost_usd');

  const rows: SessionRow[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    rows[i] = {
      sessionId: sessionId(i),
      startedAtMs: startedAt(i),
      repo: repo(i),
      taskId: taskId(i),
      harnessVersion: harnessVersion(i),
      model: model(i),
      slice: slice(i),
      outcome: outcome(i),
      nEvents: nEvents(i),
      nToolCalls: nToolCalls(i),
      nToolErrors: nToolErrors(i),
      inputTokens: inputTokens(i),
      outputTokens: outputTokens(i),
      costUsd: costUsd(i),
    };
  }
  return rows;
}

type Convert<T> = (value: unknown, vector: Vector) => T | null;

function column<T>(vector: Vector | null, convert: Convert<T>): (row: number) => T | null {
  if (!vector) return () => null;
  return (row) => {
    const value: unknown = vector.get(row);
    return value === null || value === undefined ? null : convert(value, vector);
  };
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** int64 arrives as BigInt; counts and token totals fit a double comfortably. */
function asNumber(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return null;
}

const MS_PER_UNIT: Record<string, number> = { s: 1000, ms: 1, us: 1 / 1000, ns: 1 / 1_000_000 };

/**
 * apache-arrow already turns timestamp values into epoch milliseconds (a
 * fractional number for µs). A plain int64 column is taken as µs, the unit
 * the contract names.
 */
function asEpochMs(value: unknown, vector: Vector): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? Math.floor(value) : null;
  if (typeof value === 'bigint') {
    const unit = DataType.isTimestamp(vector.type) ? ['s', 'ms', 'us', 'ns'][vector.type.unit] : 'us';
    return Math.floor(Number(value) * (MS_PER_UNIT[unit] ?? 1 / 1000));
  }
  return null;
}
