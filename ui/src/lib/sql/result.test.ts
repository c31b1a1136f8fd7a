import { tableToIPC, tableFromArrays, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeSqlResult } from './result';

describe('console results', () => {
  it('decodes every cell to text and reads the truncated flag', () => {
    const base = tableFromArrays({ outcome: ['success', '<img onerror=x>'], n: Int32Array.from([3, 4]) });
    const table = new Table(base.schema, base.batches);
    table.schema.metadata.set('truncated', 'true');
    const result = decodeSqlResult(tableToIPC(table, 'stream'));
    expect(result.columns.map((c) => c.name)).toEqual(['outcome', 'n']);
    expect(result.rows).toEqual([
      ['success', '3'],
      ['<img onerror=x>', '4'],
    ]);
    expect(result.truncated).toBe(true);
  });

  it('names a broken stream', () => {
    expect(() => decodeSqlResult(new Uint8Array([1, 2, 3]))).toThrowError();
  });
});
