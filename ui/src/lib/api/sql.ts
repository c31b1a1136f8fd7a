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

/** `engine`: `local`, or a Ballista scheduler as `ballista://HOST:PORT`. */
export async function runSql(statement: string, limit: number, engine = 'local'): Promise<SqlResult> {
  return decodeSqlResult(toBytes(await call<unknown>('sql_run', { statement, limit, engine })));
}

/** Asks where to save, then writes every row; resolves to the path, or null when cancelled. */
export function exportSql(
  statement: string,
  format: 'csv' | 'parquet',
  engine = 'local',
): Promise<string | null> {
  return call<string | null>('sql_export', { statement, format, engine });
}
