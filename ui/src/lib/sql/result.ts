import { tableFromIPC, type Table } from 'apache-arrow';

/** A console result as text cells (trace content stays text: it is never parsed as markup). */
export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  /** The row cap cut the result. */
  truncated: boolean;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return text((value as { toJSON: () => unknown }).toJSON());
  if (ArrayBuffer.isView(value)) return `[${Array.from(value as unknown as ArrayLike<number>).join(', ')}]`;
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));
  } catch {
    return String(value);
  }
}

/** Decodes `sql_run`'s Arrow IPC stream. */
export function decodeSqlResult(bytes: Uint8Array): SqlResult {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (thrown) {
    throw { code: 'corrupt', message: `Could not decode the query result (Arrow IPC): ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
  const fields = table.schema.fields;
  if (fields.length === 0) throw { code: 'corrupt', message: 'The query result arrived without columns (not an Arrow IPC stream).' };
  const vectors = fields.map((_, i) => table.getChildAt(i));
  const rows: (string | null)[][] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    rows[r] = vectors.map((v) => {
      const value = v?.get(r);
      // Timestamps come back as epoch milliseconds.
      if (typeof value === 'number' && v && String(v.type).startsWith('Timestamp')) return new Date(value).toISOString();
      return text(value);
    });
  }
  return {
    columns: fields.map((f) => ({ name: f.name, type: String(f.type) })),
    rows,
    truncated: table.schema.metadata.get('truncated') === 'true',
  };
}
