import { call } from './bridge';
import { toBytes } from './bytes';
import { decodeSqlResult, type SqlResult } from '../sql/result';

/** Typed front for the SQL console's commands (`src-tauri/src/sql.rs`). */

export interface TableSchema {
  name: string;
  columns: [string, string][];
}

export function sqlSchema(): Promise<TableSchema[]> {
  return call<TableSchema[]>('sql_schema');
}

export async function runSql(statement: string, limit: number): Promise<SqlResult> {
  return decodeSqlResult(toBytes(await call<unknown>('sql_run', { statement, limit })));
}

/** Asks where to save, then writes every row; resolves to the path, or null when cancelled. */
export function exportSql(statement: string, format: 'csv' | 'parquet'): Promise<string | null> {
  return call<string | null>('sql_export', { statement, format });
}
