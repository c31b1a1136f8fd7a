import {
  Float64,
  Int64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Timestamp,
  TimeUnit,
  Utf8,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeSessionRows } from './decode';

/** A µs timestamp column built from raw int64 values, as arrow-rs writes it. */
function micros(values: (bigint | null)[]): Vector {
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) validity[i >> 3] |= 1 << (i & 7);
  });
  return makeVector(
    makeData({
      type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
      length: values.length,
      nullCount: values.filter((v) => v === null).length,
      nullBitmap: validity,
      data: BigInt64Array.from(values, (v) => v ?? 0n),
    }),
  );
}

const text = (values: (string | null)[]) => vectorFromArray(values, new Utf8());
const int64 = (values: (bigint | null)[]) => vectorFromArray(values, new Int64());

function sessionsTable() {
  return new Table({
    session_id: text(['s-001', 's-002', null]),
    started_at: micros([1_700_000_000_123_456n, null, 0n]),
    repo: text(['acme/widgets', null, 'acme/<b>html</b>']),
    task_id: text(['T-1', 'T-2', null]),
    harness_version: text(['1.4.0', null, '1.5.0']),
    model: text(['model-a', 'model-b', null]),
    slice: text(['train', null, 'eval']),
    outcome: text(['success', 'failure', null]),
    n_events: int64([42n, null, 9_007_199_254_740_991n]),
    n_tool_calls: int64([7n, 0n, null]),
    n_tool_errors: int64([1n, null, 0n]),
    input_tokens: int64([12_345n, 0n, null]),
    output_tokens: int64([678n, null, 1n]),
    cost_usd: vectorFromArray([0.042, null, 1.5], new Float64()),
  });
}

describe('decodeSessionRows', () => {
  it('decodes a real IPC stream, nulls and BigInt included', () => {
    const rows = decodeSessionRows(tableToIPC(sessionsTable(), 'stream'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      sessionId: 's-001',
      startedAtMs: 1_700_000_000_123,
      repo: 'acme/widgets',
      taskId: 'T-1',
      harnessVersion: '1.4.0',
      model: 'model-a',
      slice: 'train',
      outcome: 'success',
      nEvents: 42,
      nToolCalls: 7,
      nToolErrors: 1,
      inputTokens: 12_345,
      outputTokens: 678,
      costUsd: 0.042,
    });
    expect(rows[1]).toMatchObject({
      startedAtMs: null,
      repo: null,
      harnessVersion: null,
      nEvents: null,
      nToolCalls: 0,
      nToolErrors: null,
      inputTokens: 0,
      costUsd: null,
    });
    expect(rows[2]).toMatchObject({ sessionId: null, startedAtMs: 0, outcome: null, nEvents: 9_007_199_254_740_991 });
  });

  it('returns plain numbers, never BigInt', () => {
    const [row] = decodeSessionRows(tableToIPC(sessionsTable(), 'stream'));
    for (const key of ['nEvents', 'nToolCalls', 'nToolErrors', 'inputTokens', 'outputTokens', 'startedAtMs'] as const) {
      expect(typeof row[key]).toBe('number');
    }
  });

  it('keeps markup as plain text', () => {
    const rows = decodeSessionRows(tableToIPC(sessionsTable(), 'stream'));
    expect(rows[2].repo).toBe('acme/<b>html</b>');
  });

  it('reads every record batch of the stream in order', () => {
    const first = new Table({ session_id: text(['s-001', 's-002', null]), n_events: int64([1n, 2n, null]) });
    const second = new Table({ session_id: text(['s-004']), n_events: int64([3n]) });
    const both = first.concat(second);
    expect(both.batches.length).toBe(2);
    const rows = decodeSessionRows(tableToIPC(both, 'stream'));
    expect(rows.map((r) => r.sessionId)).toEqual(['s-001', 's-002', null, 's-004']);
    expect(rows[3].nEvents).toBe(3);
  });

  it('reads missing columns as nulls', () => {
    const rows = decodeSessionRows(tableToIPC(new Table({ session_id: text(['only']) }), 'stream'));
    expect(rows).toEqual([
      expect.objectContaining({ sessionId: 'only', startedAtMs: null, outcome: null, costUsd: null }),
    ]);
  });

  it('decodes an empty window', () => {
    const empty = sessionsTable().slice(0, 0);
    expect(decodeSessionRows(tableToIPC(empty, 'stream'))).toEqual([]);
  });

  it('rejects bytes that are not Arrow IPC with a corrupt error', () => {
    expect(() => decodeSessionRows(new TextEncoder().encode('{"rows": []}'))).toThrow(
      expect.objectContaining({ code: 'corrupt' }),
    );
  });
});
