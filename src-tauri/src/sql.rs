//! The SQL console's commands: the schema, a read-only query (Arrow IPC), and exporting a
//! query's whole result to a CSV or Parquet file the user picks in the save dialog. The
//! console itself cannot write files: the engine refuses COPY and every other write.

use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Response;
use tauri::{State, WebviewWindow};
use tracelab_core::progress::CancelToken;

use std::sync::Arc;

use tracelab_core::query::{Engine, QueryEngine};
use tracelab_core::storage::Location;

use crate::error::{AppError, AppResult};
use crate::explore::engine;
use crate::state::AppState;

/// The engine the console's statements run on: the app's own, or a Ballista cluster's
/// (`ballista://HOST:PORT`, the setting beside the Run button), opened once per address.
async fn console_engine(state: &AppState, setting: &str) -> AppResult<Arc<QueryEngine>> {
    let wanted: Engine = setting.trim().parse().map_err(|message| AppError {
        code: "bad_input",
        message,
    })?;
    if wanted == Engine::Local {
        return engine(state).await;
    }
    if let Some(remote) = state.remote_engine(&wanted) {
        return Ok(remote);
    }
    let root = state.archive()?.root().to_path_buf();
    let remote = Arc::new(QueryEngine::open_at(&Location::Folder(root), &wanted).await?);
    state.set_remote_engine(remote.clone());
    Ok(remote)
}

#[derive(Serialize)]
pub struct TableSchema {
    name: String,
    columns: Vec<(String, String)>,
}

/// Every table and view the console can query, with its columns and their types.
#[tauri::command]
pub async fn sql_schema(state: State<'_, AppState>) -> AppResult<Vec<TableSchema>> {
    let engine = engine(&state).await?;
    let ctx = engine.context();
    let mut tables = Vec::new();
    let catalog = ctx.catalog("datafusion").expect("the default catalog");
    let schema = catalog.schema("public").expect("the default schema");
    let mut names = schema.table_names();
    names.sort();
    for name in names {
        if let Ok(Some(table)) = schema.table(&name).await {
            tables.push(TableSchema {
                name,
                columns: table
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), f.data_type().to_string()))
                    .collect(),
            });
        }
    }
    Ok(tables)
}

/// At most `limit` rows of one read-only statement, as Arrow IPC (metadata `truncated`).
#[tauri::command]
pub async fn sql_run(
    statement: String,
    limit: usize,
    engine: String,
    state: State<'_, AppState>,
) -> AppResult<Response> {
    let engine = console_engine(&state, &engine).await?;
    let result = engine
        .sql(&statement, limit.clamp(1, 100_000), &CancelToken::new())
        .await?;
    Ok(Response::new(result.to_ipc()?))
}

/// Runs `statement` without a row cap and writes every row to a file the user picks:
/// `csv` or `parquet`. `null` when the dialog is cancelled.
#[tauri::command]
pub async fn sql_export(
    statement: String,
    format: String,
    engine: String,
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> AppResult<Option<PathBuf>> {
    if format != "csv" && format != "parquet" {
        return Err(AppError {
            code: "bad_input",
            message: format!("cannot export as `{format}`: csv or parquet"),
        });
    }
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Export the query result")
        .set_file_name(format!("result.{format}"))
        .set_parent(&window)
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let engine = console_engine(&state, &engine).await?;
    let result = engine
        .sql(&statement, usize::MAX, &CancelToken::new())
        .await?;
    let path = file.path().to_path_buf();
    let io = |e| AppError::from(tracelab_core::Error::io(&path, e));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
    if format == "csv" {
        result.write_csv(&mut out)?;
    } else {
        result.write_parquet(&mut out)?;
    }
    std::io::Write::flush(&mut out).map_err(io)?;
    Ok(Some(path))
}
