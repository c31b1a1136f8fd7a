//! The SQL console: read-only by construction. DDL (`CREATE`, `DROP`, external tables), DML
//! (`INSERT`, `UPDATE`, `DELETE`, `COPY`) and statements (`SET`, transactions) are refused
//! before anything runs; DataFusion here has no table functions or URL tables that read
//! files, so a query sees only the archive's tables. Results are capped and cancellable.

use arrow::array::RecordBatch;
use datafusion::execution::context::SQLOptions;
use futures::StreamExt;

use super::{query_error, QueryEngine};
use crate::error::{Error, Result};
use crate::progress::CancelToken;

/// Rows a console query returns unless the user raises the cap.
pub const DEFAULT_ROW_LIMIT: usize = 10_000;

/// A console result: the first rows, and whether more were cut off.
#[derive(Debug, Clone)]
pub struct SqlResult {
    pub batches: Vec<RecordBatch>,
    pub schema: arrow::datatypes::SchemaRef,
    pub rows: usize,
    pub truncated: bool,
}

fn read_only() -> SQLOptions {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
}

/// Rewords DataFusion's refusals as what they mean for a user of the console.
fn refusal(message: &str) -> Option<String> {
    let kind = if message.contains("DDL not supported") {
        "statements that create, change or drop tables, views or external tables"
    } else if message.contains("DML not supported") {
        "statements that write (INSERT, UPDATE, DELETE, COPY)"
    } else if message.contains("Statement not supported") {
        "SET, transactions and other session statements"
    } else {
        return None;
    };
    Some(format!(
        "the SQL console is read-only: {kind} are refused ({})",
        message.trim_start_matches("Error during planning: ")
    ))
}

impl QueryEngine {
    /// Runs one read-only statement and returns at most `row_limit` rows.
    pub async fn sql(
        &self,
        sql: &str,
        row_limit: usize,
        cancel: &CancelToken,
    ) -> Result<SqlResult> {
        let df = match self.ctx.sql_with_options(sql, read_only()).await {
            Ok(df) => df,
            Err(e) => {
                let error = query_error(e);
                let Error::Query { message } = &error else {
                    return Err(error);
                };
                return Err(match refusal(message) {
                    Some(message) => Error::Refused { message },
                    None => error,
                });
            }
        };
        let schema: arrow::datatypes::SchemaRef =
            std::sync::Arc::new(df.schema().as_arrow().clone());
        let mut stream = df.execute_stream().await.map_err(query_error)?;
        let mut batches = Vec::new();
        let (mut rows, mut truncated) = (0usize, false);
        while let Some(batch) = stream.next().await {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let batch = batch.map_err(query_error)?;
            let room = row_limit - rows;
            if batch.num_rows() > room {
                batches.push(batch.slice(0, room));
                rows += room;
                truncated = true;
                break;
            }
            rows += batch.num_rows();
            batches.push(batch);
        }
        Ok(SqlResult {
            batches,
            schema,
            rows,
            truncated,
        })
    }
}
