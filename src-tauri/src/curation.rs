//! The curation view's commands: the default config, a preview (the whole curation run,
//! nothing written: counts, warnings and the first decontamination hits), saving the config
//! as `curate.toml`, and the export into a folder. The last preview is kept, so exporting
//! what was just previewed does not run it again.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State, WebviewWindow};
use tracelab_core::curate::{self, Config, Report};
use tracelab_core::decontam::Hit;
use tracelab_core::export::dataset::{self, Export};
use tracelab_core::progress::CancelToken;

use crate::error::{AppError, AppResult};
use crate::progress::ProgressEvents;
use crate::state::AppState;

/// Hits a preview sends for the evidence table.
const PREVIEW_HITS: usize = 200;

#[derive(Serialize)]
pub struct Preview {
    report: Report,
    hits: Vec<Hit>,
    total_hits: usize,
    rows: Vec<(String, usize)>,
    /// Why nothing would be written, when that is so.
    empty: Option<String>,
}

fn bad(message: String) -> AppError {
    AppError {
        code: "bad_input",
        message,
    }
}

#[tauri::command]
pub fn curate_default() -> Config {
    Config::default()
}

async fn run(config: &Config, state: &AppState) -> AppResult<()> {
    config.validate().map_err(bad)?;
    let archive = state.archive()?;
    let curation = curate::curate(&archive, config, &CancelToken::new()).await?;
    state.set_curation(config.clone(), curation);
    Ok(())
}

#[tauri::command]
pub async fn curate_preview(config: Config, state: State<'_, AppState>) -> AppResult<Preview> {
    run(&config, &state).await?;
    state.with_curation(|c| Preview {
        report: c.report.clone(),
        hits: c.hits.iter().take(PREVIEW_HITS).cloned().collect(),
        total_hits: c.hits.len(),
        rows: config
            .export
            .formats
            .iter()
            .map(|f| (f.name().to_string(), c.rows(*f)))
            .collect(),
        empty: c.empty(),
    })
}

/// Asks where to save, then writes the config as `curate.toml`; `null` when cancelled.
#[tauri::command]
pub async fn curate_save_config(
    config: Config,
    window: WebviewWindow,
) -> AppResult<Option<PathBuf>> {
    config.validate().map_err(bad)?;
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Save the curation")
        .set_file_name("curate.toml")
        .set_parent(&window)
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    std::fs::write(&path, config.to_toml())
        .map_err(|e| AppError::from(tracelab_core::Error::io(&path, e)))?;
    Ok(Some(path))
}

/// Shows the folder dialog for the export; `null` when cancelled.
#[tauri::command]
pub async fn choose_output_folder(window: WebviewWindow) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Export the training sets into…")
        .set_parent(&window)
        .pick_folder()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Writes the curation of `config` into `out` (new or empty), reusing the last preview when
/// it was of the same config.
#[tauri::command]
pub async fn curate_export(
    config: Config,
    out: PathBuf,
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Export> {
    if !state.has_curation_of(&config) {
        run(&config, &state).await?;
    }
    let archive = state.archive()?;
    let label = archive.root().display().to_string();
    let result = state.with_curation(|c| match c.empty() {
        Some(problem) => Err(bad(format!("{problem}; nothing written"))),
        None => dataset::write(
            &archive,
            &label,
            c,
            &out,
            &ProgressEvents::new(app.clone(), "curate-progress"),
        )
        .map_err(AppError::from),
    })?;
    result
}
