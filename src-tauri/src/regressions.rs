//! The regressions view's commands: the success rate over time split by a dimension, the
//! ranked attribution of harness changes, a cohort comparison, and the HTML report.

use std::path::PathBuf;

use tauri::{State, WebviewWindow};
use tracelab_core::diagnose::{
    self, report::Report, Attribution, Bucket, Comparison, Measure, TimeSeries,
};
use tracelab_core::query::{Dimension, Filter};

use crate::error::{AppError, AppResult};
use crate::explore::engine;
use crate::state::AppState;

fn bad(message: String) -> AppError {
    AppError {
        code: "bad_input",
        message,
    }
}

/// The success rate per day (or week) under `filter`, one series per value of `by`.
#[tauri::command]
pub async fn time_series(
    filter: Filter,
    by: Option<String>,
    every: String,
    state: State<'_, AppState>,
) -> AppResult<TimeSeries> {
    let bucket = Bucket::parse(&every)
        .ok_or_else(|| bad(format!("unknown bucket `{every}`: day or week")))?;
    let by = by.as_deref().map(Dimension::parse).transpose()?;
    let engine = engine(&state).await?;
    Ok(diagnose::time_series(&engine, &filter, Measure::SuccessRate, bucket, by.as_ref()).await?)
}

/// Every detected change ranked by its effect on the success rate, with intervals.
#[tauri::command]
pub async fn attribution(filter: Filter, state: State<'_, AppState>) -> AppResult<Attribution> {
    let engine = engine(&state).await?;
    Ok(diagnose::attribute(&engine, &filter, &[]).await?)
}

/// Cohort B against cohort A, both in the `--where` syntax.
#[tauri::command]
pub async fn compare(a: String, b: String, state: State<'_, AppState>) -> AppResult<Comparison> {
    let engine = engine(&state).await?;
    Ok(diagnose::compare(&engine, &a, &b).await?)
}

/// Asks where to save, then writes the attribution (and comparison, when given) as the
/// self-contained HTML report `tracelab attribute --html` writes. `null` when cancelled.
#[tauri::command]
pub async fn save_report(
    filter: Filter,
    a: Option<String>,
    b: Option<String>,
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> AppResult<Option<PathBuf>> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the regression report")
        .set_file_name("tracelab-report.html")
        .set_parent(&window)
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let engine = engine(&state).await?;
    let attribution = diagnose::attribute(&engine, &filter, &[]).await?;
    let comparison = match (a, b) {
        (Some(a), Some(b)) => Some(diagnose::compare(&engine, &a, &b).await?),
        _ => None,
    };
    let html = Report {
        title: "Regression report".into(),
        archive: state.archive()?.root().display().to_string(),
        comparison: comparison.as_ref(),
        attribution: Some(&attribution),
        ..Report::default()
    }
    .html();
    let path = file.path().to_path_buf();
    std::fs::write(&path, html).map_err(|e| AppError::from(tracelab_core::Error::io(&path, e)))?;
    Ok(Some(path))
}
