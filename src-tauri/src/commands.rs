//! The commands the UI calls: each extracts state, calls one engine function, maps the error.

use std::path::PathBuf;

use tauri::{AppHandle, Emitter, Manager, State, WebviewWindow};
use tracelab_core::summary::{overview, summarize_from, ArchiveSummary};

use crate::error::AppResult;
use crate::state::AppState;

// Opening an archive answers with its manifest's counts at once, so the sessions view can
// start; the summary strip's breakdowns come from `archive_breakdown`.

/// The archive opened at start-up or last opened, or `null` when none is open.
#[tauri::command]
pub async fn archive_summary(state: State<'_, AppState>) -> AppResult<Option<ArchiveSummary>> {
    if !state.has_archive() {
        return Ok(None);
    }
    Ok(Some(overview(&state.archive()?)))
}

/// The open archive's counts with sessions by outcome, source format, harness version and
/// model, from the session index the facets use (built once for both).
#[tauri::command]
pub async fn archive_breakdown(state: State<'_, AppState>) -> AppResult<ArchiveSummary> {
    let archive = state.archive()?;
    let engine = crate::explore::engine(&state).await?;
    Ok(summarize_from(&engine, &archive).await?)
}

#[tauri::command]
pub async fn open_archive(path: PathBuf, state: State<'_, AppState>) -> AppResult<ArchiveSummary> {
    Ok(overview(&state.open(&path)?))
}

/// Shows the native folder dialog; `null` when the user cancels.
#[tauri::command]
pub async fn choose_archive(
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> AppResult<Option<ArchiveSummary>> {
    let Some(folder) = pick_folder(Some(&window)).await else {
        return Ok(None);
    };
    Ok(Some(overview(&state.open(folder.path())?)))
}

async fn pick_folder(parent: Option<&WebviewWindow>) -> Option<rfd::FileHandle> {
    let mut dialog = rfd::AsyncFileDialog::new().set_title("Open a Tracelab archive");
    if let Some(window) = parent {
        dialog = dialog.set_parent(window);
    }
    dialog.pick_folder().await
}

/// File → Open archive…: the same as the toolbar button, reported to the UI as an event.
pub fn open_from_menu(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let window = app.get_webview_window("main");
        let Some(folder) = pick_folder(window.as_ref()).await else {
            return;
        };
        let state = app.state::<AppState>();
        let result = state.open(folder.path()).map(|a| overview(&a));
        let _ = match result {
            Ok(summary) => app.emit("archive-opened", summary),
            Err(e) => app.emit("archive-error", e),
        };
    });
}
