//! File → Import: the same engine import as `tracelab import`, into the open archive, with
//! progress as `import-progress` events and a cancel command. A cancelled or failed import
//! leaves the archive as it was (the engine commits all at once, or not at all).

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, State, WebviewWindow};
use tracelab_core::archive::Archive;
use tracelab_core::import::{import_with, ImportOptions, ImportSummary};
use tracelab_core::progress::CancelToken;
use tracelab_core::summary::{overview, ArchiveSummary};

use crate::error::{AppError, AppResult};
use crate::progress::ProgressEvents;
use crate::state::AppState;

/// The running import's cancel token, if one is running.
#[derive(Default)]
pub struct ImportJobs {
    running: Mutex<Option<CancelToken>>,
}

/// What an import did, and the archive as it now is.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub summary: ImportSummary,
    pub archive: ArchiveSummary,
}

/// Shows the native dialog for trace files (several may be picked); `[]` when cancelled.
#[tauri::command]
pub async fn choose_import_files(window: WebviewWindow) -> Vec<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Import traces into the archive")
        .set_parent(&window)
        .pick_files()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.path().to_path_buf())
        .collect()
}

/// Shows the native dialog for a folder of traces; `null` when cancelled.
#[tauri::command]
pub async fn choose_import_folder(window: WebviewWindow) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Import a folder of traces into the archive")
        .set_parent(&window)
        .pick_folder()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Imports `paths` (files, folders, bundles) into the open archive.
#[tauri::command]
pub async fn import_traces(
    paths: Vec<PathBuf>,
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, ImportJobs>,
) -> AppResult<ImportReport> {
    let root = state.archive()?.root().to_path_buf();
    let cancel = CancelToken::new();
    {
        let mut running = jobs.running.lock().expect("jobs lock");
        if running.is_some() {
            return Err(AppError {
                code: "busy",
                message: "An import is already running; wait for it or cancel it.".into(),
            });
        }
        *running = Some(cancel.clone());
    }
    let events = ProgressEvents::new(app, "import-progress");
    let job_root = root.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let mut archive = Archive::open(&job_root)?;
        import_with(
            &mut archive,
            &paths,
            &ImportOptions::default(),
            &events,
            &cancel,
        )
    })
    .await;
    *jobs.running.lock().expect("jobs lock") = None;
    let summary = result.map_err(|e| AppError {
        code: "internal",
        message: format!("the import stopped unexpectedly: {e}"),
    })??;
    let archive = overview(&state.open(&root)?);
    Ok(ImportReport { summary, archive })
}

/// Cancels the running import, if any; the archive stays as it was.
#[tauri::command]
pub async fn cancel_import(jobs: State<'_, ImportJobs>) -> AppResult<bool> {
    Ok(match jobs.running.lock().expect("jobs lock").as_ref() {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    })
}
